"""Shared fixtures: settings on a fresh database per test, SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import microdrama.models  # noqa: F401  (every model mapped, as the app and the CLI have them)
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
POSTGRES_URL = os.environ.get(
    "MICRODRAMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _postgres_answers() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except OperationalError:
        return False


POSTGRES_UP = _postgres_answers()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not POSTGRES_UP:
        pytest.skip(f"PostgreSQL does not answer at {POSTGRES_URL}; start it to run these tests")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings with the data directory and lake in a temporary folder."""
    return Settings(data_dir=tmp_path / "var", database_url=database_url)


@pytest.fixture
def sessions(settings: Settings) -> Iterator[object]:
    """A session factory on the migrated test database."""
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(sessions: object) -> Iterator[Session]:
    """One unit of work that commits at the end of the test."""
    with unit_of_work(sessions) as active:  # type: ignore[arg-type]
        yield active


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for files tests keep for people to look at (screenshots, reports)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# One Playwright for the whole run: its sync API keeps an event loop in the main thread, and
# a second one started beside it refuses to run.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium; skipped with a message when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed: run `make system-deps` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()
