"""Read stored runs: filtered rankings, explanations, expert estimates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, defer, selectinload

from microdrama.catalog.models import (
    Work,
    WorkPlatform,
)
from microdrama.catalog.service import WorkFilter, filtered
from microdrama.errors import NotFoundError
from microdrama.index import engine
from microdrama.index.config import IndexConfig
from microdrama.index.models import RESULT_COLUMNS, ExpertEstimate, IndexFlag, IndexResult, IndexRun
from microdrama.index.periods import PeriodError, parse_period
from microdrama.index.schemas import ExpertRow, ExpertsRead, IndexRunRead, RankingPage, RankingRow
from microdrama.index.service import latest_run
from microdrama.review.models import Expert

# A run's results never change once stored (a recomputation is a new run), so pages of a
# ranking are cached by run, filter and slice; bounded so that memory stays small.
_PAGE_CACHE_SIZE = 512
_PAGES: dict[tuple[Any, ...], tuple[int, tuple[RankingRow, ...]]] = {}


@dataclass(frozen=True)
class RankingFilter:
    """Which works of a ranking to show; empty fields do not filter."""

    genre: str | None = None
    platform: str | None = None
    city: str | None = None
    company: str | None = None
    model: str | None = None


def period_name(text: str) -> str:
    """The canonical name of a period as typed (2025-9 → 2025-09, 2025-w47 → 2025-W47)."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return parse_period(text).name
    except PeriodError:
        return text.strip()


def ranking(
    session: Session,
    *,
    period: str,
    where: RankingFilter,
    top: int | None = None,
    offset: int = 0,
    published_only: bool = False,
) -> RankingPage:
    """The ranked works of the period's newest run, filtered, best first."""
    run = latest_run(session, period=period_name(period), published_only=published_only)
    query = (
        select(IndexResult, Work)
        .join(Work, Work.id == IndexResult.work_id)
        .where(IndexResult.run_id == run.id, IndexResult.rank.is_not(None))
    )
    query = filtered(
        query,
        WorkFilter(
            genre=where.genre,
            platform=where.platform,
            city=where.city,
            company=where.company,
            model=where.model,
        ),
    )
    # The run's identity, not just its id: two databases can both have a run #1.
    key = (run.id, run.created_at, run.inputs_hash, run.parameter_hash, where, top, offset)
    cached = _PAGES.get(key)
    if cached is None:
        cached = _ranked_rows(
            session, query=query, run_id=run.id, where=where, top=top, offset=offset
        )
        if len(_PAGES) >= _PAGE_CACHE_SIZE:
            _PAGES.pop(next(iter(_PAGES)))
        _PAGES[key] = cached
    total, rows = cached
    return RankingPage(run=IndexRunRead.model_validate(run), total=total, rows=list(rows))


def _ranked_rows(
    session: Session,
    *,
    query: Any,
    run_id: int,
    where: RankingFilter,
    top: int | None,
    offset: int,
) -> tuple[int, tuple[RankingRow, ...]]:
    """The total and the requested rows of a run's ranking."""
    if where == RankingFilter():
        # No work filter: count on the (run, rank) index alone, without reading works.
        total = session.execute(
            select(func.count()).where(IndexResult.run_id == run_id, IndexResult.rank.is_not(None))
        ).scalar_one()
    else:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    query = (
        query.order_by(IndexResult.rank)
        .offset(offset)
        .options(
            defer(IndexResult.detail),
            selectinload(Work.genres),
            selectinload(Work.platforms).selectinload(WorkPlatform.platform),
            selectinload(Work.city),
        )
    )
    if top is not None:
        query = query.limit(top)
    rows = [_row(result, work) for result, work in session.execute(query).all()]
    return total, tuple(rows)


def _row(result: IndexResult, work: Work) -> RankingRow:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return RankingRow(
        rank=result.rank or 0,
        rank_low=result.rank_low or 0,
        rank_high=result.rank_high or 0,
        work_id=work.external_id,
        title=work.title,
        score=round(result.score or 0.0, 2),
        score_low=round(result.score_low or 0.0, 2),
        score_high=round(result.score_high or 0.0, 2),
        tier=result.tier or "",
        integrity=round(result.integrity, 3),
        reach=rounded(result.reach),
        engagement=rounded(result.engagement),
        commercial=rounded(result.commercial),
        reputation=rounded(result.reputation),
        momentum=rounded(result.momentum),
        expert=rounded(result.expert),
        data_only=result.data_only,
        flags=result.flagged_days,
        genres="|".join(g.genre for g in work.genres),
        platforms="|".join(p.platform.name for p in work.platforms),
        city=work.city.name if work.city else None,
        model=work.model,
    )


