"""The request's unit of work commits before the response leaves, so a redirect sees the write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import pytest
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from microdrama.web.deps import SessionDep


def _app(tmp_path: Path) -> tuple[FastAPI, sessionmaker[Any]]:
    engine = create_engine(f"sqlite:///{tmp_path / 'uow.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
    app = FastAPI()
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)

    @app.post("/notes")
    def add(session: SessionDep) -> RedirectResponse:
        session.execute(text("INSERT INTO notes VALUES ('saved')"))
        return RedirectResponse("/notes", status_code=303)

    @app.post("/fails")
    def fail(session: SessionDep) -> None:
        session.execute(text("INSERT INTO notes VALUES ('lost')"))
        raise ValueError("the route failed")

    return app, app.state.sessions


def _post(app: FastAPI, path: str, on_start: Any) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            on_start(message)

    # A portal runs the app on its own loop in its own thread: Playwright's sync API
    # leaves a loop running in this thread when the browser tests ran first.
    with anyio.from_thread.start_blocking_portal() as portal:
        portal.call(app, scope, receive, send)


def test_the_write_is_committed_when_the_response_starts(tmp_path: Path) -> None:
    app, sessions = _app(tmp_path)
    seen: list[list[str]] = []

    def look(message: dict[str, Any]) -> None:
        assert message["status"] == 303
        with sessions() as other:
            seen.append(list(other.execute(text("SELECT body FROM notes")).scalars()))

    _post(app, "/notes", look)
    assert seen == [["saved"]]


def test_a_failing_route_writes_nothing(tmp_path: Path) -> None:
    app, sessions = _app(tmp_path)
    with pytest.raises(ValueError, match="the route failed"):
        _post(app, "/fails", lambda message: None)
    with sessions() as other:
        assert list(other.execute(text("SELECT body FROM notes")).scalars()) == []
