"""What every command needs: settings, a migrated database and a unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from microdrama.config import Settings

console = Console()
err_console = Console(stderr=True)


def print_error(message: object) -> None:
    """`error: …` on stderr, unwrapped (paths stay whole) and with no markup read into it."""
    from rich.markup import escape

    err_console.print(f"[red]error:[/red] {escape(str(message))}", soft_wrap=True)


@dataclass
class Runtime:
    """Settings, engine and session factory of one command invocation."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def unit_of_work(self, *, writer: bool = True) -> Iterator[Session]:
        """A session that commits on success; a writer waits its turn for SQLite's write lock
        from the start (a command that computes for long before it writes passes False)."""
        from microdrama.db.session import unit_of_work

        with unit_of_work(self.sessions, writer=writer) as session:
            yield session


@cache
def runtime() -> Runtime:
    """Build the runtime once per process, migrating the database on first use."""
    # Every model must be mapped before the first flush, whichever command runs.
    import microdrama.models  # noqa: F401
    from microdrama.config import get_settings
    from microdrama.db.migrate import upgrade
    from microdrama.db.session import make_engine, make_session_factory

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))
