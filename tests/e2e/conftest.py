"""A real server on loopback with simulated demo data; Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.web.live import serving

PASSWORD = "e2e-password"
USERS = {"ana": "analyst", "zhang": "expert", "guest": "viewer", "liu": "producer"}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microdrama", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
        check=True,
    )


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a small simulated catalogue on a free loopback port; yield its base URL."""
    data = tmp_path_factory.mktemp("e2e") / "var"
    env = {**os.environ, "MICRODRAMA_DATA_DIR": str(data)}
    env.pop("MICRODRAMA_DATABASE_URL", None)
    _cli("demo", "load", "--works", "300", "--days", "60", env=env)
    _cli("index", "compute", "--period", "2025-11", "--publish", env=env)
    _cli("index", "compute", "--period", "2025-10", env=env)  # a draft the analyst publishes
    for name, role in USERS.items():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "microdrama",
                "users",
                "create",
                name,
                "--role",
                role,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
            check=True,
        )
    with serving(env) as base:
        yield base
