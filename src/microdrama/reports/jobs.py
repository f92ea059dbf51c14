"""Background report builds: one at a time per process, short writes, always a final state.

A build reads for a long time and writes three times, each in its own short transaction
(running; the missing index runs; done or failed), retried while the database is busy. A
marker file names the process that owns each unfinished build, so that a server starting
up can tell the builds of a process that died (failed: interrupted) from those still going.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.errors import MicrodramaError
from microdrama.index.models import IndexRun
from microdrama.reports.builder import build_report, prepare_index
from microdrama.reports.messages import BUSY, INTERRUPTED, UNEXPECTED
from microdrama.reports.models import STATUSES, ReportBuild

T = TypeVar("T")
log = logging.getLogger(__name__)

# Builds share the CPU, the lake and SQLite's single writer: two at once only slow each other.
_ONE_AT_A_TIME = threading.Lock()
# This process, as its markers name it (a pid alone is reused after a restart).
_PROCESS = uuid.uuid4().hex
# How long a write waits, in all, for a busy database before the build gives up.
BUSY_SECONDS = 120.0
# SQLSTATEs of PostgreSQL that mean "try again": serialization, deadlock, lock not available.
_RETRY_STATES = {"40001", "40P01", "55P03"}


def folder_of(settings: Settings, build_id: int) -> Path:
    """Where a build's files lie."""
    return settings.data_dir / "reports" / str(build_id)


def _marker(settings: Settings, build_id: int) -> Path:
    return settings.data_dir / "reports" / ".jobs" / f"{build_id}.json"


def _started(pid: int) -> str | None:
    """When a process started (Linux: clock ticks since boot), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22 of stat, counted after the command name, which may itself hold spaces.
    return stat.rpartition(")")[2].split()[19]


def claim(settings: Settings, build_id: int) -> None:
    """Record that this process will run the build (call before queueing it)."""
    path = _marker(settings, build_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "process": _PROCESS,
        "started": _started(os.getpid()),
    }
    path.write_text(json.dumps(owner), encoding="utf-8")


def _owner_alive(owner: dict[str, Any]) -> bool:
    if owner.get("process") == _PROCESS:
        return True
    if owner.get("host") != socket.gethostname():
        return True  # another machine's process: it cannot be checked from here
    pid = int(owner.get("pid", 0))
    if pid <= 0 or pid == os.getpid():
        return False  # this pid, another process: the one that ran before a restart
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return _started(pid) == owner.get("started")


def _busy(exc: OperationalError) -> bool:
    original = exc.orig
    if getattr(original, "sqlstate", None) in _RETRY_STATES:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database is busy" in text


def retrying(action: Callable[[], T], *, budget: float = BUSY_SECONDS) -> T:
    """Run a unit of work again while the database is busy, for `budget` seconds in all."""
    delay, waited = 0.1, 0.0
    while True:
        try:
            return action()
        except OperationalError as exc:
            if not _busy(exc) or waited >= budget:
                raise
        time.sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)


def _message(exc: BaseException) -> str:
    """What a reader is told about a failed build (the log keeps the traceback)."""
    if isinstance(exc, MicrodramaError):
        return str(exc)[:2000]
    if isinstance(exc, OperationalError) and _busy(exc):
        return BUSY.format(seconds=round(BUSY_SECONDS))
    return UNEXPECTED.format(kind=type(exc).__name__)


def execute_build(*, sessions: sessionmaker[Session], settings: Settings, build_id: int) -> None:
    """Run a queued build to done or failed; builds of this process run one after another."""
    with _ONE_AT_A_TIME:
        try:
            _run(sessions, settings, build_id)
        except Exception as exc:  # a job must record why it failed, whatever the cause
            log.exception("report build %s failed", build_id)
            shutil.rmtree(folder_of(settings, build_id), ignore_errors=True)
            message = _message(exc)
            try:
                retrying(lambda: _finish(sessions, build_id, error=message))
            except Exception:
                # Left unfinished with its marker: the next start-up marks it interrupted.
                log.exception("report build %s: its failure could not be recorded", build_id)
                return
        _marker(settings, build_id).unlink(missing_ok=True)


def _run(sessions: sessionmaker[Session], settings: Settings, build_id: int) -> None:
    asked = retrying(lambda: _start(sessions, build_id))
    if asked is None:
        return
    period, lang, scope = asked

    def prepare() -> None:
        with unit_of_work(sessions) as session:
            prepare_index(session, settings=settings, period=period)

    retrying(prepare)
    folder = folder_of(settings, build_id)
    # Only reads from here on: a long read blocks no writer.
    with unit_of_work(sessions) as session:
        built = build_report(
            session,
            settings=settings,
            period=period,
            lang=lang,
            scope=scope,
            out=folder,
            compute_missing=False,
        )
        run = session.get(IndexRun, built.run_id) if built.run_id else None
        published = bool(run and run.published)
    retrying(
        lambda: _finish(
            sessions,
            build_id,
            done={
                "folder": str(folder),
                "content_hash": built.content_hash,
                "index_run_id": built.run_id,
                "published_index": published,
                "seconds": round(built.seconds, 2),
            },
        )
    )


def _start(sessions: sessionmaker[Session], build_id: int) -> tuple[str, str, str] | None:
    """Mark the build running; what it asks for, or None when there is nothing to run."""
    with unit_of_work(sessions) as session:
        build = session.get(ReportBuild, build_id)
        if build is None or build.state.finished:
            return None
        build.status = "running"
        return build.period, build.lang, build.scope


def _finish(
    sessions: sessionmaker[Session],
    build_id: int,
    *,
    done: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    with unit_of_work(sessions) as session:
        build = session.get_one(ReportBuild, build_id)
        if done is not None:
            build.status = "done"
            for name, value in done.items():
                setattr(build, name, value)
        else:
            build.status = "failed"
            build.error = error
        build.finished_at = datetime.now(UTC)


def recover_interrupted(*, sessions: sessionmaker[Session], settings: Settings) -> list[int]:
    """Mark failed the unfinished builds whose process is gone; their ids."""
    unfinished = [key for key, status in STATUSES.items() if not status.finished]

    def recover() -> list[int]:
        recovered = []
        with unit_of_work(sessions) as session:
            builds = session.scalars(
                select(ReportBuild).where(ReportBuild.status.in_(unfinished))
            ).all()
            for build in builds:
                try:
                    owner = json.loads(_marker(settings, build.id).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    owner = None
                if isinstance(owner, dict) and _owner_alive(owner):
                    continue
                build.status = "failed"
                build.error = INTERRUPTED
                build.finished_at = datetime.now(UTC)
                recovered.append(build.id)
        for build_id in recovered:
            _marker(settings, build_id).unlink(missing_ok=True)
            folder = folder_of(settings, build_id)
            shutil.rmtree(folder, ignore_errors=True)
            for staging in folder.parent.glob(f".{build_id}.*.tmp"):
                shutil.rmtree(staging, ignore_errors=True)
        return recovered

    return retrying(recover)
