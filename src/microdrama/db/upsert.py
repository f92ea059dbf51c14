"""Dialect-aware bulk upsert (INSERT … ON CONFLICT) for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

T = TypeVar("T")
# Keeps every statement under SQLite's and PostgreSQL's bound-parameter limits.
MAX_PARAMETERS = 30_000


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Iterable[str],
    update: Iterable[str],
) -> None:
    """Insert rows; where the key exists, overwrite the `update` columns (or keep the row)."""
    if not rows:
        return
    keys, update = list(keys), list(update)
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    size = max(1, MAX_PARAMETERS // max(1, len(rows[0])))
    for chunk in chunked(rows, size):
        statement = insert(table).values(list(chunk))
        if update:
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={c: statement.excluded[c] for c in update}
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        session.execute(statement)
