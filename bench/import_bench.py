"""Import of a 1-million-row metrics CSV next to DuckDB's read_csv of the same file.

Each side runs in a fresh interpreter and times only the work (libraries already imported);
peak memory is the child's maximum resident set. The command-line wall time, start-up
included, is printed too.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from bench.common import microdrama, python_child

ROWS = 1_000_000
DAYS = 100

OUR_IMPORT = """
import json, sys, time
from pathlib import Path
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.ingest.service import import_file
settings = Settings(data_dir=Path({data!r}))
engine = make_engine(settings.resolved_database_url)
upgrade(engine)
start = time.perf_counter()
with unit_of_work(make_session_factory(engine)) as session:
    report = import_file(session, settings=settings, kind="metrics", path=Path({path!r}))
assert report.ok and report.rows_read == {rows}, report.errors[:3]
print("SECONDS", time.perf_counter() - start)
"""

DUCKDB_READ = """
import time, duckdb
connection = duckdb.connect()
start = time.perf_counter()
connection.execute("CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == {rows}
print("SECONDS", time.perf_counter() - start)
"""


def make_files(folder: Path, *, rows: int = ROWS) -> tuple[Path, Path]:
    """A works file and a metrics file of `rows` rows, written the way vendors export them."""
    works = rows // DAYS
    rng = np.random.default_rng(1)
    ids = [f"W{i:06d}" for i in range(works)]
    pl.DataFrame(
        {"work_id": ids, "title": [f"剧{i}" for i in range(works)], "platform": "红果短剧"}
    ).write_csv(folder / "works.csv")
    start = date(2025, 6, 1)
    plays = rng.lognormal(8, 2, rows).astype(np.int64)
    frame = pl.DataFrame(
        {
            "work_id": np.repeat(ids, DAYS),
            "platform": "红果短剧",
            "date": [start + timedelta(days=int(d)) for d in np.tile(np.arange(DAYS), works)],
            "plays": plays,
            "viewers": (plays / 1.8).astype(np.int64),
            "watch_minutes": np.round(plays * 1.1, 1),
            "completion_rate": np.round(rng.uniform(0.1, 0.6, rows), 4),
            "likes": (plays * 0.03).astype(np.int64),
            "comments": (plays * 0.002).astype(np.int64),
            "shares": (plays * 0.004).astype(np.int64),
            "favorites": (plays * 0.011).astype(np.int64),
            "recharge_yuan": np.round(plays * 0.05, 2),
            "ad_revenue_yuan": np.round(plays * 0.02, 2),
            "ad_spend_yuan": np.round(plays * 0.04, 2),
        }
    )
    frame.write_csv(folder / "metrics.csv", date_format="%Y-%m-%d")
    return folder / "works.csv", folder / "metrics.csv"


def main() -> dict[str, float]:
    """Run the import benchmark and print its table."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        works, metrics = make_files(folder)
        env = {"MICRODRAMA_DATA_DIR": str(folder / "var"), "MICRODRAMA_DATABASE_URL": ""}
        microdrama("import", "works", str(works), env=env)
        ours_code = OUR_IMPORT.format(data=str(folder / "var"), path=str(metrics), rows=ROWS)
        ours = python_child(ours_code)
        merge = python_child(ours_code)
        duck = python_child(DUCKDB_READ.format(path=metrics, rows=ROWS))
        cli = microdrama("import", "metrics", str(metrics), env=env)
    print(f"\nimport of a {ROWS:,}-row metrics CSV (work timed in a fresh interpreter)")
    print(f"  {'':38}{'seconds':>9}{'peak MB':>10}{'ratio':>8}")
    rows = [
        ("duckdb read_csv into a table", duck.work, duck.peak_mb),
        ("microdrama import, first (Delta write)", ours.work, ours.peak_mb),
        ("microdrama re-import (Delta MERGE)", merge.work, merge.peak_mb),
    ]
    for label, seconds, peak in rows:
        print(f"  {label:38}{seconds:9.2f}{peak:10.0f}{seconds / duck.work:8.2f}")
    print(f"  {'CLI wall time incl. start-up (MERGE)':38}{cli.seconds:9.2f}{cli.peak_mb:10.0f}")
    print("  targets: first-import ratio <= 3, peak memory < 500 MB")
    return {
        "import_ratio": ours.work / duck.work,
        "import_peak_mb": ours.peak_mb,
        "merge_ratio": merge.work / duck.work,
    }


if __name__ == "__main__":
    main()
