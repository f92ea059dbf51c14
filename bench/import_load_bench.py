"""The ranking API under load (wrk) while a 1 M-row metrics file is imported over the API.

Measured on SQLite and on PostgreSQL: requests per second, p95 latency and the number of
failed requests (non-2xx answers and socket errors), next to the import's own time. Target:
no errors and p95 under 300 ms on 2 cores.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import database_stores, served
from bench.import_bench import make_files
from bench.load_bench import LUA, POSTGRES_URL, _cli

DURATION_S, CONNECTIONS, WORKERS = 40, 8, 2
TARGET = "/api/v1/index/rankings?period=2025-11&limit=50"
ROWS = 1_000_000


def _token(env: dict[str, str]) -> str:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "microdrama",
            "users",
            "create",
            "loader",
            "--role",
            "analyst",
            "--password-stdin",
        ],
        input="load-bench-password\n",
        env=env,
        text=True,
        capture_output=True,
        check=True,
        timeout=120,
    )
    made = subprocess.run(
        [sys.executable, "-m", "microdrama", "users", "token", "loader", "--label", "bench"],
        env=env,
        text=True,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return made.stdout.strip().splitlines()[-1]


def _wrk(base: str, script: Path) -> str:
    return subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION_S}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + TARGET,
        ],
        capture_output=True,
        text=True,
        timeout=DURATION_S + 60,
        check=True,
    ).stdout


def _failures(out: str) -> int:
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )


def measure(env: dict[str, str], folder: Path, script: Path) -> dict[str, float]:
    """Serve the store, load the ranking, and import the big file in the middle of it."""
    works, metrics = make_files(folder, rows=ROWS)
    _cli(env, "import", "works", str(works))
    token = _token(env)
    imported: dict[str, float] = {}

    def import_during_load(base: str) -> None:
        time.sleep(5)  # the load runs first on its own for a moment
        started = time.perf_counter()
        with metrics.open("rb") as handle:
            answer = httpx.post(
                f"{base}/api/v1/imports?kind=metrics",
                headers={"authorization": f"Bearer {token}"},
                files={"file": ("metrics.csv", handle, "text/csv")},
                timeout=600,
            )
        imported["seconds"] = time.perf_counter() - started
        imported["status"] = answer.status_code

    with served(env, workers=WORKERS) as base:
        assert httpx.get(base + TARGET, timeout=30).status_code == 200
        importer = threading.Thread(target=import_during_load, args=(base,))
        importer.start()
        out = _wrk(base, script)
        importer.join(timeout=600)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p95": float(re.search(r"P95 ([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "errors": float(_failures(out)),
        "import_s": imported.get("seconds", float("nan")),
        "import_status": imported.get("status", 0),
    }


def main() -> None:
    """Run the measurement on SQLite and on PostgreSQL and print them side by side."""
    if shutil.which("wrk") is None:
        print("\nload during import skipped: install wrk (apt-get install wrk)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "percentiles.lua"
        script.write_text(LUA)
        with database_stores(POSTGRES_URL) as stores:
            print(
                f"\nranking API under load while {ROWS:,} metric rows are imported over the API "
                f"(wrk, 2 threads, {CONNECTIONS} connections, {DURATION_S} s; {WORKERS} workers; "
                "demo 12,000 works × 180 days)"
            )
            print(
                f"  {'store':12}{'req/s':>9}{'p95 ms':>9}{'errors':>8}{'import s':>10}{'status':>8}"
            )
            for store, url in stores.items():
                folder = Path(tmp) / store
                folder.mkdir()
                env = {
                    **os.environ,
                    "MICRODRAMA_DATA_DIR": str(folder / "var"),
                    "MICRODRAMA_DATABASE_URL": url,
                }
                _cli(env, "demo", "load")
                _cli(env, "index", "compute", "--period", "2025-11", "--publish")
                got = measure(env, folder, script)
                print(
                    f"  {store:12}{got['rps']:9.0f}{got['p95']:9.1f}{got['errors']:8.0f}"
                    f"{got['import_s']:10.1f}{got['import_status']:8.0f}"
                )
            print("  targets: 0 errors, p95 < 300 ms, the import answers 200")


if __name__ == "__main__":
    main()
