"""Compute, store and read Star Index runs; the engine does the maths."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, delete, false, func, insert, select
from sqlalchemy.orm import Session

from microdrama.accounts.models import User
from microdrama.accounts.service import audit
from microdrama.catalog.models import Company, Work, WorkCompany
from microdrama.catalog.service import is_simulated, metrics_snapshot, primary_genre
from microdrama.config import Settings
from microdrama.db.upsert import chunked
from microdrama.errors import NotFoundError
from microdrama.index.method import engine
from microdrama.index.method.config import METHOD_VERSION, IndexConfig
from microdrama.index.method.periods import Period, parse_period, period_name
from microdrama.index.method.prepare import prepare
from microdrama.index.models import RESULT_COLUMNS, ExpertEstimate, IndexFlag, IndexResult, IndexRun
from microdrama.index.schemas import IndexRunRead
from microdrama.lake import metrics as lake
from microdrama.review.models import Expert, ExpertReview

# Daily rows judged at a time (about 50 bytes each): partitions by work bound memory. Up to two
# are held at once (one judged while the next is read); smaller ones overlap more of the work.
PARTITION_ROWS = 10_000_000
DAILY_COLUMNS = list(lake.DAILY_COLUMNS)


def compute_index(
    session: Session,
    *,
    settings: Settings,
    period: str,
    as_of: date | None = None,
    config: IndexConfig | None = None,
    snapshot: lake.Snapshot | None = None,
    actor: User | None = None,
) -> IndexRunRead:
    """Compute the index for a period from pinned inputs and store it as a run.

    It reads the lake at `snapshot` (the version the catalogue acknowledges when none is
    given: see catalog.service.metrics_snapshot); a signed-in
    `actor`'s computation is written to the audit log.
    """
    config = config or IndexConfig()
    started = time.perf_counter()
    pinned = snapshot or metrics_snapshot(session, lake_root=settings.resolved_lake_uri)
    version = pinned.version
    daily = pinned.scan().select(DAILY_COLUMNS)
    window = _period(daily, period, as_of)
    # The lake's rows are judged in a thread of their own while this one reads the relational
    # inputs: the two do not touch each other's data.
    with ThreadPoolExecutor(1) as background:
        preparing = background.submit(
            prepare, daily, period=window, config=config, partition_rows=PARTITION_ROWS
        )
        works = works_frame(session)
        ratings = ratings_frame(session)
        reviews = reviews_frame(session, until=review_window(window))
        counts = review_counts(session, until=review_window(window))
        inputs_hash = _inputs_hash(works, ratings, reviews)
        fitted = engine.fit_experts(works, reviews, config)
        keys = _Keys(
            works=dict(session.execute(select(Work.external_id, Work.id)).all()),
            experts=dict(session.execute(select(Expert.external_id, Expert.id)).all()),
        )
        prepared = preparing.result()
    output = engine.compute(
        prepared,
        period=window,
        works=works,
        ratings=ratings,
        reviews=reviews,
        config=config,
        fitted=fitted,
    )
    # Only now, just before the run is stored: on SQLite the first write takes the database's
    # write lock until the caller commits, and the computation above should not hold it.
    _replace_identical(
        session,
        period=window.name,
        parameter_hash=config.parameter_hash(),
        inputs_hash=inputs_hash,
        lake_version=version,
        as_of=as_of,
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
        inputs_hash=inputs_hash,
        works_ranked=int(output.results["rank"].count()),
        works_data_only=int(output.results.filter(pl.col("rank").is_not_null())["data_only"].sum()),
        stability=output.stability,
        reliability=output.reliability.to_dicts(),
        review_counts=counts,
        simulated=is_simulated(session),
    )
    session.add(run)
    session.flush()
    _store(session, run, output, keys)
    run.seconds = round(time.perf_counter() - started, 3)
    if actor is not None:
        audit(
            session,
            actor=actor.username,
            user_id=actor.id,
            action="index.compute",
            target=f"run {run.id}",
            detail={"period": run.period},
        )
    session.flush()
    return IndexRunRead.model_validate(run)


def _period(daily: pl.LazyFrame, name: str, as_of: date | None) -> Period:
    bounds = daily.select(
        pl.col("date").min().alias("a"), pl.col("date").max().alias("b")
    ).collect()
    return parse_period(name, data_start=bounds["a"][0], data_end=bounds["b"][0]).until(as_of)


def works_frame(session: Session) -> pl.DataFrame:
    """Every work with what the index needs: id, title, episodes and their minutes, release
    date, primary genre, producer company (for the rater × company check)."""
    genre = primary_genre()
    rows = session.execute(
        select(
            Work.external_id,
            Work.title,
            Work.episodes,
            Work.episode_minutes,
            Work.release_date,
            genre,
        ).order_by(Work.external_id)
    ).all()
    frame = pl.DataFrame(
        rows,
        schema={
            "work_id": pl.Utf8,
            "title": pl.Utf8,
            "episodes": pl.Int64,
            "episode_minutes": pl.Float64,
            "release_date": pl.Date,
            "genre": pl.Utf8,
        },
        orient="row",
    ).with_columns(pl.col("genre").fill_null("unknown"))
    # The producer (the first by name), in one join rather than a subquery per work.
    producers = session.execute(
        select(Work.external_id, Company.name)
        .join(WorkCompany, WorkCompany.work_id == Work.id)
        .join(Company, Company.id == WorkCompany.company_id)
        .where(WorkCompany.role == "producer")
    ).all()
    company = (
        pl.DataFrame(producers, schema={"work_id": pl.Utf8, "company": pl.Utf8}, orient="row")
        .sort("work_id", "company")
        .unique("work_id", keep="first", maintain_order=True)
    )
    return frame.join(company, on="work_id", how="left", maintain_order="left")


def ratings_frame(session: Session) -> pl.DataFrame:
    """Audience ratings per work and platform, with what the import before said."""
    from microdrama.catalog.models import AudienceRating, Platform

    rows = session.execute(
        select(
            Work.external_id,
            Platform.name,
            AudienceRating.score,
            AudienceRating.votes,
            AudienceRating.previous_score,
            AudienceRating.previous_votes,
        )
        .join(Work, Work.id == AudienceRating.work_id)
        .join(Platform, Platform.id == AudienceRating.platform_id)
        .order_by(Work.external_id, Platform.name)
    ).all()
    return pl.DataFrame(
        rows,
        schema={
            "work_id": pl.Utf8,
            "platform": pl.Utf8,
            "score": pl.Float64,
            "votes": pl.Int64,
            "previous_score": pl.Float64,
            "previous_votes": pl.Int64,
        },
        orient="row",
    )


def review_window(period: Period) -> date | None:
    """The last day a review may carry to count for a period; None for `all` (every review:
    a panel that reviews a month's works after its last day of data still reviews them)."""
    return None if period.name == "all" else period.end


def reviews_frame(session: Session, *, until: date | None) -> pl.DataFrame:
    """The expert reviews an index counts: final ones (files, closed panels) up to `until`."""
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
        .where(*_counted(until))
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


def _counted(until: date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ExpertReview.final.is_(True)]
    if until is not None:
        conditions.append(ExpertReview.reviewed_on <= until)
    return conditions


def review_counts(session: Session, *, until: date | None) -> dict[str, int]:
    """How many reviews a run over a window uses, and how many it leaves out and why."""
    after = ExpertReview.reviewed_on > until if until is not None else false()
    used, open_panel, later = session.execute(
        select(
            func.count().filter(*_counted(until)),
            func.count().filter(ExpertReview.final.is_(False)),
            func.count().filter(ExpertReview.final.is_(True), after),
        ).select_from(ExpertReview)
    ).one()
    return {"used": used, "open_panel": open_panel, "after_period": later}


def _inputs_hash(*frames: pl.DataFrame) -> str:
    """SHA-256 over the relational inputs, in a canonical order."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def _replace_identical(
    session: Session,
    *,
    period: str,
    parameter_hash: str,
    inputs_hash: str,
    lake_version: int | None,
    as_of: date | None,
) -> None:
    """Drop an earlier run of the very same inputs and method, so reruns do not pile up."""
    session.execute(
        delete(IndexRun).where(
            IndexRun.period == period,
            IndexRun.parameter_hash == parameter_hash,
            IndexRun.inputs_hash == inputs_hash,
            IndexRun.lake_version == lake_version,
            IndexRun.as_of.is_(None) if as_of is None else IndexRun.as_of == as_of,
            IndexRun.published.is_(False),
        )
    )


@dataclass(frozen=True)
class _Keys:
    """Database ids by external id: of every work, and of every expert."""

    works: dict[str, int]
    experts: dict[str, int]


def _store(session: Session, run: IndexRun, output: engine.IndexOutput, keys: _Keys) -> None:
    """Write results, flags and expert estimates: one executemany per table, every row alike.

    Rows go to the driver as prepared tuples (`_insert`): per-row dictionaries through the
    statement's parameter processing, and a dictionary and `json.dumps` per result's detail,
    took longer than the whole ranking's bootstrap at 100,000 works.
    """
    ids = keys.works
    results = _finite(output.results)
    work = pl.col("work_id").replace_strict(ids, return_dtype=pl.Int64)
    _insert(
        session,
        IndexResult,
        results.select(
            pl.lit(run.id, pl.Int64).alias("run_id"),
            work,
            *RESULT_COLUMNS,
            engine.detail_json(results).alias("detail"),
        ),
        json_columns={"detail"},
    )
    flags = _finite(output.flags)
    _insert(
        session,
        IndexFlag,
        flags.select(
            pl.lit(run.id, pl.Int64).alias("run_id"),
            work,
            "platform",
            "date",
            pl.col("reason").fill_null("").str.slice(0, 500),
            "plays",
            "effective_plays",
        ),
    )
    experts = keys.experts
    estimates = output.experts.filter(pl.col("expert_id").is_in(list(experts)))
    _insert(
        session,
        ExpertEstimate,
        estimates.select(
            pl.lit(run.id, pl.Int64).alias("run_id"),
            pl.col("expert_id").replace_strict(experts, return_dtype=pl.Int64),
            "reviews",
            "leniency",
            "rmse",
            "infit",
            "scale",
            "favoured_company",
            "favour_points",
            "favoured_reviews",
        ),
    )


def _insert(
    session: Session,
    model: type[Any],
    frame: pl.DataFrame,
    *,
    json_columns: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Insert a frame's rows (its columns named as the table's) with one executemany.

    The statement is compiled for the session's dialect; each value goes through its column's
    bind processing (dates on SQLite, say), except `json_columns`, which hold JSON text already.
    """
    if frame.height == 0:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    compiled = insert(table).compile(dialect=dialect, column_keys=frame.columns)
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        values = frame.get_column(name).to_list()
        process = None if name in json_columns else table.c[name].type.bind_processor(dialect)
        columns[name] = values if process is None else [process(v) for v in values]
    if compiled.positional:
        order = compiled.positiontup or []
        rows: list[Any] = list(zip(*(columns[name] for name in order), strict=True))
    else:
        names = list(columns)
        rows = [
            dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
        ]
    for chunk in chunked(rows, 10_000):
        connection.exec_driver_sql(compiled.string, list(chunk))


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


@dataclass(frozen=True)
class RunSelector:
    """Which stored run a reader means: run `run_id`, else the period's newest one.

    `period` as typed (2025-9 is 2025-09). `published_only` hides drafts (what viewers and
    the public may read); `prefer_published` takes the newest published run when the period
    has one, which is what readers of the command line see unless they pick a run.
    """

    period: str | None = None
    run_id: int | None = None
    published_only: bool = False
    prefer_published: bool = False

    def of_period(self, period: str) -> RunSelector:
        """The same choice made for another period (the previous one, say), by its newest run."""
        return replace(self, period=period, run_id=None)


def chosen_run(session: Session, selector: RunSelector) -> IndexRun:
    """The run the selector means; NotFoundError naming what is missing."""
    period = None if selector.period is None else period_name(selector.period)
    run_id, published_only = selector.run_id, selector.published_only
    if run_id is not None:
        run = session.get(IndexRun, run_id)
        if run is None or (published_only and not run.published):
            raise NotFoundError(f"no index run #{run_id}")
        if period is not None and period != run.period:
            raise NotFoundError(f"run #{run_id} is of period {run.period}, not {period}")
        return run
    if period is None:
        raise NotFoundError("give a period or a run id")
    if selector.prefer_published and not published_only:
        try:
            return latest_run(session, period=period, published_only=True)
        except NotFoundError:
            pass
    return latest_run(session, period=period, published_only=published_only)


def other_runs(session: Session, *, period: str, except_id: int) -> list[IndexRunRead]:
    """The period's stored runs other than `except_id`, newest first."""
    query = select(IndexRun).where(IndexRun.period == period, IndexRun.id != except_id)
    runs = session.execute(query.order_by(IndexRun.id.desc())).scalars()
    return [IndexRunRead.model_validate(run) for run in runs]


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
