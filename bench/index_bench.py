"""Full Star Index computation next to a plain DuckDB GROUP BY over the same Delta table.

Scales: 12,000 works × 180 days (what `make run` computes) and 100,000 works × 365 days
(36.5 M daily rows). Each side runs in a fresh interpreter; the work is timed inside it and
peak memory is the child's maximum resident set.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from bench.common import microdrama, python_child
from microdrama.lake import metrics as lake

CHUNK_WORKS = 10_000
END = date(2025, 12, 31)

COMPUTE = """
import time
from pathlib import Path
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.index.service import compute_index
settings = Settings(data_dir=Path({data!r}))
engine = make_engine(settings.resolved_database_url)
upgrade(engine)
start = time.perf_counter()
with unit_of_work(make_session_factory(engine)) as session:
    run = compute_index(session, settings=settings, period="all")
print("SECONDS", time.perf_counter() - start)
print("RANKED", run.works_ranked)
"""

GROUP_BY = """
import time, duckdb
from deltalake import DeltaTable
files = DeltaTable({uri!r}).file_uris()
start = time.perf_counter()
rows = duckdb.connect().execute(
    "SELECT work_id, platform, sum(plays), sum(viewers), sum(likes), avg(completion_rate), "
    "sum(recharge_fen), count(*) FROM read_parquet($files) GROUP BY work_id, platform",
    {{"files": files}},
).fetchall()
assert rows
print("SECONDS", time.perf_counter() - start)
"""


def build(folder: Path, *, works: int, days: int, seed: int = 1) -> Path:
    """Catalogue files imported the ordinary way, metrics appended to Delta in chunks."""
    rng = np.random.default_rng(seed)
    data = folder / "var"
    ids = [f"W{i:06d}" for i in range(works)]
    start = END - timedelta(days=days - 1)
    release = [start + timedelta(days=int(d)) for d in rng.integers(-30, days - 20, works)]
    genres = rng.choice(["甜宠", "逆袭", "霸总", "重生", "悬疑", "古装"], works)
    pl.DataFrame(
        {
            "work_id": ids,
            "title": [f"剧{i}" for i in range(works)],
            "genres": genres,
            "episodes": rng.choice([50, 60, 70, 80, 100], works),
            "release_date": release,
            "platform": rng.choice(["红果短剧", "抖音", "快手", "微信小程序"], works),
        }
    ).write_csv(folder / "works.csv")
    reviewed = rng.choice(works, works // 4, replace=False)
    experts = rng.integers(0, 200, (reviewed.size, 5))
    pl.DataFrame(
        {
            "work_id": np.repeat(np.array(ids)[reviewed], 5),
            "expert_id": [f"E{e:03d}" for e in experts.ravel()],
            **{
                d: rng.integers(3, 10, reviewed.size * 5)
                for d in ("values", "artistry", "production", "innovation")
            },
            "reviewed_on": END,
        }
    ).unique(["work_id", "expert_id"]).write_csv(folder / "reviews.csv")
    env = {"MICRODRAMA_DATA_DIR": str(data), "MICRODRAMA_DATABASE_URL": ""}
    microdrama("import", "works", str(folder / "works.csv"), env=env)
    microdrama("import", "reviews", str(folder / "reviews.csv"), env=env)
    uri = lake.metrics_uri(str((data / "lake").resolve()))
    platforms = pl.read_csv(folder / "works.csv")["platform"].to_numpy()
    for first in range(0, works, CHUNK_WORKS):
        count = min(CHUNK_WORKS, works - first)
        table = _metrics(
            rng, ids[first : first + count], platforms[first : first + count], start, days
        )
        lake.write(
            uri,
            pa.RecordBatchReader.from_batches(lake.SCHEMA, table.to_batches()),
            first=start,
            last=END,
        )
    return data


def _metrics(
    rng: np.random.Generator, ids: list[str], platforms: np.ndarray, start: date, days: int
) -> pa.Table:
    works = len(ids)
    scale = rng.lognormal(9, 2, works)
    t = np.arange(days)
    shape = np.exp(-t / rng.uniform(10, 60, works)[:, None]) + 0.05
    plays = (scale[:, None] * shape * rng.lognormal(0, 0.2, (works, days))).astype(np.int64)
    fraud = rng.random(works) < 0.02
    burst = (t >= 20) & (t < 25)
    plays[np.ix_(fraud, burst)] *= 8
    viewers = (scale[:, None] * shape / 1.8).astype(np.int64)
    rows = works * days
    return pa.table(
        {
            "work_id": np.repeat(ids, days),
            "platform": np.repeat(platforms, days),
            "date": pa.array(
                np.tile(np.arange(days), works) + (start - date(1970, 1, 1)).days, pa.int32()
            ).cast(pa.date32()),
            "plays": plays.ravel(),
            "viewers": viewers.ravel(),
            "watch_minutes": (viewers.ravel() * 1.6 * 20).astype(float),
            "completion_rate": np.clip(rng.normal(0.4, 0.05, rows), 0, 1),
            "likes": (viewers.ravel() * 0.05).astype(np.int64),
            "comments": (viewers.ravel() * 0.004).astype(np.int64),
            "shares": (viewers.ravel() * 0.006).astype(np.int64),
            "favorites": (viewers.ravel() * 0.02).astype(np.int64),
            "recharge_fen": (viewers.ravel() * 3).astype(np.int64),
            "ad_revenue_fen": (plays.ravel() * 2).astype(np.int64),
            "ad_spend_fen": pa.nulls(rows, pa.int64()),
            "import_id": pa.nulls(rows, pa.int64()),
        }
    ).cast(lake.SCHEMA)


def measure(works: int, days: int) -> dict[str, float]:
    """Build a store of this size and time the index and the reference GROUP BY."""
    with tempfile.TemporaryDirectory() as tmp:
        data = build(Path(tmp), works=works, days=days)
        uri = lake.metrics_uri(str((data / "lake").resolve()))
        ours = python_child(COMPUTE.format(data=str(data)))
        duck = python_child(GROUP_BY.format(uri=uri))
    label = f"{works:,} works × {days} days ({works * days / 1e6:.1f} M rows)"
    print(f"\nStar Index, full computation: {label}")
    print(f"  {'':38}{'seconds':>9}{'peak MB':>10}{'ratio':>8}")
    print(
        f"  {'duckdb GROUP BY over the Delta files':38}{duck.work:9.2f}{duck.peak_mb:10.0f}{1:8.2f}"
    )
    print(
        f"  {'microdrama index compute':38}{ours.work:9.2f}{ours.peak_mb:10.0f}"
        f"{ours.work / duck.work:8.2f}"
    )
    return {"seconds": ours.work, "peak_mb": ours.peak_mb, "ratio": ours.work / duck.work}


def main(small: bool = True, large: bool = True) -> None:
    """Both scales (the large one takes a few minutes to build); `--small` or `--large` alone."""
    if small:
        measure(12_000, 180)
        print("  target: under 30 s")
    if large:
        measure(100_000, 365)
        print("  targets: ratio <= 20, peak memory < 4 GB")


if __name__ == "__main__":
    main(small="--large" not in sys.argv, large="--small" not in sys.argv)
