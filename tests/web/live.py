"""A real `microdrama serve` on a free loopback port, for tests that need real connections."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from microdrama.config import Settings


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(settings: Settings, **env: str) -> Iterator[str]:
    """Serve the settings' database and lake; yield the base URL; stop the server after."""
    environment = {
        **os.environ,
        "MICRODRAMA_DATA_DIR": str(settings.data_dir),
        "MICRODRAMA_DATABASE_URL": settings.resolved_database_url,
        **env,
    }
    with serving(environment) as base:
        yield base


@contextmanager
def serving(environment: dict[str, str]) -> Iterator[str]:
    """`microdrama serve` with this environment on a free port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "microdrama", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
