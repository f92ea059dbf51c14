"""Report builds for the web and API: ask for one, run it in the background, list, fetch."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from fastapi import BackgroundTasks
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from microdrama.config import Settings
from microdrama.errors import NotFoundError, ReportBusy, ReportError
from microdrama.index.method.periods import parse_period
from microdrama.reports import jobs
from microdrama.reports.builder import LANGS
from microdrama.reports.content.scopes import parse_scope
from microdrama.reports.messages import BUSY, UNKNOWN_LANG
from microdrama.reports.models import ReportBuild
from microdrama.reports.schemas import ReportBuildRead

FILES = {"report.html": "text/html; charset=utf-8", "report.pdf": "application/pdf"}


def request_build(
    session: Session, *, period: str, lang: str, scope: str, user: str
) -> ReportBuild:
    """Record a queued build after checking what was asked (errors name the field)."""
    if period.strip().lower() != "all":
        period = parse_period(period).name
    else:
        period = "all"
    if lang not in LANGS:
        raise ReportError(UNKNOWN_LANG, lang=lang)
    build = ReportBuild(
        period=period,
        lang=lang,
        scope=parse_scope(scope).label,
        status="queued",
        requested_by=user,
    )
    session.add(build)
    session.flush()
    return build


def queue_build(
    session: Session,
    tasks: BackgroundTasks,
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    lang: str,
    scope: str,
    user: str,
    audit: Callable[[Session, ReportBuild], None] | None = None,
) -> ReportBuildRead:
    """Record a build, commit the request, then run the build after the response.

    The request commits here, early, because the job reads the build in its own session.
    On SQLite a request that read before a build committed cannot write on its stale
    snapshot: it is rolled back and done again until the database lets it write.
    """

    def record() -> ReportBuildRead:
        try:
            build = request_build(session, period=period, lang=lang, scope=scope, user=user)
            if audit is not None:
                audit(session, build)
            # Claimed before the commit: a server starting meanwhile must not see an orphan.
            jobs.claim(settings, build.id)
            read = ReportBuildRead.of(build)
            session.commit()
            return read
        except OperationalError:
            session.rollback()
            raise

    try:
        read = jobs.retrying(record)
    except OperationalError as exc:
        raise ReportBusy(BUSY, seconds=round(jobs.BUSY_SECONDS)) from exc
    tasks.add_task(jobs.execute_build, sessions=sessions, settings=settings, build_id=read.id)
    return read


def list_builds(
    session: Session, *, include_unpublished: bool, limit: int = 50
) -> list[ReportBuildRead]:
    """The newest builds; readers without draft access see reports on published indexes only."""
    query = select(ReportBuild).order_by(ReportBuild.id.desc()).limit(limit)
    if not include_unpublished:
        query = query.where(ReportBuild.published_index.is_(True), ReportBuild.status == "done")
    return [ReportBuildRead.of(b) for b in session.scalars(query)]


def get_build(session: Session, *, build_id: int, include_unpublished: bool) -> ReportBuild:
    """One build; NotFoundError when missing or not visible to this reader."""
    build = session.get(ReportBuild, build_id)
    if build is None or (not include_unpublished and not build.published_index):
        raise NotFoundError(f"no report build {build_id}")
    return build


def build_file(build: ReportBuild, name: str) -> Path:
    """The path of report.html or report.pdf of a finished build."""
    if name not in FILES or not build.state.downloadable or not build.folder:
        raise NotFoundError(f"report build {build.id} has no file {name}")
    path = Path(build.folder) / name
    if not path.is_file():
        raise NotFoundError(f"report build {build.id}: {name} is gone from disk")
    return path


def data_zip(build: ReportBuild) -> bytes:
    """The build's data/*.csv and manifest.json as one zip archive."""
    folder = build_file(build, "report.html").parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((folder / "data").glob("*.csv")):
            archive.write(path, f"data/{path.name}")
        archive.write(folder / "manifest.json", "manifest.json")
    return buffer.getvalue()
