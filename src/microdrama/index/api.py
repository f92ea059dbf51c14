"""JSON API of the Star Index under /api/v1/index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from microdrama.index import ranking as rankings
from microdrama.index.schemas import ExpertsRead, IndexRunRead, RankingPage
from microdrama.index.service import list_runs
from microdrama.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/index", tags=["index"])
PeriodQuery = Annotated[
    str, Query(max_length=16, description="2025-11, 2025-W47, 2025-Q4, 2025, all")
]


@router.get("/runs", response_model=list[IndexRunRead])
def read_runs(session: SessionDep) -> list[IndexRunRead]:
    """Every stored run, newest first, with what pins it (method, parameters, lake version)."""
    return list_runs(session)


@router.get("/rankings", response_model=RankingPage)
def read_ranking(
    session: SessionDep,
    period: PeriodQuery,
    genre: Annotated[str | None, Query(max_length=40)] = None,
    platform: Annotated[str | None, Query(max_length=64)] = None,
    city: Annotated[str | None, Query(max_length=64)] = None,
    company: Annotated[str | None, Query(max_length=128)] = None,
    model: Annotated[str | None, Query(pattern="^(IAP|IAA|hybrid)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RankingPage:
    """The period's ranking with 90% intervals and tiers, filtered."""
    where = rankings.RankingFilter(
        genre=genre, platform=platform, city=city, company=company, model=model
    )
    return rankings.ranking(session, period=period, where=where, top=limit, offset=offset)


@router.get("/works/{work_id}")
def read_explanation(session: SessionDep, work_id: str, period: PeriodQuery) -> dict[str, Any]:
    """A work's score taken apart: dimensions, weights, contributions, raw metrics, flags."""
    return rankings.explanation(session, work_id=work_id, period=period)


@router.get("/experts", response_model=ExpertsRead)
def read_experts(session: SessionDep, period: PeriodQuery) -> ExpertsRead:
    """Per-expert leniency and fit, and per-dimension reliability."""
    return rankings.expert_estimates(session, period=period)
