"""The daily metrics table in Delta Lake: schema, atomic append or merge, versioned scans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

KEY = ("work_id", "platform", "date")
COUNT_COLUMNS = ("plays", "viewers", "likes", "comments", "shares", "favorites")
MONEY_COLUMNS = ("recharge_fen", "ad_revenue_fen", "ad_spend_fen")

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
        ("import_id", pa.int64()),
    ]
)

POLARS_SCHEMA = pl.Schema(pl.from_arrow(SCHEMA.empty_table()).schema)  # type: ignore[union-attr]


@dataclass(frozen=True)
class WriteResult:
    """What one Delta commit did."""

    version: int
    inserted: int
    updated: int


def metrics_uri(lake_root: str) -> str:
    """The URI of the metrics table under the lake root."""
    return lake_root.rstrip("/") + "/metrics"


def current_version(uri: str) -> int | None:
    """The table's newest version, or None when it does not exist yet."""
    try:
        return DeltaTable(uri).version()
    except TableNotFoundError:
        return None


def write(uri: str, batches: pa.RecordBatchReader, *, first: date, last: date) -> WriteResult:
    """Upsert the batches in one commit: insert new keys, replace rows whose key exists."""
    if current_version(uri) is None:
        write_deltalake(uri, batches, mode="append")
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
        table.merge(source=batches, predicate=predicate, source_alias="s", target_alias="t")
        .when_matched_update_all()
        .when_not_matched_insert_all()
        .execute()
    )
    return WriteResult(
        version=DeltaTable(uri).version(),
        inserted=int(metrics.get("num_target_rows_inserted", 0)),
        updated=int(metrics.get("num_target_rows_updated", 0)),
    )


def scan(uri: str, *, version: int | None = None) -> pl.LazyFrame:
    """A lazy scan of the table at a version (newest by default); empty when there is none."""
    if current_version(uri) is None:
        return pl.LazyFrame(schema=POLARS_SCHEMA)
    return pl.scan_delta(uri, version=version)
