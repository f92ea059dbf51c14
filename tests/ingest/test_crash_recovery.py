"""kill -9 at every step of an import: readers never see its rows, and the next start cleans up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from microdrama.catalog.models import ImportRecord, WorkStats
from microdrama.catalog.service import metrics_snapshot
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.ingest.service import import_file, recover
from microdrama.lake import metrics as lake

from .test_service import METRICS, WORKS_ZH, write

CHANGED = "work_id,platform,date,plays\nW1,红果短剧,2025-10-01,999999\nW2,抖音,2025-10-03,7\n"

# The import in a child process that kills itself (SIGKILL: no cleanup runs) at one step.
CRASHING_IMPORT = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.orm import Session
import microdrama.models  # noqa: F401
from microdrama.config import Settings
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.ingest import service
from microdrama.lake import metrics as lake

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

step = sys.argv[2]
if step == "validating":
    # The file is read and validated in a child of the import: the import dies as it answers.
    read = service.run_limited
    service.run_limited = lambda *a, **k: (read(*a, **k), die())
elif step == "lake_committed":
    write = lake.write
    lake.write = lambda *a, **k: (write(*a, **k), die())
elif step == "sql_commit":
    event.listen(Session, "before_commit", die)
settings = Settings()
sessions = make_session_factory(make_engine(settings.resolved_database_url))
with unit_of_work(sessions) as session:
    service.import_file(session, settings=settings, kind="metrics", path=Path(sys.argv[1]))
print("the import was not killed")
"""

STEPS = ["validating", "lake_committed", "sql_commit"]


def _visible(sessions: sessionmaker[Session], settings: Settings) -> pl.DataFrame:
    with unit_of_work(sessions) as session:
        snapshot = metrics_snapshot(session, lake_root=settings.resolved_lake_uri)
    return snapshot.scan().select(*lake.KEY, "plays").sort(lake.KEY).collect()


def _totals_agree(sessions: sessionmaker[Session], settings: Settings) -> bool:
    with unit_of_work(sessions) as session:
        stored = session.scalar(select(func.sum(WorkStats.plays)))
    return int(stored or 0) == int(_visible(sessions, settings)["plays"].sum())


@pytest.mark.parametrize("step", STEPS)
def test_an_import_killed_at_any_step_is_invisible_and_cleaned_up_at_the_next_start(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path, step: str
) -> None:
    with unit_of_work(sessions) as session:
        for kind, text in (("works", WORKS_ZH), ("metrics", METRICS)):
            assert import_file(
                session, settings=settings, kind=kind, path=write(tmp_path / f"{kind}.csv", text)
            ).committed
    before = _visible(sessions, settings)
    env = {
        **os.environ,
        "MICRODRAMA_DATA_DIR": str(settings.data_dir),
        "MICRODRAMA_DATABASE_URL": settings.resolved_database_url,
    }
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_IMPORT, str(write(tmp_path / "c.csv", CHANGED)), step],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr

    # What readers see right after the kill: the rows of committed imports only.
    assert _visible(sessions, settings).equals(before)
    assert _totals_agree(sessions, settings)
    with unit_of_work(sessions) as session:
        assert session.scalar(select(func.count()).select_from(ImportRecord)) == 2
    uri = lake.metrics_uri(settings.resolved_lake_uri)
    left = [p for p in settings.work_dir.iterdir() if p.name.startswith("import-")]
    # Staging ends with the import's work, before the caller's SQL commit.
    assert bool(left) == (step != "sql_commit"), "the kill leaves the staging folder it had"

    with unit_of_work(sessions) as session:
        found = recover(session, settings=settings)
    wrote_the_lake = step != "validating"
    assert bool(found.undone_versions) == wrote_the_lake
    assert sorted(found.removed_folders) == sorted(left)
    newest = lake.snapshot(uri).scan().select(*lake.KEY, "plays").sort(lake.KEY).collect()
    assert newest.equals(before)  # the orphan rows are gone from the table itself

    with unit_of_work(sessions) as session:
        report = import_file(
            session, settings=settings, kind="metrics", path=write(tmp_path / "d.csv", CHANGED)
        )
        assert report.committed and report.inserted == 1 and report.updated == 1
    assert _totals_agree(sessions, settings)
    assert 999_999 in _visible(sessions, settings)["plays"].to_list()
