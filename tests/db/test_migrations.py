"""Migrations: head matches the models, and a failing step leaves nothing half-done."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from microdrama.db.migrate import alembic_config, is_current, upgrade
from microdrama.db.session import make_engine
from microdrama.models import Base


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_failed_sqlite_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0002")
    engine = make_engine(url)
    with engine.begin() as connection:  # a table in the way makes 0003's second step fail
        connection.execute(text("CREATE TABLE api_tokens (id INTEGER)"))
    with pytest.raises(Exception, match="api_tokens"):
        upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "users" not in tables  # 0003's first table was rolled back with the rest
