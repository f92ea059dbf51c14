"""Create or migrate the relational database to the newest schema with Alembic.

The migrations know every domain's tables, but this kit imports no domain: whoever compares
the schema with the models or writes a new revision hands their metadata over
(`microdrama.models.Base.metadata`, gathered at the top of the package).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, *, metadata: MetaData | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at the models)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    config.attributes["target_metadata"] = metadata
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (a no-op when it is already there)."""
    if is_current(engine):
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head


def write_revision(engine: Engine, *, message: str, metadata: MetaData) -> Path:
    """Write a new migration that takes a current database to the models; returns its file."""
    if not is_current(engine):
        upgrade(engine)
    config = alembic_config(metadata=metadata)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(config, message=message, autogenerate=True)
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic wrote no single revision")
    return Path(script.path)
