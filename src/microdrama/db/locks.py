"""Named locks held until the end of a transaction, the same way on SQLite and PostgreSQL.

A writer of a shared resource (the lake's metrics table) updates its row in `locks`: the row
lock (PostgreSQL) or the database's write lock (SQLite) is held until the transaction commits
or rolls back, so the next holder waits, and a process that dies lets go with its connection.
"""

from __future__ import annotations

from sqlalchemy import String, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from microdrama.db.base import Base


class Lock(Base):
    """One named lock; its row exists once it has been taken."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)


def hold_lock(session: Session, *, name: str) -> None:
    """Take the lock `name` for the rest of this transaction (waiting for its holder)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    if session.scalar(select(Lock.name).where(Lock.name == name)) is None:
        session.execute(insert(Lock).values(name=name).on_conflict_do_nothing())
    # A real write: it waits for the holder and is held until the transaction ends.
    session.execute(update(Lock).where(Lock.name == name).values(name=name))


def hold_key_lock(session: Session, *, name: str) -> None:
    """Take a lock on any key (an address, a user name) for the rest of the transaction.

    PostgreSQL: a transaction-scoped advisory lock, which leaves no row behind. SQLite: the
    write lock that a writer's transaction (BEGIN IMMEDIATE) holds already serialises them.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
