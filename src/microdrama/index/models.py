"""Stored index runs: what was computed from which inputs, and each work's result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microdrama.catalog.models import Work
from microdrama.db.base import Base, utcnow


class IndexRun(Base):
    """One computation of the index for a period, pinned to its inputs."""

    __tablename__ = "index_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date | None] = mapped_column(Date)
    method_version: Mapped[str] = mapped_column(String(16))
    parameter_hash: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    lake_version: Mapped[int | None] = mapped_column(Integer)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    works_ranked: Mapped[int] = mapped_column(Integer, default=0)
    works_data_only: Mapped[int] = mapped_column(Integer, default=0)
    stability: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    reliability: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Expert reviews the run used and those it left out, by reason (index.service.review_counts).
    review_counts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The per-work columns of a result, in the order exports and frames show them.
RESULT_COLUMNS = (
    "rank",
    "rank_low",
    "rank_high",
    "score",
    "score_low",
    "score_high",
    "tier",
    "integrity",
    "reach",
    "engagement",
    "commercial",
    "reputation",
    "momentum",
    "expert",
    "data_only",
    "eligible",
    "flagged_days",
)


class IndexResult(Base):
    """A work's score, interval, tier and dimensions in one run."""

    __tablename__ = "index_results"
    # Pages of a ranking read a run's results in rank order; the rows themselves are wide.
    __table_args__ = (Index("ix_index_results_run_rank", "run_id", "rank"),)

    run_id: Mapped[int] = mapped_column(
        ForeignKey("index_runs.id", ondelete="CASCADE"), primary_key=True
    )
    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int | None] = mapped_column(Integer, index=True)
    rank_low: Mapped[int | None] = mapped_column(Integer)
    rank_high: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    score_low: Mapped[float | None] = mapped_column(Float)
    score_high: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str | None] = mapped_column(String(4))
    integrity: Mapped[float] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    engagement: Mapped[float | None] = mapped_column(Float)
    commercial: Mapped[float | None] = mapped_column(Float)
    reputation: Mapped[float | None] = mapped_column(Float)
    momentum: Mapped[float | None] = mapped_column(Float)
    expert: Mapped[float | None] = mapped_column(Float)
    data_only: Mapped[bool] = mapped_column(Boolean)
    eligible: Mapped[bool] = mapped_column(Boolean)
    flagged_days: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)

    work: Mapped[Work] = relationship()


class IndexFlag(Base):
    """A day whose traffic the integrity step flagged and discounted in a run."""

    __tablename__ = "index_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("index_runs.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    plays: Mapped[int | None] = mapped_column(Integer)
    effective_plays: Mapped[float | None] = mapped_column(Float)


class ExpertEstimate(Base):
    """An expert's estimated leniency and fit in a run."""

    __tablename__ = "index_expert_estimates"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("index_runs.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    leniency: Mapped[float] = mapped_column(Float)
    rmse: Mapped[float | None] = mapped_column(Float)
    infit: Mapped[float | None] = mapped_column(Float)
    # How widely the expert scores against the typical expert (1 = alike; < 1 a narrow range).
    scale: Mapped[float | None] = mapped_column(Float)
    # A company whose works the expert scored `favour_points` above what the other experts saw,
    # on `favoured_reviews` works: those reviews were left out of the scores.
    favoured_company: Mapped[str | None] = mapped_column(String(128))
    favour_points: Mapped[float | None] = mapped_column(Float)
    favoured_reviews: Mapped[int | None] = mapped_column(Integer)
