"""Helpers shared by benchmarks: timed subprocesses with their peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """Wall time and peak resident memory of one child process."""

    seconds: float
    peak_mb: float
    output: str = ""

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
    return Measured(seconds=elapsed, peak_mb=usage.ru_maxrss / 1024, output=output)


def python_child(code: str, **kwargs: object) -> Measured:
    """Run Python code in a fresh interpreter and measure it."""
    return run_measured([sys.executable, "-c", code], **kwargs)  # type: ignore[arg-type]


def microdrama(*args: str, env: dict[str, str]) -> Measured:
    """Run the microdrama CLI in a fresh interpreter and measure it."""
    return python_child(f"from microdrama.cli import app; app({list(args)!r})", env=env)
