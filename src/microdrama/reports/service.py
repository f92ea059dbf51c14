"""Report builds for the web and API: ask for one, run it in the background, list, fetch."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.errors import NotFoundError
from microdrama.index.models import IndexRun
from microdrama.index.periods import parse_period
from microdrama.reports.builder import LANGS, ReportError, build_report
from microdrama.reports.models import ReportBuild
from microdrama.reports.schemas import ReportBuildRead
from microdrama.reports.scope import parse_scope

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
        raise ReportError(f"lang: unknown language '{lang}', use zh or en")
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


def execute_build(*, sessions: sessionmaker[Session], settings: Settings, build_id: int) -> None:
    """Run a queued build; a job, so it owns its units of work (running, then done or failed)."""
    with unit_of_work(sessions) as session:
        build = session.get(ReportBuild, build_id)
        if build is None or build.state.finished:
            return
        build.status = "running"
    folder = settings.data_dir / "reports" / str(build_id)
    try:
        with unit_of_work(sessions) as session:
            build = session.get_one(ReportBuild, build_id)
            shutil.rmtree(folder, ignore_errors=True)
            built = build_report(
                session,
                settings=settings,
                period=build.period,
                lang=build.lang,
                scope=build.scope,
                out=folder,
            )
            run = session.get(IndexRun, built.run_id) if built.run_id else None
            build.status = "done"
            build.folder = str(folder)
            build.content_hash = built.content_hash
            build.index_run_id = built.run_id
            build.published_index = bool(run and run.published)
            build.seconds = round(built.seconds, 2)
            build.finished_at = datetime.now(UTC)
    except Exception as exc:  # a job must record why it failed, whatever the cause
        shutil.rmtree(folder, ignore_errors=True)
        with unit_of_work(sessions) as session:
            build = session.get_one(ReportBuild, build_id)
            build.status = "failed"
            build.error = str(exc)[:2000] or type(exc).__name__
            build.finished_at = datetime.now(UTC)


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
