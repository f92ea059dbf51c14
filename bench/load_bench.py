"""Ranking API and ranking page under load on loopback (wrk), with SQLite and with PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.common import database_stores, served

POSTGRES_URL = os.environ.get(
    "MICRODRAMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGETS = {
    "ranking API": "/api/v1/index/rankings?period=2025-11&limit=50",
    "ranking page": "/rankings?period=2025-11",
}
DURATION_S, CONNECTIONS, WORKERS = 10, 16, 2
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P50 %.3f\\nP95 %.3f\\n", latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000))
end
"""


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "microdrama", *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )


def _measure(env: dict[str, str], script: Path) -> dict[str, tuple[float, float, float]]:
    with served(env, workers=WORKERS) as base:
        results = {}
        for label, path in TARGETS.items():
            assert httpx.get(base + path, timeout=30).status_code == 200, path
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{CONNECTIONS}",
                    f"-d{DURATION_S}s",
                    "-s",
                    str(script),
                    base + path,
                ],
                capture_output=True,
                text=True,
                timeout=DURATION_S + 30,
                check=True,
            ).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
            p50 = float(re.search(r"P50 ([\d.]+)", out).group(1))  # type: ignore[union-attr]
            p95 = float(re.search(r"P95 ([\d.]+)", out).group(1))  # type: ignore[union-attr]
            results[label] = (rps, p50, p95)
        return results


def main() -> None:
    """Load the demo into SQLite and PostgreSQL, serve each, hammer the ranking."""
    if shutil.which("wrk") is None:
        print("\nload test skipped: install wrk (apt-get install wrk)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "percentiles.lua"
        script.write_text(LUA)
        with database_stores(POSTGRES_URL) as stores:
            print(
                f"\nload on loopback: wrk, 2 threads, {CONNECTIONS} connections, "
                f"{DURATION_S} s each, server with {WORKERS} workers; "
                "demo data 12,000 works × 180 days"
            )
            print(f"  {'store':12}{'endpoint':16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
            for store, url in stores.items():
                env = {
                    **os.environ,
                    "MICRODRAMA_DATA_DIR": str(Path(tmp) / store),
                    "MICRODRAMA_DATABASE_URL": url,
                }
                _cli(env, "demo", "load")
                _cli(env, "index", "compute", "--period", "2025-11", "--publish")
                for label, (rps, p50, p95) in _measure(env, script).items():
                    print(f"  {store:12}{label:16}{rps:9.0f}{p50:9.1f}{p95:9.1f}")
            print("  targets (ranking API): p95 < 150 ms and >= 300 requests/s")


if __name__ == "__main__":
    main()
