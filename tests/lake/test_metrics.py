"""The metrics table: one owner of its columns, pinned snapshots, upserts, undo and orphans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from microdrama.ingest.columns import SPECS
from microdrama.lake import metrics as lake


def _rows(*rows: tuple[str, str, date, int], import_id: int) -> pa.RecordBatchReader:
    frame = pl.DataFrame(
        [
            {"work_id": w, "platform": p, "date": d, "plays": n, lake.IMPORT_ID: import_id}
            for w, p, d, n in rows
        ],
        schema={
            "work_id": pl.Utf8,
            "platform": pl.Utf8,
            "date": pl.Date,
            "plays": pl.Int64,
            lake.IMPORT_ID: pl.Int64,
        },
    )
    table = pl.concat([pl.DataFrame(schema=lake.POLARS_SCHEMA), frame], how="diagonal")
    arrow = table.to_arrow().cast(lake.SCHEMA)
    return pa.RecordBatchReader.from_batches(lake.SCHEMA, arrow.to_batches())


def _write(uri: str, *rows: tuple[str, str, date, int], import_id: int) -> lake.WriteResult:
    days = [row[2] for row in rows]
    return lake.write(
        uri, _rows(*rows, import_id=import_id), first=min(days), last=max(days), import_id=import_id
    )


@pytest.fixture
def uri(tmp_path: Path) -> str:
    return lake.metrics_uri(str(tmp_path / "lake"))


def test_the_columns_are_named_once_and_agree_with_the_schema_and_the_import_spec() -> None:
    assert tuple(lake.SCHEMA.names) == (*lake.DAILY_COLUMNS, lake.IMPORT_ID)
    spec = SPECS["metrics"]
    assert (*spec.required, *spec.optional) == lake.SOURCE_COLUMNS
    assert set(lake.MONEY_COLUMNS) == set(lake.YUAN_NAMES)


def test_a_table_that_does_not_exist_reads_as_empty_with_its_schema(uri: str) -> None:
    empty = lake.snapshot(uri)
    assert empty.version is None
    frame = empty.scan().collect()
    assert frame.is_empty() and frame.schema == lake.POLARS_SCHEMA


def test_an_upsert_inserts_new_keys_and_replaces_stored_ones(uri: str) -> None:
    first = _write(
        uri, ("W1", "p", date(2025, 1, 1), 10), ("W1", "p", date(2025, 1, 2), 20), import_id=1
    )
    second = _write(
        uri, ("W1", "p", date(2025, 1, 2), 25), ("W2", "p", date(2025, 1, 2), 5), import_id=2
    )
    assert (first.inserted, first.updated) == (2, 0)
    assert (second.inserted, second.updated) == (1, 1)
    rows = lake.snapshot(uri).scan().sort(lake.KEY).collect()
    assert rows["plays"].to_list() == [10, 25, 5]
    assert rows[lake.IMPORT_ID].to_list() == [1, 2, 2]


def test_a_snapshot_keeps_reading_its_version_after_the_table_moves_on(uri: str) -> None:
    _write(uri, ("W1", "p", date(2025, 1, 1), 10), import_id=1)
    pinned = lake.snapshot(uri)
    _write(uri, ("W1", "p", date(2025, 1, 1), 99), import_id=2)
    assert pinned.scan().collect()["plays"].to_list() == [10]
    assert lake.snapshot(uri).scan().collect()["plays"].to_list() == [99]
    assert lake.snapshot(uri, version=pinned.version).scan().collect()["plays"].to_list() == [10]


def test_undo_takes_the_table_back_and_refuses_when_another_commit_landed_on_top(uri: str) -> None:
    _write(uri, ("W1", "p", date(2025, 1, 1), 10), import_id=1)
    mine = _write(uri, ("W1", "p", date(2025, 1, 1), 50), import_id=2)
    _write(uri, ("W2", "p", date(2025, 1, 1), 7), import_id=3)
    with pytest.raises(lake.UndoRefused, match="no longer the newest"):
        lake.undo(uri, version=mine.version)
    lake.undo(uri, version=mine.version, newest=mine.version + 1)
    assert lake.snapshot(uri).scan().collect()["plays"].to_list() == [10]


def test_undoing_the_first_version_leaves_an_empty_table(uri: str) -> None:
    first = _write(uri, ("W1", "p", date(2025, 1, 1), 10), import_id=1)
    lake.undo(uri, version=first.version)
    assert lake.snapshot(uri).scan().collect().is_empty()


def test_orphans_are_the_unbroken_run_of_uncommitted_imports_at_the_top(uri: str) -> None:
    _write(uri, ("W1", "p", date(2025, 1, 1), 1), import_id=1)
    _write(uri, ("W1", "p", date(2025, 1, 2), 2), import_id=2)
    _write(uri, ("W1", "p", date(2025, 1, 3), 3), import_id=3)
    assert lake.orphan_versions(uri, committed={1, 2, 3}) == []
    assert lake.orphan_versions(uri, committed={1}) == [1, 2]
    assert lake.orphan_versions(uri, committed={1, 3}) == []  # 3 is committed: it ends the run
    lake.undo(uri, version=1, newest=2)  # a restore is no import, and ends any run below it
    assert lake.orphan_versions(uri, committed={1}) == []
