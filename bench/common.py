"""Helpers shared by benchmarks: timed subprocesses with their peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """Wall time and peak resident memory of one child process."""

    seconds: float
    rusage_peak_mb: float
    output: str = ""

    @property
    def peak_mb(self) -> float:
        """Peak resident memory: the child's own report (VmHWM) when it gave one.

        A child's rusage counts the parent's memory at fork time, so it overstates the peak of
        a child started by a large parent; VmHWM belongs to the child's own address space.
        """
        for line in self.output.splitlines():
            if line.startswith("PEAK_KB "):
                return float(line.split()[1]) / 1024
        return self.rusage_peak_mb

    @property
    def work(self) -> float:
        """Seconds the child reported for its timed work (a line `SECONDS x`)."""
        for line in self.output.splitlines():
            if line.startswith("SECONDS "):
                return float(line.split()[1])
        raise ValueError("the child printed no SECONDS line")


def run_measured(
    args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run a command, failing loudly on a non-zero exit, and measure it."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    output = process.stdout.read().decode() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    return Measured(seconds=elapsed, rusage_peak_mb=usage.ru_maxrss / 1024, output=output)


REPORT_PEAK = """
for _line in open("/proc/self/status"):
    if _line.startswith("VmHWM:"):
        print("PEAK_KB", _line.split()[1])
"""


def python_child(code: str, **kwargs: object) -> Measured:
    """Run Python code in a fresh interpreter and measure it (peak memory reported by itself)."""
    return run_measured([sys.executable, "-c", code + REPORT_PEAK], **kwargs)  # type: ignore[arg-type]


def microdrama(*args: str, env: dict[str, str]) -> Measured:
    """Run the microdrama CLI in a fresh interpreter and measure it."""
    # Typer exits through SystemExit even on success; let the peak report run after it.
    code = (
        "from microdrama.cli import app\n"
        "try:\n"
        f"    app({list(args)!r})\n"
        "except SystemExit as exit_:\n"
        "    if exit_.code:\n"
        "        raise\n"
    )
    return python_child(code, env=env)


@contextmanager
def database_stores(postgres_url: str) -> Iterator[dict[str, str]]:
    """The stores a load benchmark runs on: SQLite (the default URL, "") and, when a server
    answers, PostgreSQL in a fresh schema that is dropped afterwards."""
    from sqlalchemy import create_engine, text

    stores = {"SQLite": ""}
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        stores["PostgreSQL"] = f"{postgres_url}?options=-csearch_path%3D{schema}"
    except Exception as exc:  # noqa: BLE001 - no server: measure SQLite alone
        print(f"PostgreSQL unavailable ({exc.__class__.__name__}); SQLite only")
    try:
        yield stores
    finally:
        if "PostgreSQL" in stores:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def served(env: dict[str, str], *, workers: int) -> Iterator[str]:
    """`microdrama serve` on a free loopback port with these workers; yield its base URL."""
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "microdrama",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
