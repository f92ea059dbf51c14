"""`microdrama db`: create or migrate the database, write a migration for changed models."""

from __future__ import annotations

import typer

from microdrama.cli.runtime import console, runtime

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create the database or migrate it to the newest schema, and clean up after a crash.

    Example: MICRODRAMA_DATABASE_URL=postgresql+psycopg://me@127.0.0.1/md microdrama db upgrade
    """
    from microdrama.ingest.service import recover

    env = runtime()
    console.print(f"database is current: {env.engine.url.render_as_string(hide_password=True)}")
    with env.unit_of_work() as session:
        found = recover(session, settings=env.settings)
    if found.undone_versions:
        console.print(
            f"undid lake versions {found.undone_versions}: an import that never committed"
        )
    if found.removed_folders:
        console.print(f"removed {len(found.removed_folders)} abandoned staging folders")


@app.command()
def revision(
    message: str = typer.Option(..., "-m", "--message", help="What the migration changes"),
) -> None:
    """Write a migration from the models' changes (after adding or changing a domain's models).

    Example: microdrama db revision -m "scene bank: bases, sets, bookings"
    """
    from microdrama.db.migrate import write_revision
    from microdrama.models import Base

    env = runtime()
    path = write_revision(env.engine, message=message, metadata=Base.metadata)
    console.print(f"wrote {path}; read it, then run: microdrama db upgrade")