def explanation(
    session: Session, *, work_id: str, period: str, published_only: bool = False
) -> dict[str, Any]:
    """A work's score in the period taken apart, with flags and the change since last period."""
    name = period_name(period)
    run = latest_run(session, period=name, published_only=published_only)
    work = session.execute(select(Work).where(Work.external_id == work_id)).scalar_one_or_none()
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    result = session.get(IndexResult, (run.id, work.id))
    if result is None:
        raise NotFoundError(f"{work_id} has no daily metrics in period {name}, so no index")
    flags = [
        {
            "platform": f.platform,
            "date": f.date.isoformat(),
            "reason": f.reason,
            "plays": f.plays,
            "effective_plays": f.effective_plays,
        }
        for f in session.execute(
            select(IndexFlag)
            .where(IndexFlag.run_id == run.id, IndexFlag.work_id == work.id)
            .order_by(IndexFlag.date, IndexFlag.platform)
        ).scalars()
    ]
    config = IndexConfig()
    row = _result_row(result, work)
    previous = _previous_row(session, run, work, published_only=published_only)
    detail = engine.explain(row, config=config, flags=flags, previous=previous)
    detail.update(
        title=work.title,
        period=run.period,
        run_id=run.id,
        method_parameters_hash=run.parameter_hash,
        simulated=run.simulated,
    )
    return detail


def _result_row(result: IndexResult, work: Work) -> dict[str, Any]:
    detail = result.detail
    row: dict[str, Any] = {
        "work_id": work.external_id,
        **{c.name: getattr(result, c.name) for c in IndexResult.__table__.columns},
        "cohort": detail.get("cohort"),
        "ineligible_reason": detail.get("ineligible_reason"),
        **(detail.get("raw") or {}),
    }
    row["work_id"] = work.external_id
    experts = detail.get("experts") or {}
    row.update(
        expert_reviews=experts.get("reviews"),
        expert_score=experts.get("corrected_score"),
        expert_spread=experts.get("spread"),
        expert_disagreement=experts.get("disagreement"),
    )
    for name, value in (experts.get("dimensions") or {}).items():
        row[f"expert_{name}"] = value
    return row


def _previous_row(
    session: Session, run: IndexRun, work: Work, *, published_only: bool
) -> dict[str, Any] | None:
    previous_name = parse_period(run.period).previous_name() if run.period != "all" else None
    if previous_name is None:
        return None
    try:
        previous_run = latest_run(session, period=previous_name, published_only=published_only)
    except NotFoundError:
        return None
    result = session.get(IndexResult, (previous_run.id, work.id))
    return None if result is None else _result_row(result, work)


def expert_estimates(session: Session, *, period: str, published_only: bool = False) -> ExpertsRead:
    """Per-expert leniency, reviews and fit, and per-dimension reliability, of a period's run."""
    run = latest_run(session, period=period_name(period), published_only=published_only)
    rows = session.execute(
        select(ExpertEstimate, Expert)
        .join(Expert, Expert.id == ExpertEstimate.expert_id)
        .where(ExpertEstimate.run_id == run.id)
        .order_by(Expert.external_id)
    ).all()
    return ExpertsRead(
        run=IndexRunRead.model_validate(run),
        experts=[
            ExpertRow(
                expert_id=e.external_id,
                name=e.name,
                reviews=est.reviews,
                leniency=round(est.leniency, 3),
                rmse=est.rmse,
                infit=est.infit,
            )
            for est, e in rows
        ],
        reliability=run.reliability,
    )


def results_frame(session: Session, *, run_id: int) -> pl.DataFrame:
    """A run's stored results as a frame (work_id, rank, score, tier, dimensions, flags)."""
    columns = RESULT_COLUMNS
    rows = session.execute(
        select(Work.external_id, *(getattr(IndexResult, c) for c in columns))
        .join(Work, Work.id == IndexResult.work_id)
        .where(IndexResult.run_id == run_id)
        .order_by(IndexResult.rank.is_(None), IndexResult.rank, Work.external_id)
    ).all()
    return pl.DataFrame(rows, schema=["work_id", *columns], orient="row")


def rank_history(session: Session, *, work_id: str, published_only: bool) -> list[dict[str, Any]]:
    """The work's rank, score and tier in the newest run of every period, oldest period first."""
    newest = (
        select(IndexRun.period, func.max(IndexRun.id).label("run_id"))
        .where(IndexRun.published.is_(True) if published_only else true())
        .group_by(IndexRun.period)
        .subquery()
    )
    rows = session.execute(
        select(
            IndexRun.period,
            IndexRun.period_start,
            IndexResult.rank,
            IndexResult.score,
            IndexResult.tier,
        )
        .join(newest, newest.c.run_id == IndexRun.id)
        .join(IndexResult, IndexResult.run_id == IndexRun.id)
        .join(Work, Work.id == IndexResult.work_id)
        .where(Work.external_id == work_id, IndexResult.rank.is_not(None))
        .order_by(IndexRun.period_start, IndexRun.period)
    ).all()
    return [{"period": p, "rank": r, "score": s, "tier": t} for p, _, r, s, t in rows]
