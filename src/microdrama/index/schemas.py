"""How index runs, rankings and explanations look to the CLI, the API and the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class IndexRunRead(BaseModel):
    """A stored computation and what pins it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    period: str
    period_start: date
    period_end: date
    as_of: date | None
    method_version: str
    parameter_hash: str
    lake_version: int | None
    inputs_hash: str
    works_ranked: int
    works_data_only: int
    stability: dict[str, float]
    reliability: list[dict[str, Any]]
    simulated: bool
    published: bool
    seconds: float
    created_at: datetime


class RankingRow(BaseModel):
    """One work's place in a ranking; the CSV and JSON exports carry these fields."""

    rank: int
    rank_low: int
    rank_high: int
    work_id: str
    title: str
    score: float
    score_low: float
    score_high: float
    tier: str
    integrity: float
    reach: float | None
    engagement: float | None
    commercial: float | None
    reputation: float | None
    momentum: float | None
    expert: float | None
    data_only: bool
    flags: int = Field(description="Days of traffic flagged as fake and discounted")
    genres: str
    platforms: str
    city: str | None
    model: str | None


class RankingPage(BaseModel):
    """A filtered ranking of one run."""

    run: IndexRunRead
    total: int
    rows: list[RankingRow]


class ExpertRow(BaseModel):
    """An expert's leniency and fit."""

    expert_id: str
    name: str | None
    reviews: int
    leniency: float
    rmse: float | None
    infit: float | None


class ExpertsRead(BaseModel):
    """The expert panel of a run: per-expert estimates and per-dimension reliability."""

    run: IndexRunRead
    experts: list[ExpertRow]
    reliability: list[dict[str, Any]]
