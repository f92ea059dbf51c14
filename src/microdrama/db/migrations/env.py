"""Alembic environment: runs migrations on the connection microdrama hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

config = context.config
# Handed over by whoever compares or autogenerates (db.migrate.alembic_config); running the
# migrations needs none, so this kit imports no domain's models.
target_metadata = config.attributes.get("target_metadata")


def run_migrations_online() -> None:
    """Migrate over the caller's connection, or over a fresh engine for the URL in the config."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as fresh:
        _migrate(fresh)


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
