"""JSON API of insight reports under /api/v1/reports."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request

from microdrama.reports import service
from microdrama.reports.schemas import ReportBuildCreate, ReportBuildRead
from microdrama.web.auth import CsrfChecked, SignedIn, reads_unpublished, require
from microdrama.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


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
    build = service.request_build(
        session, period=body.period, lang=body.lang, scope=body.scope, user=user.username
    )
    read = ReportBuildRead.of(build)
    session.commit()  # the job reads the build in its own session
    tasks.add_task(
        service.execute_build,
        sessions=request.app.state.sessions,
        settings=settings,
        build_id=build.id,
    )
    return read


@router.get("", response_model=list[ReportBuildRead])
def read_builds(session: SessionDep, user: SignedIn) -> list[ReportBuildRead]:
    """Builds, newest first; viewers see reports on published indexes only."""
    return service.list_builds(session, include_unpublished=reads_unpublished(user))


@router.get("/{build_id}", response_model=ReportBuildRead)
def read_build(session: SessionDep, user: SignedIn, build_id: int) -> ReportBuildRead:
    """One build with its status and download links."""
    build = service.get_build(
        session, build_id=build_id, include_unpublished=reads_unpublished(user)
    )
    return ReportBuildRead.of(build)
