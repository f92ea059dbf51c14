"""The reports page: build a report, follow its progress, download HTML, PDF and data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from microdrama.accounts.auth import SignedIn, reads_unpublished, require
from microdrama.accounts.service import audit
from microdrama.errors import MicrodramaError
from microdrama.reports import service
from microdrama.reports.messages import translate
from microdrama.reports.models import ReportBuild
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep, TranslatorDep
from microdrama.web.downloads import content_disposition
from microdrama.web.security import DOCUMENT_POLICY
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn, **context: Any
) -> HTMLResponse:
    builds = [
        # Errors are stored in English; each reader sees them in the page's language.
        b.model_copy(update={"error": translate(b.error, t.gettext)}) if b.error else b
        for b in service.list_builds(session, include_unpublished=reads_unpublished(user))
    ]
    context.setdefault("error", None)
    context.setdefault("form", {"period": "", "lang": "zh", "scope": "all"})
    return render(
        request,
        t,
        "reports/reports.html",
        builds=builds,
        pending=any(not b.finished for b in builds),
        **context,
    )


@router.get("/reports", response_class=HTMLResponse, dependencies=[require("reads_reports")])
def reports_page(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn
) -> HTMLResponse:
    """Built reports, newest first, and (for analysts) the form to build one."""
    return _page(request, session, t, user)


@router.post(
    "/reports", response_class=HTMLResponse, dependencies=[require("runs_index"), CsrfChecked]
)
def build_report_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    t: TranslatorDep,
    user: SignedIn,
    tasks: BackgroundTasks,
    period: Annotated[str, Form(max_length=16)],
    lang: Annotated[str, Form(max_length=4)] = "zh",
    scope: Annotated[str, Form(max_length=200)] = "all",
) -> Response:
    """Queue a build and run it after the response; the list shows its progress."""

    def audited(own: Session, build: ReportBuild) -> None:
        audit(
            own,
            actor=user.username,
            user_id=user.id,
            action="report.build",
            target=f"{build.period} {build.lang} {build.scope}",
            detail={"build_id": build.id},
        )

    try:
        service.queue_build(
            session,
            tasks,
            sessions=request.app.state.sessions,
            settings=settings,
            period=period,
            lang=lang,
            scope=scope,
            user=user.username,
            audit=audited,
        )
    except MicrodramaError as exc:
        form = {"period": period, "lang": lang, "scope": scope}
        return _page(request, session, t, user, error=translate(str(exc), t.gettext), form=form)
    return RedirectResponse("/reports", status_code=303)


@router.get("/reports/{build_id}/{name}", dependencies=[require("reads_reports")])
def download(session: SessionDep, user: SignedIn, build_id: int, name: str) -> Response:
    """report.html, report.pdf or data.zip of a finished build."""
    build = service.get_build(
        session, build_id=build_id, include_unpublished=reads_unpublished(user)
    )
    stem = f"microdrama-report-{build.period}-{build.lang}-{build.id}"
    if name == "data.zip":
        return Response(
            service.data_zip(build),
            media_type="application/zip",
            headers={"Content-Disposition": content_disposition(f"{stem}-data.zip")},
        )
    path = service.build_file(build, name)
    if name == "report.pdf":
        return FileResponse(path, media_type=service.FILES[name], filename=f"{stem}.pdf")
    # The interactive report runs its own inline chart script: sandboxed, away from the site.
    return FileResponse(
        path, media_type=service.FILES[name], headers={"Content-Security-Policy": DOCUMENT_POLICY}
    )
