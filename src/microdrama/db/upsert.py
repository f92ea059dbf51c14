"""Dialect-aware bulk upsert (INSERT … ON CONFLICT) for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Session

T = TypeVar("T")
# Rows handed to the driver per call; bounds the memory of the parameter lists.
BATCH_ROWS = 10_000


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    *,
    keys: Iterable[str],
    update: Iterable[str],
) -> None:
    """Insert rows into the model's table; where the key exists, overwrite the `update` columns."""
    if not rows:
        return
    keys, update = list(keys), list(update)
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = insert(cast(Table, model.__table__))
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in update}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    # One compiled statement, executed many times: SQLAlchemy batches the rows per round trip.
    for chunk in chunked(rows, BATCH_ROWS):
        session.execute(statement, list(chunk))
