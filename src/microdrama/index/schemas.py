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
    review_counts: dict[str, int] | None = None
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
    scale: float | None = None
    favoured_company: str | None = None
    favour_points: float | None = None
    favoured_reviews: int | None = None


class ExpertsRead(BaseModel):
    """The expert panel of a run: per-expert estimates and per-dimension reliability."""

    run: IndexRunRead
    experts: list[ExpertRow]
    reliability: list[dict[str, Any]]


class DimensionPart(BaseModel):
    """One dimension of a composite: cohort percentile, effective weight, contribution."""

    model_config = ConfigDict(extra="forbid")

    score: float | None
    weight: float
    contribution: float


class ExpertPanelRead(BaseModel):
    """What the expert panel said of a work, corrected for each expert's leniency."""

    model_config = ConfigDict(extra="forbid")

    reviews: int | None
    corrected_score: float | None
    spread: float | None
    disagreement: bool | None
    dimensions: dict[str, float | None]


class FlagRead(BaseModel):
    """A day whose traffic the integrity checks discounted, and why."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    date: str
    reason: str
    plays: int | None
    effective_plays: float | None


class ChangeDriver(BaseModel):
    """A dimension that moved a work's score since the previous period."""

    model_config = ConfigDict(extra="forbid")

    dimension: str
    contribution_change: float


class RankChange(BaseModel):
    """How a work's rank moved since the previous period ("new" when it had no data then)."""

    model_config = ConfigDict(extra="forbid")

    previous_period: str | None
    new: bool
    previous_rank: int | None
    previous_score: float | None
    rank_change: int | None
    drivers: list[ChangeDriver]
    previous_method: str | None = None


class Explanation(BaseModel):
    """A work's score in one run taken apart: what `/api/v1/index/works/{id}` answers.

    Unknown keys are refused, so the schema cannot drift from what the engine explains.
    """

    model_config = ConfigDict(extra="forbid")

    work_id: str
    title: str
    period: str
    run_id: int
    method: str
    published: bool
    simulated: bool
    data_from: date
    data_to: date
    as_of: date | None
    method_parameters_hash: str
    eligible: bool | None
    ineligible_reason: str | None
    cohort: str | None
    cohort_label: str | None
    rank: int | None
    rank_interval: list[int | None]
    score: float | None
    score_interval: list[float | None]
    tier: str | None
    data_only: bool | None
    integrity: float | None
    dimensions: dict[str, DimensionPart]
    raw: dict[str, float | int | None]
    experts: ExpertPanelRead
    flags: list[FlagRead]
    previous_period: str | None
    change: RankChange | None
