"""Load what a report reads, pinned: works, the two windows of daily metrics, index runs
(SQL and one snapshot of the lake) into the plain frames of `reports.content.frames`."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import City, Company, Platform, Work, WorkCompany
from microdrama.catalog.service import primary_genre
from microdrama.index.method.periods import Period
from microdrama.index.models import ExpertEstimate, IndexFlag, IndexResult, IndexRun
from microdrama.index.schemas import IndexRunRead
from microdrama.lake import metrics as lake
from microdrama.reports.content.frames import ReportData
from microdrama.review.models import ExpertReview

# Reports read neither favourites nor ad spend.
DAILY_COLUMNS = tuple(c for c in lake.DAILY_COLUMNS if c not in ("favorites", "ad_spend_fen"))


def works_frame(session: Session, ids: set[int] | None) -> pl.DataFrame:
    """Works with primary genre, city and producing company."""
    genre = primary_genre()
    company = (
        select(func.min(WorkCompany.company_id))
        .where(WorkCompany.work_id == Work.id, WorkCompany.role == "producer")
        .correlate(Work)
        .scalar_subquery()
    )
    query = (
        select(
            Work.id,
            Work.external_id,
            Work.title,
            Work.title_en,
            Work.release_date,
            Work.model,
            Work.episodes,
            City.name,
            City.name_en,
            genre,
            company,
        )
        .outerjoin(City, City.id == Work.city_id)
        .order_by(Work.id)
    )
    schema = {
        "id": pl.Int64,
        "work_id": pl.Utf8,
        "title": pl.Utf8,
        "title_en": pl.Utf8,
        "release_date": pl.Date,
        "model": pl.Utf8,
        "episodes": pl.Int64,
        "city": pl.Utf8,
        "city_en": pl.Utf8,
        "genre": pl.Utf8,
        "company_id": pl.Int64,
    }
    frame = pl.DataFrame(session.execute(query).all(), schema=schema, orient="row")
    if ids is not None:
        frame = frame.filter(pl.col("id").is_in(sorted(ids)))
    companies = pl.DataFrame(
        session.execute(select(Company.id, Company.name)).all(),
        schema={"company_id": pl.Int64, "company": pl.Utf8},
        orient="row",
    )
    return frame.join(companies, on="company_id", how="left")


def daily_frame(
    snapshot: lake.Snapshot, *, period: Period, previous: Period, works: pl.DataFrame
) -> pl.DataFrame:
    """Daily rows of the scope's works in the period and in the comparison window.

    Days between the two windows (the rest of a previous quarter compared by its first
    days only) are read by neither.
    """
    scan = snapshot.scan().select(DAILY_COLUMNS)
    return (
        scan.filter(
            pl.col("date").is_between(period.start, period.end)
            | pl.col("date").is_between(previous.start, previous.end),
            pl.col("work_id").is_in(works["work_id"].implode()),
        )
        .with_columns(
            pl.when(pl.col("date") >= period.start)
            .then(pl.lit("current"))
            .otherwise(pl.lit("previous"))
            .alias("window")
        )
        .collect()
    )


def newest_run(session: Session, period: str) -> IndexRun | None:
    """The newest run of a period (published first), or None."""
    return session.scalars(
        select(IndexRun)
        .where(IndexRun.period == period)
        .order_by(IndexRun.published.desc(), IndexRun.id.desc())
        .limit(1)
    ).first()


def results_of(session: Session, run: IndexRun | None, works: pl.DataFrame) -> pl.DataFrame:
    """A run's ranked results for the scope's works, with the expert disagreement flag."""
    columns = (
        "rank",
        "rank_low",
        "rank_high",
        "score",
        "score_low",
        "score_high",
        "tier",
        "integrity",
        "data_only",
        "flagged_days",
    )
    schema: dict[str, Any] = {
        "id": pl.Int64,
        "rank": pl.Int64,
        "rank_low": pl.Int64,
        "rank_high": pl.Int64,
        "score": pl.Float64,
        "score_low": pl.Float64,
        "score_high": pl.Float64,
        "tier": pl.Utf8,
        "integrity": pl.Float64,
        "data_only": pl.Boolean,
        "flagged_days": pl.Int64,
        "disagreement": pl.Boolean,
    }
    if run is None:
        return pl.DataFrame(schema=schema)
    rows = session.execute(
        select(IndexResult.work_id, *(getattr(IndexResult, c) for c in columns), IndexResult.detail)
        .where(IndexResult.run_id == run.id, IndexResult.rank.is_not(None))
        .order_by(IndexResult.rank, IndexResult.work_id)
    ).all()
    records = [
        (*row[:-1], bool((row[-1] or {}).get("experts", {}).get("disagreement"))) for row in rows
    ]
    frame = pl.DataFrame(records, schema=schema, orient="row")
    return frame.filter(pl.col("id").is_in(works["id"].implode()))


def flags_of(session: Session, run: IndexRun | None, works: pl.DataFrame) -> pl.DataFrame:
    """The run's flagged days for the scope's works."""
    schema = {
        "id": pl.Int64,
        "platform": pl.Utf8,
        "date": pl.Date,
        "plays": pl.Int64,
        "effective_plays": pl.Float64,
    }
    if run is None:
        return pl.DataFrame(schema=schema)
    rows = session.execute(
        select(
            IndexFlag.work_id,
            IndexFlag.platform,
            IndexFlag.date,
            IndexFlag.plays,
            IndexFlag.effective_plays,
        )
        .where(IndexFlag.run_id == run.id)
        .order_by(IndexFlag.id)
    ).all()
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.filter(pl.col("id").is_in(works["id"].implode()))


def experts_of(session: Session, run: IndexRun | None) -> pl.DataFrame:
    """Per-expert estimates of the run."""
    schema = {"expert_id": pl.Int64, "reviews": pl.Int64, "leniency": pl.Float64}
    if run is None:
        return pl.DataFrame(schema=schema)
    rows = session.execute(
        select(ExpertEstimate.expert_id, ExpertEstimate.reviews, ExpertEstimate.leniency)
        .where(ExpertEstimate.run_id == run.id)
        .order_by(ExpertEstimate.expert_id)
    ).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def reviews_of(session: Session, period: Period, works: pl.DataFrame) -> pl.DataFrame:
    """Expert reviews made up to the period's end for the scope's works."""
    rows = session.execute(
        select(ExpertReview.work_id, ExpertReview.expert_id)
        .where(ExpertReview.final.is_(True), ExpertReview.reviewed_on <= period.end)
        .order_by(ExpertReview.id)
    ).all()
    frame = pl.DataFrame(rows, schema={"id": pl.Int64, "expert_id": pl.Int64}, orient="row")
    return frame.filter(pl.col("id").is_in(works["id"].implode()))


def load(
    session: Session,
    *,
    snapshot: lake.Snapshot,
    period: Period,
    previous: Period,
    requested: Period | None = None,
    ids: set[int] | None,
    run: IndexRun | None,
    previous_run: IndexRun | None,
) -> ReportData:
    """Read everything the report needs, the daily metrics from one snapshot of the lake."""
    works = works_frame(session, ids)
    return ReportData(
        period=period,
        previous=previous,
        requested=requested or period,
        works=works,
        daily=daily_frame(snapshot, period=period, previous=previous, works=works),
        results=results_of(session, run, works),
        previous_results=results_of(session, previous_run, works).select("id", "rank"),
        flags=flags_of(session, run, works),
        reliability=list(run.reliability) if run is not None else [],
        experts=experts_of(session, run),
        reviews=reviews_of(session, period, works),
        run=None if run is None else IndexRunRead.model_validate(run),
        previous_run=None if previous_run is None else IndexRunRead.model_validate(previous_run),
        lake_version=snapshot.version or 0,
        scoped=ids is not None,
        platforms=pl.DataFrame(
            session.execute(select(Platform.name, Platform.name_en).order_by(Platform.name)).all(),
            schema={"platform": pl.Utf8, "platform_en": pl.Utf8},
            orient="row",
        ),
    )
