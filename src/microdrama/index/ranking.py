"""Read stored runs: filtered rankings, explanations, expert estimates."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, defer, selectinload

from microdrama.catalog.filters import WorkFilter, narrow, resolve
from microdrama.catalog.models import Work, WorkPlatform
from microdrama.errors import NotFoundError
from microdrama.index.method import engine
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.periods import parse_period
from microdrama.index.models import RESULT_COLUMNS, ExpertEstimate, IndexFlag, IndexResult, IndexRun
from microdrama.index.schemas import ExpertRow, ExpertsRead, IndexRunRead, RankingPage, RankingRow
from microdrama.index.service import RunSelector, chosen_run
from microdrama.review.models import Expert

# A run's results never change once stored (a recomputation is a new run), so pages of a
# ranking are cached by run, filter and slice; bounded so that memory stays small.
_PAGE_CACHE_SIZE = 512
_PAGES: dict[tuple[Any, ...], tuple[int, tuple[RankingRow, ...]]] = {}


def ranking(
    session: Session,
    *,
    run: RunSelector,
    where: WorkFilter,
    top: int | None = None,
    offset: int = 0,
) -> RankingPage:
    """The ranked works of the chosen run, filtered, best first."""
    chosen = chosen_run(session, run)
    return _ranking_of(session, chosen, where=resolve(session, where), top=top, offset=offset)


def _ranking_of(
    session: Session, run: IndexRun, *, where: WorkFilter, top: int | None, offset: int
) -> RankingPage:
    query = (
        select(IndexResult, Work)
        .join(Work, Work.id == IndexResult.work_id)
        .where(IndexResult.run_id == run.id, IndexResult.rank.is_not(None))
    )
    query = narrow(query, where)
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
    where: WorkFilter,
    top: int | None,
    offset: int,
) -> tuple[int, tuple[RankingRow, ...]]:
    """The total and the requested rows of a run's ranking."""
    if where == WorkFilter():
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


def shown_score(value: float | None) -> float:
    """A stored score as every reader shows it: rounded once, to one decimal."""
    # Rounding a rounded value again moves ties (96.25 from 96.2501 prints 96.2, not 96.3).
    return round(value or 0.0, 1)


def _row(result: IndexResult, work: Work) -> RankingRow:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return RankingRow(
        rank=result.rank or 0,
        rank_low=result.rank_low or 0,
        rank_high=result.rank_high or 0,
        work_id=work.external_id,
        title=work.title,
        score=shown_score(result.score),
        score_low=shown_score(result.score_low),
        score_high=shown_score(result.score_high),
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
    session: Session,
    *,
    work_id: str,
    run: RunSelector,
) -> dict[str, Any]:
    """A work's score in the chosen run taken apart, with flags and the change since the
    previous period (whose run is chosen the same way)."""
    chosen = chosen_run(session, run)
    work = session.execute(select(Work).where(Work.external_id == work_id)).scalar_one_or_none()
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    result = session.get(IndexResult, (chosen.id, work.id))
    if result is None:
        raise NotFoundError(
            f"{work_id} has no daily metrics in period {chosen.period}, so no index"
        )
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
            .where(IndexFlag.run_id == chosen.id, IndexFlag.work_id == work.id)
            .order_by(IndexFlag.date, IndexFlag.platform)
        ).scalars()
    ]
    config = IndexConfig()
    row = _result_row(result, work)
    previous = _Previous.of(session, chosen, work, selector=run)
    detail = engine.explain(row, config=config, flags=flags, previous=previous.row)
    reason = detail.get("ineligible_reason")
    detail.update(
        title=work.title,
        period=chosen.period,
        run_id=chosen.id,
        method=chosen.method_version,
        data_from=chosen.period_start,
        data_to=chosen.period_end,
        as_of=chosen.as_of,
        published=chosen.published,
        method_parameters_hash=chosen.parameter_hash,
        simulated=chosen.simulated,
        cohort_label=cohort_label(detail.get("cohort")),
        ineligible_reason=None if reason is None else reason_text(reason),
        previous_period=previous.period,
        change=previous.change(detail.get("change")),
    )
    return detail


def cohort_label(cohort: str | None) -> str | None:
    """A cohort as a reader says it: `星河短剧|all` → `星河短剧, all release months`."""
    if not cohort or "|" not in cohort:
        return cohort
    platform, month = cohort.split("|", 1)
    where = "all platforms" if platform == "all" else platform
    if month == "all":
        return f"{where}, all release months"
    if month == "unknown":
        return f"{where}, release month unknown"
    return f"{where}, released {month}"


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


