"""Panels, assignments and reviews as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ReviewScores(BaseModel):
    """An expert's scores (1–10) and comment; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    values: float = Field(ge=1, le=10, description="Values orientation 思想性")
    artistry: float = Field(ge=1, le=10, description="Artistry 艺术性")
    production: float = Field(ge=1, le=10, description="Production 制作水准")
    innovation: float = Field(ge=1, le=10, description="Innovation 创新性")
    comment: str | None = Field(default=None, max_length=2000)


class AssignmentRead(BaseModel):
    """One expert's task in a panel; scores only where the reader may see them."""

    id: int
    panel_id: int
    # The catalogue id, for analysts; None for the reviewing expert, whom it would lead to
    # the work's companies (blind review).
    work_id: str | None
    title: str
    expert: str
    submitted_at: datetime | None
    scores: ReviewScores | None = None


class PanelRead(BaseModel):
    """A panel with its progress."""

    id: int
    name: str
    period: str
    status: str
    created_by: str
    created_at: datetime
    assignments: int
    submitted: int


class PanelCreate(BaseModel):
    """A new panel: works by id, experts per work."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    period: str = Field(min_length=4, max_length=16)
    work_ids: list[str] = Field(min_length=1, max_length=5000)
    per_work: int = Field(default=3, ge=1, le=15)
