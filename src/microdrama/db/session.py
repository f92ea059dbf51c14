"""Engines, sessions and the unit of work that owns commit and rollback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from microdrama.errors import ConfigurationError


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError for malformed URLs
        raise ConfigurationError(f"MICRODRAMA_DATABASE_URL is not a database URL: {url}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions: the driver would commit before every
    # CREATE or ALTER, so a failed migration would leave a half-changed database behind.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The execution option that marks a unit of work as a writer (see `writer_session`).
WRITER = "microdrama_writer"


def _sqlite_begin(connection: Any) -> None:
    # SQLite has one writer at a time. A deferred transaction that reads, then writes after
    # another writer committed, fails at once ("database is locked", whatever the timeout);
    # a writer that begins IMMEDIATE takes the write lock first and waits its turn instead.
    immediate = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine; objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def writer_session(session: Session) -> Session:
    """Mark a fresh session as a writer: on SQLite its transaction begins IMMEDIATE, waiting
    for the write lock up front rather than failing when it first writes (PostgreSQL: no-op)."""
    session.connection(execution_options={WRITER: True})
    return session


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, writer: bool = False) -> Iterator[Session]:
    """Yield a session that commits when the block succeeds and rolls back when it raises.

    A `writer` unit of work takes SQLite's write lock when it begins (`writer_session`).
    """
    session = factory()
    if writer:
        writer_session(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
