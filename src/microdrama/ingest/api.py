"""Import files over the API: POST a file, get the validation report (and the import)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from microdrama.accounts.auth import SignedIn, require
from microdrama.ingest.columns import ImportKind
from microdrama.ingest.schemas import ImportReport
from microdrama.ingest.service import import_file
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep
from microdrama.web.uploads import save_upload

router = APIRouter(prefix="/api/v1", tags=["imports"])


@router.post(
    "/imports",
    response_model=ImportReport,
    dependencies=[require("imports"), CsrfChecked],
)
def post_import(
    session: SessionDep,
    settings: SettingsDep,
    user: SignedIn,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSON Lines or Parquet")],
    kind: Annotated[ImportKind, Query(description="works, metrics, ratings or reviews")],
    dry_run: Annotated[bool, Query(description="Validate and report, write nothing")] = False,
) -> ImportReport:
    """Validate a file and, unless it has invalid rows or this is a dry run, import it."""
    path = save_upload(file, settings)
    try:
        report = import_file(
            session, settings=settings, kind=kind, path=path, dry_run=dry_run, actor=user
        )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    report.file = Path(file.filename or "upload").name
    return report
