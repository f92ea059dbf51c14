"""JSON API of insight reports under /api/v1/reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, BackgroundTasks, FastAPI, Request

from microdrama.accounts.auth import SignedIn, reads_unpublished, require
from microdrama.reports import jobs, service
from microdrama.reports.schemas import ReportBuildCreate, ReportBuildRead
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On start-up, builds left unfinished by a process that is gone are marked failed."""
    jobs.recover_interrupted(sessions=app.state.sessions, settings=app.state.settings)
    yield


router = APIRouter(prefix="/api/v1/reports", tags=["reports"], lifespan=_lifespan)


@router.post(
    "",
    response_model=ReportBuildRead,
    status_code=202,
    dependencies=[require("runs_index"), CsrfChecked],
)
def create_build(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: SignedIn,
    body: ReportBuildCreate,
    tasks: BackgroundTasks,
) -> ReportBuildRead:
    """Queue a report build (analysts); poll GET /api/v1/reports/{id} until finished."""
    return service.queue_build(
        session,
        tasks,
        sessions=request.app.state.sessions,
        settings=settings,
        period=body.period,
        lang=body.lang,
        scope=body.scope,
        user=user.username,
    )


@router.get("", response_model=list[ReportBuildRead], dependencies=[require("reads_reports")])
def read_builds(session: SessionDep, user: SignedIn) -> list[ReportBuildRead]:
    """Builds, newest first; viewers see reports on published indexes only."""
    return service.list_builds(session, include_unpublished=reads_unpublished(user))


@router.get("/{build_id}", response_model=ReportBuildRead, dependencies=[require("reads_reports")])
def read_build(session: SessionDep, user: SignedIn, build_id: int) -> ReportBuildRead:
    """One build with its status and download links."""
    build = service.get_build(
        session, build_id=build_id, include_unpublished=reads_unpublished(user)
    )
    return ReportBuildRead.of(build)
