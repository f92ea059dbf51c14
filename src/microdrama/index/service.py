"""Compute, store and read Star Index runs; the engine does the maths."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import Work, WorkGenre
from microdrama.catalog.service import is_simulated
from microdrama.config import Settings
from microdrama.db.upsert import chunked
from microdrama.errors import NotFoundError
from microdrama.index import engine
from microdrama.index.config import METHOD_VERSION, IndexConfig
from microdrama.index.models import RESULT_COLUMNS, ExpertEstimate, IndexFlag, IndexResult, IndexRun
from microdrama.index.periods import Period, parse_period
from microdrama.index.prepare import prepare
from microdrama.index.schemas import IndexRunRead
from microdrama.lake import metrics as lake
from microdrama.review.models import Expert, ExpertReview

# Daily rows judged at a time (about 50 bytes each): partitions by work bound memory.
PARTITION_ROWS = 20_000_000
DAILY_COLUMNS = [
    "work_id",
    "platform",
    "date",
    "plays",
    "viewers",
    "watch_minutes",
    "completion_rate",
    "likes",
    "comments",
    "shares",
    "favorites",
    "recharge_fen",
    "ad_revenue_fen",
    "ad_spend_fen",
]


def compute_index(
    session: Session,
    *,
    settings: Settings,
    period: str,
    as_of: date | None = None,
    config: IndexConfig | None = None,
) -> IndexRunRead:
    """Compute the index for a period from pinned inputs and store it as a run."""
    config = config or IndexConfig()
    started = time.perf_counter()
    uri = lake.metrics_uri(settings.resolved_lake_uri)
    version = lake.current_version(uri)
    daily = lake.scan(uri, version=version).select(DAILY_COLUMNS)
    window = _period(daily, period, as_of)
    works = works_frame(session)
    ratings = ratings_frame(session)
    reviews = reviews_frame(session, until=window.end)
    prepared = prepare(daily, period=window, config=config, partition_rows=PARTITION_ROWS)
    output = engine.compute(
        prepared, period=window, works=works, ratings=ratings, reviews=reviews, config=config
    )
    run = IndexRun(
        period=window.name,
        period_start=window.start,
        period_end=window.end,
        as_of=as_of,
        method_version=METHOD_VERSION,
        parameter_hash=config.parameter_hash(),
        parameters=config.as_dict(),
        lake_version=version,
        inputs_hash=_inputs_hash(works, ratings, reviews),
        works_ranked=int(output.results["rank"].count()),
        works_data_only=int(output.results.filter(pl.col("rank").is_not_null())["data_only"].sum()),
        stability=output.stability,
        reliability=output.reliability.to_dicts(),
        simulated=is_simulated(session),
    )
    _replace_identical(session, run)
    session.add(run)
    session.flush()
    _store(session, run, output)
    run.seconds = round(time.perf_counter() - started, 3)
    session.flush()
    return IndexRunRead.model_validate(run)


def _period(daily: pl.LazyFrame, name: str, as_of: date | None) -> Period:
    bounds = daily.select(
        pl.col("date").min().alias("a"), pl.col("date").max().alias("b")
    ).collect()
    return parse_period(name, data_start=bounds["a"][0], data_end=bounds["b"][0]).until(as_of)


def works_frame(session: Session) -> pl.DataFrame:
    """Every work with what the index needs: id, title, episodes, release date, primary genre."""
    genre = (
        select(WorkGenre.genre)
        .where(WorkGenre.work_id == Work.id)
        .order_by(WorkGenre.position)
        .limit(1)
        .correlate(Work)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Work.external_id, Work.title, Work.episodes, Work.release_date, genre).order_by(
            Work.external_id
        )
    ).all()
    return pl.DataFrame(
        rows,
        schema={
            "work_id": pl.Utf8,
            "title": pl.Utf8,
            "episodes": pl.Int64,
            "release_date": pl.Date,
            "genre": pl.Utf8,
        },
        orient="row",
    ).with_columns(pl.col("genre").fill_null("unknown"))


def ratings_frame(session: Session) -> pl.DataFrame:
    """Audience ratings per work and platform."""
    from microdrama.catalog.models import AudienceRating, Platform

    rows = session.execute(
        select(Work.external_id, Platform.name, AudienceRating.score, AudienceRating.votes)
        .join(Work, Work.id == AudienceRating.work_id)
        .join(Platform, Platform.id == AudienceRating.platform_id)
        .order_by(Work.external_id, Platform.name)
    ).all()
    return pl.DataFrame(
        rows,
        schema={"work_id": pl.Utf8, "platform": pl.Utf8, "score": pl.Float64, "votes": pl.Int64},
        orient="row",
    )


def reviews_frame(session: Session, *, until: date) -> pl.DataFrame:
    """Expert reviews made up to the end of the period."""
    rows = session.execute(
        select(
            Work.external_id,
            Expert.external_id,
            ExpertReview.values,
            ExpertReview.artistry,
            ExpertReview.production,
            ExpertReview.innovation,
        )
        .join(Work, Work.id == ExpertReview.work_id)
        .join(Expert, Expert.id == ExpertReview.expert_id)
        .where(ExpertReview.reviewed_on <= until)
        .order_by(Work.external_id, Expert.external_id, ExpertReview.reviewed_on)
    ).all()
    return pl.DataFrame(
        rows,
        schema={
            "work_id": pl.Utf8,
            "expert_id": pl.Utf8,
            "values": pl.Float64,
            "artistry": pl.Float64,
            "production": pl.Float64,
            "innovation": pl.Float64,
        },
        orient="row",
    )


def _inputs_hash(*frames: pl.DataFrame) -> str:
    """SHA-256 over the relational inputs, in a canonical order."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def _replace_identical(session: Session, run: IndexRun) -> None:
    """Drop an earlier run of the very same inputs and method, so reruns do not pile up."""
    session.execute(
        delete(IndexRun).where(
            IndexRun.period == run.period,
            IndexRun.parameter_hash == run.parameter_hash,
            IndexRun.inputs_hash == run.inputs_hash,
            IndexRun.lake_version == run.lake_version,
            IndexRun.as_of.is_(None) if run.as_of is None else IndexRun.as_of == run.as_of,
            IndexRun.published.is_(False),
        )
    )


