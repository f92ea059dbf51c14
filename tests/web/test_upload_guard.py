"""Uploads are refused before their body is read: anonymous 401, too large 413, mid-stream too."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.config import Settings
from microdrama.db.session import unit_of_work

from .live import live_server

BOUNDARY = "microdrama-test"


@pytest.fixture
def server(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[tuple[str, str]]:
    with unit_of_work(sessions) as session:
        user = accounts.create_user(
            session, username="ana", role_key="analyst", password="long-enough"
        )
        session.flush()
        token = accounts.create_token(session, user=user, name="t")
    with live_server(settings, MICRODRAMA_MAX_UPLOAD_MB="1") as base:
        yield base, token


def _raw_upload(base: str, headers: dict[str, str], chunks: Iterator[bytes]) -> tuple[int, int]:
    """Send a chunked multipart upload by hand; the status and how many chunks went out."""
    address = urlsplit(base)
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        head = [
            "POST /api/v1/imports?kind=works HTTP/1.1",
            f"Host: {address.hostname}",
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
            *(f"{k}: {v}" for k, v in headers.items()),
            "",
            "",
        ]
        sock.sendall("\r\n".join(head).encode())
        sock.setblocking(False)
        answer = b""
        for chunk in chunks:
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                if "Content-Length" in headers:
                    sock.sendall(chunk)
                else:
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                break
            sent += 1
            time.sleep(0.01)
        sock.settimeout(30)  # an answer that never comes fails the test, it does not hang it
        while b"\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    return int(answer.split(b" ", 2)[1]), sent


def _body(megabytes: int) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="w.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nwork_id,title\r\n"
    ).encode()
    for _ in range(megabytes * 16):
        yield b"W1,x\n" * 13_107  # 64 KiB


def test_an_anonymous_upload_is_refused_before_its_body_is_read(
    server: tuple[str, str],
) -> None:
    base, _ = server
    status, sent = _raw_upload(base, {"Transfer-Encoding": "chunked"}, _body(50))
    assert status == 401 and sent < 50 * 16  # the server answered long before the end


def test_a_declared_length_over_the_limit_is_413_at_once(server: tuple[str, str]) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}", "Content-Length": str(3 << 30)}
    status, sent = _raw_upload(base, headers, _body(50))
    assert status == 413 and sent < 50 * 16


def test_a_body_that_streams_past_the_limit_is_stopped_with_413(server: tuple[str, str]) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}", "Transfer-Encoding": "chunked"}
    status, sent = _raw_upload(base, headers, _body(50))
    assert status == 413 and sent < 50 * 16
    ok = httpx.post(
        f"{base}/api/v1/imports?kind=works",
        headers={"authorization": f"Bearer {token}"},
        files={"file": ("w.csv", b"work_id,title\nW1,x\n", "text/csv")},
        timeout=60,
    )
    assert ok.status_code == 200 and ok.json()["committed"]  # a small upload still goes in
