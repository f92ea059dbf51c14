"""The import page: upload a file, read the validation report, then commit it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from microdrama.accounts.auth import SignedIn, require
from microdrama.errors import TooLarge
from microdrama.ingest.columns import IMPORT_KINDS
from microdrama.ingest.service import import_file, recent_imports
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep, TranslatorDep
from microdrama.web.templating import render
from microdrama.web.uploads import save_upload

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The import page with the newest imports under whatever the step shows."""
    context.setdefault("report", None)
    context.setdefault("pending", None)
    return render(
        request,
        t,
        "ingest/imports.html",
        status_code=status_code,
        kinds=IMPORT_KINDS,
        recent=recent_imports(session, limit=30),
        **context,
    )


@router.get("/imports", response_class=HTMLResponse, dependencies=[require("imports")])
def imports_page(request: Request, session: SessionDep, t: TranslatorDep) -> HTMLResponse:
    """The upload form and the newest imports."""
    return _page(request, session, t)


@router.post(
    "/imports", response_class=HTMLResponse, dependencies=[require("imports"), CsrfChecked]
)
def upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    t: TranslatorDep,
    user: SignedIn,
    kind: Annotated[str, Form(max_length=16)],
    file: Annotated[UploadFile | None, File()] = None,
    pending: Annotated[str | None, Form(max_length=200)] = None,
) -> HTMLResponse:
    """First a dry run of the uploaded file; then, on confirmation, the import itself."""
    if kind not in IMPORT_KINDS:
        return _page(
            request, session, t, status_code=422, error=t.gettext("Choose what the file holds.")
        )
    uploads = (settings.data_dir / "uploads").resolve()
    if pending:
        path = (uploads / pending).resolve()
        if uploads not in path.parents or not path.is_file():
            return _page(
                request,
                session,
                t,
                status_code=404,
                error=t.gettext("The uploaded file has expired; upload it again."),
            )
        report = import_file(
            session,
            settings=settings,
            kind=kind,
            path=path,
            actor=user,
        )
        shutil.rmtree(path.parent, ignore_errors=True)
        return _page(request, session, t, report=report)
    if file is None or not file.filename:
        return _page(
            request, session, t, status_code=422, error=t.gettext("Choose a file to upload.")
        )
    try:
        path = save_upload(file, settings)
    except TooLarge as exc:
        return _page(request, session, t, status_code=413, error=str(exc))
    report = import_file(
        session,
        settings=settings,
        kind=kind,
        path=path,
        dry_run=True,
        user=user.username,
    )
    keep = str(path.relative_to(uploads)) if report.ok else None
    if not report.ok:
        shutil.rmtree(path.parent, ignore_errors=True)
    report.file = Path(file.filename).name
    return _page(request, session, t, report=report, pending=keep, kind=kind)