def _store(session: Session, run: IndexRun, output: engine.IndexOutput) -> None:
    """Write results, flags and expert estimates: one executemany per table, every row alike.

    Core inserts with the same keys in every row: the ORM's bulk insert leaves out the None
    values of each row, so rows with different unknowns went to the database one group at a time.
    """
    ids: dict[str, int] = dict(session.execute(select(Work.external_id, Work.id)).all())
    results = _finite(output.results)
    stored = list(RESULT_COLUMNS)
    columns = {name: results.get_column(name).to_list() for name in results.columns}
    work_ids = columns["work_id"]
    details = engine.details(columns)
    rows = [
        {"run_id": run.id, "work_id": ids[work_ids[i]], "detail": details[i]}
        | {k: columns[k][i] for k in stored}
        for i in range(results.height)
    ]
    _insert(session, IndexResult, rows)
    flags = output.flags
    flag_rows = [
        {
            "run_id": run.id,
            "work_id": ids[work_id],
            "platform": platform,
            "date": day,
            "reason": (reason or "")[:500],
            "plays": plays,
            "effective_plays": effective,
        }
        for work_id, platform, day, reason, plays, effective in zip(
            *(
                flags.get_column(c).to_list()
                for c in ("work_id", "platform", "date", "reason", "plays")
            ),
            _finite(flags.select("effective_plays")).get_column("effective_plays").to_list(),
            strict=True,
        )
    ]
    _insert(session, IndexFlag, flag_rows)
    experts: dict[str, int] = dict(session.execute(select(Expert.external_id, Expert.id)).all())
    estimates = [
        {
            "run_id": run.id,
            "expert_id": experts[e["expert_id"]],
            "reviews": e["reviews"],
            "leniency": e["leniency"],
            "rmse": e["rmse"],
            "infit": e["infit"],
        }
        for e in output.experts.iter_rows(named=True)
        if e["expert_id"] in experts
    ]
    _insert(session, ExpertEstimate, estimates)


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for chunk in chunked(rows, 10_000):
        session.execute(insert(model.__table__), list(chunk))


def _finite(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN and infinities (not JSON, and not numbers a reader expects) become null."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in floats
    )


def latest_run(session: Session, *, period: str, published_only: bool = False) -> IndexRun:
    """The newest run of a period; NotFoundError when the period was never computed."""
    query = select(IndexRun).where(IndexRun.period == period)
    if published_only:
        query = query.where(IndexRun.published.is_(True))
    run = session.execute(query.order_by(IndexRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is None:
        raise NotFoundError(
            f"no index computed for period {period}: "
            f"run `microdrama index compute --period {period}`"
        )
    return run


def list_runs(session: Session, *, published_only: bool = False) -> list[IndexRunRead]:
    """All runs (or only the published ones), newest first."""
    query = select(IndexRun).order_by(IndexRun.id.desc())
    if published_only:
        query = query.where(IndexRun.published.is_(True))
    return [IndexRunRead.model_validate(run) for run in session.execute(query).scalars()]


def publish_run(
    session: Session, *, run_id: int, actor: str, user_id: int | None = None
) -> IndexRunRead:
    """Make a run visible to viewers and the public; recorded in the audit log."""
    from microdrama.accounts.service import audit

    run = session.get(IndexRun, run_id)
    if run is None:
        raise NotFoundError(f"no index run #{run_id}")
    run.published = True
    audit(
        session,
        actor=actor,
        user_id=user_id,
        action="index.publish",
        target=f"run {run_id}",
        detail={"period": run.period},
    )
    session.flush()
    return IndexRunRead.model_validate(run)


def count_runs(session: Session) -> int:
    """How many index runs are stored."""
    return session.execute(select(func.count()).select_from(IndexRun)).scalar_one()
