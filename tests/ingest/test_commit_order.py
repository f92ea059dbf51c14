"""An import commits to the lake first and to SQL second; a failed SQL commit leaves no orphan."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from microdrama.catalog.models import ImportRecord
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.errors import Unavailable
from microdrama.ingest.service import import_file
from microdrama.lake import metrics as lake

from .test_service import METRICS, WORKS_ZH, write

CHANGED = (
    "work_id,platform,date,plays\n"
    "W1,红果短剧,2025-10-01,999999\n"  # replaces a stored day
    "W2,抖音,2025-10-03,7\n"  # a new day
)


class CommitRefused(RuntimeError):
    """Raised by the test's hook in place of the database's commit."""


def _refuse_commit(session: Session) -> None:
    def refuse(_: Session) -> None:
        raise CommitRefused("the database refused the commit")

    event.listen(session, "before_commit", refuse, once=True)


def _lake_rows(settings: Settings) -> pl.DataFrame:
    return lake.snapshot(lake.metrics_uri(settings.resolved_lake_uri)).scan().collect()


def _load(sessions: sessionmaker[Session], settings: Settings, tmp_path: Path) -> None:
    with unit_of_work(sessions) as session:
        for kind, text in (("works", WORKS_ZH), ("metrics", METRICS)):
            path = write(tmp_path / f"{kind}.csv", text)
            assert import_file(session, settings=settings, kind=kind, path=path).committed


def test_a_failed_sql_commit_takes_the_lake_back_to_before_the_import(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    _load(sessions, settings, tmp_path)
    before = _lake_rows(settings).sort(lake.KEY)
    path = write(tmp_path / "changed.csv", CHANGED)
    with pytest.raises(CommitRefused), unit_of_work(sessions) as session:
        report = import_file(session, settings=settings, kind="metrics", path=path)
        assert report.committed and report.lake_version is not None
        _refuse_commit(session)
    after = _lake_rows(settings).sort(lake.KEY)
    assert after.equals(before)  # the replaced day is back, the new day is gone
    with unit_of_work(sessions) as session:
        assert session.scalar(select(func.count()).select_from(ImportRecord)) == 2


def test_a_failed_sql_commit_of_the_first_metrics_import_leaves_an_empty_table(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    with unit_of_work(sessions) as session:
        path = write(tmp_path / "works.csv", WORKS_ZH)
        import_file(session, settings=settings, kind="works", path=path)
    with pytest.raises(CommitRefused), unit_of_work(sessions) as session:
        path = write(tmp_path / "metrics.csv", METRICS)
        assert import_file(session, settings=settings, kind="metrics", path=path).committed
        _refuse_commit(session)
    assert _lake_rows(settings).is_empty()


def test_a_committed_import_is_not_undone_by_a_later_rollback_of_its_session(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    session = sessions()
    try:
        for kind, text in (("works", WORKS_ZH), ("metrics", METRICS)):
            path = write(tmp_path / f"{kind}.csv", text)
            import_file(session, settings=settings, kind=kind, path=path)
        session.commit()
        kept = _lake_rows(settings).height
        session.rollback()  # nothing pending: the committed import must stay
    finally:
        session.close()
    assert kept == 3 and _lake_rows(settings).height == kept


def test_a_version_left_by_a_process_that_died_between_the_commits_is_undone_by_the_next_import(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    _load(sessions, settings, tmp_path)
    before = _lake_rows(settings).sort(lake.KEY)
    uri = lake.metrics_uri(settings.resolved_lake_uri)
    # What a crashed import leaves: a Delta commit whose import never reached SQL.
    orphan = before.head(1).with_columns(pl.lit(123_456, pl.Int64).alias("plays"))
    orphan = orphan.with_columns(pl.lit(999, pl.Int64).alias(lake.IMPORT_ID))
    day = orphan["date"][0]
    lake.write(
        uri,
        pa.RecordBatchReader.from_batches(
            lake.SCHEMA, orphan.to_arrow().cast(lake.SCHEMA).to_batches()
        ),
        first=day,
        last=day,
        import_id=999,
    )
    with unit_of_work(sessions) as session:
        committed = set(session.scalars(select(ImportRecord.id)))
    assert lake.orphan_versions(uri, committed=committed) == [lake.current_version(uri)]
    with unit_of_work(sessions) as session:
        path = write(tmp_path / "more.csv", "work_id,platform,date,plays\nW2,抖音,2025-10-05,5\n")
        assert import_file(session, settings=settings, kind="metrics", path=path).committed
    rows = _lake_rows(settings)
    assert 123_456 not in rows["plays"].to_list()
    assert rows.filter(pl.col("date") == date(2025, 10, 5)).height == 1
    assert rows.filter(pl.col("date") != date(2025, 10, 5)).sort(lake.KEY).equals(before)


def test_a_second_import_waits_for_the_first_rather_than_undo_its_uncommitted_version(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    with unit_of_work(sessions) as session:
        path = write(tmp_path / "works.csv", WORKS_ZH)
        import_file(session, settings=settings, kind="works", path=path)
    first_file = write(tmp_path / "first.csv", METRICS)
    second_file = write(
        tmp_path / "second.csv", "work_id,platform,date,plays\nW2,抖音,2025-10-07,3\n"
    )
    first = sessions()
    failures: list[BaseException] = []

    def second_import() -> None:
        try:
            with unit_of_work(sessions) as session:
                import_file(session, settings=settings, kind="metrics", path=second_file)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    try:
        assert import_file(first, settings=settings, kind="metrics", path=first_file).committed
        # The first import's lake version stands, its SQL commit not yet: the second import
        # must not take that version for a dead process's and undo it.
        racer = threading.Thread(target=second_import)
        racer.start()
        time.sleep(1.0)  # give the second import time to reach the lake, were it not held
        first.commit()
    finally:
        first.close()
    racer.join(timeout=60)
    assert not racer.is_alive()
    rows = _lake_rows(settings)
    if failures:  # SQLite admits one writer: the second import is refused whole, as busy
        assert settings.resolved_database_url.startswith("sqlite")
        assert isinstance(failures[0], Unavailable) and "import the file again" in str(failures[0])
        assert rows.height == 3  # the first file's three days, untouched
    else:
        assert rows.height == 4  # the first file's three days and the second file's one
