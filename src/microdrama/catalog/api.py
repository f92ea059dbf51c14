"""JSON API of the catalogue under /api/v1."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from microdrama.accounts.auth import MaybeUser, is_blind
from microdrama.catalog import service
from microdrama.catalog.deps import SnapshotDep, WorkFilterDep
from microdrama.catalog.schemas import DailyMetricRead, Facet, WorkPage, WorkRead
from microdrama.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/works", response_model=WorkPage)
def list_works(
    session: SessionDep,
    where: WorkFilterDep,
    sort: Annotated[service.SortKey, Query()] = "plays",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> WorkPage:
    """Search the catalogue; filters combine with AND and take what people type (甜宠, Xi'an).

    A filter value that names nothing is a 400 listing the choices.
    """
    return service.search_works(session, where=where, sort=sort, page=page, page_size=page_size)


@router.get("/works/{work_id}", response_model=WorkRead)
def read_work(session: SessionDep, user: MaybeUser, work_id: str) -> WorkRead:
    """One work with its companies, credits, ratings and totals (blind reviewers: neither)."""
    return service.get_work(session, work_id=work_id, blind=is_blind(user))


@router.get("/works/{work_id}/metrics", response_model=list[DailyMetricRead])
def read_work_metrics(
    session: SessionDep,
    snapshot: SnapshotDep,
    work_id: str,
    start: date | None = None,
    end: date | None = None,
) -> list[DailyMetricRead]:
    """The work's daily metrics per platform; money as exact yuan strings."""
    service.get_work(session, work_id=work_id)
    frame = service.daily_metrics(snapshot, work_id=work_id, start=start, end=end)
    return service.daily_metric_rows(frame)


@router.get("/facets", response_model=dict[str, list[Facet]])
def read_facets(session: SessionDep) -> dict[str, list[Facet]]:
    """The values each catalogue filter offers, with counts."""
    return service.facets(session)
