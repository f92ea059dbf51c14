"""The daily metrics table in Delta Lake: its columns, pinned snapshots, atomic upserts, undo.

This module owns the metric columns: importers, the index and the reports name them from here.
A computation that reads the table takes one `Snapshot` (a version) at its start and reads
only that, so a ranking or a report can be rebuilt from the same bytes later.

An import commits twice, in this order: first the Delta commit (a new table version whose
commit info names the import), then the SQL commit of its catalogue rows and import record,
which names that version. When the SQL commit fails, `undo` takes the table back to the
version before, so no reader sees rows whose import is not in the catalogue; a process that
died between the two commits leaves a version that `orphan_versions` finds and the next import
undoes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

KEY = ("work_id", "platform", "date")
COUNT_COLUMNS = ("plays", "viewers", "likes", "comments", "shares", "favorites")
MONEY_COLUMNS = ("recharge_fen", "ad_revenue_fen", "ad_spend_fen")
# What a day of a work on a platform measures, in the table's order.
MEASURE_COLUMNS = (
    "plays",
    "viewers",
    "watch_minutes",
    "completion_rate",
    "likes",
    "comments",
    "shares",
    "favorites",
    *MONEY_COLUMNS,
)
DAILY_COLUMNS = (*KEY, *MEASURE_COLUMNS)  # every column but the import's id
# Money is stored as integer fen; import files and pages give it in yuan under these names.
YUAN_NAMES = {
    "recharge_fen": "recharge_yuan",
    "ad_revenue_fen": "ad_revenue_yuan",
    "ad_spend_fen": "ad_spend_yuan",
}
# The metric columns as an import file names them (money in yuan).
SOURCE_COLUMNS = tuple(YUAN_NAMES.get(column, column) for column in DAILY_COLUMNS)
IMPORT_ID = "import_id"  # the column, and the commit-info key, naming the import of a row

SCHEMA = pa.schema(
    [
        ("work_id", pa.string()),
        ("platform", pa.string()),
        ("date", pa.date32()),
        ("plays", pa.int64()),
        ("viewers", pa.int64()),
        ("watch_minutes", pa.float64()),
        ("completion_rate", pa.float64()),
        ("likes", pa.int64()),
        ("comments", pa.int64()),
        ("shares", pa.int64()),
        ("favorites", pa.int64()),
        # Money is exact: integer fen (1 yuan = 100 fen).
        ("recharge_fen", pa.int64()),
        ("ad_revenue_fen", pa.int64()),
        ("ad_spend_fen", pa.int64()),
        (IMPORT_ID, pa.int64()),
    ]
)
assert tuple(SCHEMA.names) == (*DAILY_COLUMNS, IMPORT_ID), "SCHEMA and the column names drifted"

POLARS_SCHEMA = pl.Schema(pl.from_arrow(SCHEMA.empty_table()).schema)  # type: ignore[union-attr]


@dataclass(frozen=True)
class WriteResult:
    """What one Delta commit did."""

    version: int
    inserted: int
    updated: int


@dataclass(frozen=True)
class Snapshot:
    """One version of the metrics table; every read of a computation goes through one."""

    uri: str
    version: int | None  # None: the table does not exist yet, and reads are empty

    def scan(self) -> pl.LazyFrame:
        """A lazy scan of this version (empty, with the table's schema, before the first)."""
        if self.version is None:
            return pl.LazyFrame(schema=POLARS_SCHEMA)
        return pl.scan_delta(self.uri, version=self.version)


def metrics_uri(lake_root: str) -> str:
    """The URI of the metrics table under the lake root."""
    return lake_root.rstrip("/") + "/metrics"


def current_version(uri: str) -> int | None:
    """The table's newest version, or None when it does not exist yet."""
    try:
        return DeltaTable(uri).version()
    except TableNotFoundError:
        return None


def snapshot(uri: str, *, version: int | None = None) -> Snapshot:
    """The table pinned at a version: the newest one unless given."""
    return Snapshot(uri, current_version(uri) if version is None else version)


def write(
    uri: str,
    batches: pa.RecordBatchReader,
    *,
    first: date,
    last: date,
    import_id: int | None = None,
) -> WriteResult:
    """Upsert the batches in one commit: insert new keys, replace rows whose key exists.

    The commit info records `import_id`, so a version whose import never reached the
    catalogue can be told from the others (`orphan_versions`).
    """
    properties = CommitProperties(
        custom_metadata={IMPORT_ID: str(import_id)} if import_id is not None else None
    )
    if current_version(uri) is None:
        write_deltalake(uri, batches, mode="append", commit_properties=properties)
        table = DeltaTable(uri)
        inserted = int(table.history(1)[0].get("operationMetrics", {}).get("num_added_rows", 0))
        return WriteResult(version=table.version(), inserted=inserted, updated=0)
    table = DeltaTable(uri)
    # The date bounds let delta-rs skip files that cannot hold a matching key.
    predicate = (
        f"t.work_id = s.work_id AND t.platform = s.platform AND t.date = s.date "
        f"AND t.date >= '{first.isoformat()}' AND t.date <= '{last.isoformat()}'"
    )
    metrics = (
        table.merge(
            source=batches,
            predicate=predicate,
            source_alias="s",
            target_alias="t",
            commit_properties=properties,
        )
        .when_matched_update_all()
        .when_not_matched_insert_all()
        .execute()
    )
    return WriteResult(
        version=DeltaTable(uri).version(),
        inserted=int(metrics.get("num_target_rows_inserted", 0)),
        updated=int(metrics.get("num_target_rows_updated", 0)),
    )


class UndoRefused(RuntimeError):
    """A version cannot be undone because the table moved on past it."""


def undo(uri: str, *, version: int, newest: int | None = None) -> int:
    """Take the table back to what it was before `version`, undoing it and every later one.

    `newest` (default: `version`) is the version the caller expects on top; when another
    commit landed after it, nothing is undone and UndoRefused says so. Restoring is itself a
    commit (history is kept); the first version of a table is undone by an empty overwrite.
    Returns the table's new version.
    """
    table = DeltaTable(uri)
    expected = version if newest is None else newest
    if table.version() != expected:
        raise UndoRefused(
            f"{uri}: version {expected} is no longer the newest ({table.version()}); "
            f"restore version {version - 1} by hand with DeltaTable.restore"
        )
    if version == 0:
        write_deltalake(uri, SCHEMA.empty_table(), mode="overwrite")
    else:
        table.restore(version - 1)
    return DeltaTable(uri).version()


def orphan_versions(uri: str, *, committed: Collection[int]) -> list[int]:
    """The newest versions, oldest first, written by imports whose ids are not `committed`.

    Only an unbroken run at the top of the history counts: a version written by a committed
    import, or by anything that is no import (a restore), ends it.
    """
    if current_version(uri) is None:
        return []
    orphans: list[int] = []
    for commit in DeltaTable(uri).history():
        import_id = commit.get(IMPORT_ID)
        if import_id is None or int(import_id) in committed:
            break
        orphans.append(int(commit["version"]))
    return sorted(orphans)


def scan(uri: str, *, version: int | None = None) -> pl.LazyFrame:
    """A lazy scan of the table at a version (newest by default); empty when there is none."""
    return snapshot(uri, version=version).scan()
