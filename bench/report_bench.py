"""Monthly insight report on the 12,000-work demo next to DuckDB summing the same month.

The demo is loaded and its index for the month and the month before is computed first (as
`make run` leaves it); then the report build — named queries, findings, charts, HTML and PDF —
runs in a fresh interpreter and is timed inside it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import microdrama, python_child

PERIOD = "2025-11"

BUILD = """
import time
from pathlib import Path
from microdrama.config import Settings
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
import microdrama.models
from microdrama.reports.builder import build_report
settings = Settings(data_dir=Path({data!r}))
sessions = make_session_factory(make_engine(settings.resolved_database_url))
start = time.perf_counter()
with unit_of_work(sessions) as session:
    built = build_report(session, settings=settings, period={period!r}, lang={lang!r},
                         out=Path({out!r}), compute_missing=False)
print("SECONDS", time.perf_counter() - start)
"""

SUM = """
import time, duckdb
from deltalake import DeltaTable
files = DeltaTable({uri!r}).file_uris()
start = time.perf_counter()
rows = duckdb.connect().execute(
    "SELECT work_id, platform, sum(plays), sum(recharge_fen), sum(ad_revenue_fen), count(*) "
    "FROM read_parquet($files) WHERE date >= DATE '2025-10-01' GROUP BY work_id, platform",
    {{"files": files}},
).fetchall()
assert rows
print("SECONDS", time.perf_counter() - start)
"""


def main() -> None:
    """Load the demo, compute the two months' index, then time the reports."""
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        data = Path(folder) / "var"
        env = {"MICRODRAMA_DATA_DIR": str(data)}
        microdrama("demo", "load", env=env)
        for period in ("2025-10", PERIOD):
            microdrama("index", "compute", "--period", period, env=env)
        uri = str(data / "lake" / "metrics")
        duck = python_child(SUM.format(uri=uri))
        print(f"\nInsight report, {PERIOD}, 12,000 works × 180 days (demo)")
        print(f"  {'':38}{'seconds':>9}{'peak MB':>10}{'ratio':>8}")
        print(f"  {'DuckDB GROUP BY of the two months':38}{duck.work:>9.2f}{duck.peak_mb:>10.0f}")
        for lang in ("zh", "en"):
            out = str(Path(folder) / f"report-{lang}")
            ours = python_child(BUILD.format(data=str(data), period=PERIOD, lang=lang, out=out))
            label = f"report build ({lang}: HTML + PDF + CSV)"
            ratio = ours.work / duck.work
            print(f"  {label:38}{ours.work:>9.2f}{ours.peak_mb:>10.0f}{ratio:>8.1f}")
        print("  target: under 30 s")


if __name__ == "__main__":
    main()