@dataclass(frozen=True)
class _Previous:
    """The period before a run's: its name, whether it was computed, the work's result in it."""

    period: str | None
    computed: bool
    row: dict[str, Any] | None
    method: str | None = None  # the previous run's method version, when it differs

    @classmethod
    def of(
        cls,
        session: Session,
        run: IndexRun,
        work: Work,
        *,
        selector: RunSelector,
    ) -> _Previous:
        """The period before `run`'s, read the way `run` was chosen (published first or not)."""
        name = parse_period(run.period).previous_name() if run.period != "all" else None
        if name is None:
            return cls(None, False, None)
        try:
            previous_run = chosen_run(session, selector.of_period(name))
        except NotFoundError:
            return cls(name, False, None)
        result = session.get(IndexResult, (previous_run.id, work.id))
        row = None if result is None else _result_row(result, work)
        differs = previous_run.method_version != run.method_version
        return cls(name, True, row, previous_run.method_version if differs else None)

    def change(self, change: dict[str, Any] | None) -> dict[str, Any] | None:
        """The engine's change since this period, or `new` when the work had no data in it."""
        if change is not None:
            moved = {**change, "previous_period": self.period, "new": False}
            if self.method is not None:
                # Scores of another method do not say what moved the rank.
                moved |= {"previous_method": self.method, "drivers": []}
            return moved
        if not self.computed:
            return None
        return {
            "previous_period": self.period,
            "new": True,
            "previous_rank": None,
            "previous_score": None,
            "rank_change": None,
            "drivers": [],
        }


def expert_estimates(
    session: Session,
    *,
    run: RunSelector,
) -> ExpertsRead:
    """Per-expert leniency, reviews and fit, and per-dimension reliability, of the chosen run."""
    chosen = chosen_run(session, run)
    rows = session.execute(
        select(ExpertEstimate, Expert)
        .join(Expert, Expert.id == ExpertEstimate.expert_id)
        .where(ExpertEstimate.run_id == chosen.id)
        .order_by(Expert.external_id)
    ).all()
    return ExpertsRead(
        run=IndexRunRead.model_validate(chosen),
        experts=[
            ExpertRow(
                expert_id=e.external_id,
                name=e.name,
                reviews=est.reviews,
                leniency=round(est.leniency, 3),
                rmse=est.rmse,
                infit=est.infit,
                scale=None if est.scale is None else round(est.scale, 3),
                favoured_company=est.favoured_company,
                favour_points=est.favour_points,
                favoured_reviews=est.favoured_reviews,
            )
            for est, e in rows
        ],
        reliability=chosen.reliability,
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


_DAYS_REASON = re.compile(r"^\d+ days? of data\b.*\bat least (\d+)\b")


def reason_text(reason: str | None) -> str:
    """Why a work is not ranked, in plain English: `1 day`, `3 days` (never `1 days`)."""
    if not reason:
        return "not eligible"
    counted = re.sub(r"\b(\d+) day(?:s|\(s\))", r"\1 days", reason)
    return re.sub(r"\b1 days\b", "1 day", counted)


def reason_group(reason: str | None) -> str:
    """What a count of works not ranked puts a reason under, e.g. `fewer than 7 days of data`."""
    text = reason_text(reason)
    match = _DAYS_REASON.match(text)
    return f"fewer than {match[1]} days of data" if match else text.removesuffix(" in the period")


def not_ranked(
    session: Session, *, run_id: int, where: WorkFilter | None = None
) -> list[dict[str, Any]]:
    """The run's works that have no rank (filtered), by id, each with why."""
    where = resolve(session, where or WorkFilter())
    query = narrow(
        select(IndexResult, Work)
        .join(Work, Work.id == IndexResult.work_id)
        .where(IndexResult.run_id == run_id, IndexResult.rank.is_(None)),
        where,
    ).options(
        selectinload(Work.genres),
        selectinload(Work.platforms).selectinload(WorkPlatform.platform),
        selectinload(Work.city),
    )
    rows = []
    for result, work in session.execute(query.order_by(Work.external_id)).all():
        detail = result.detail or {}
        rows.append(
            {
                "work_id": work.external_id,
                "title": work.title,
                "eligible": False,
                "ineligible_reason": reason_text(detail.get("ineligible_reason")),
                "days_of_data": (detail.get("raw") or {}).get("days_of_data"),
                "flags": result.flagged_days,
                "genres": "|".join(g.genre for g in work.genres),
                "platforms": "|".join(p.platform.name for p in work.platforms),
                "city": work.city.name if work.city else None,
                "model": work.model,
            }
        )
    return rows


def reason_counts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How many works are not ranked for each kind of reason, most first."""
    counts = Counter(reason_group(row["ineligible_reason"]) for row in rows)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
