"""`microdrama db`: create or migrate the database."""

from __future__ import annotations

import typer

from microdrama.cli.runtime import console, runtime

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create the database or migrate it to the newest schema.

    Example: MICRODRAMA_DATABASE_URL=postgresql+psycopg://me@127.0.0.1/md microdrama db upgrade
    """
    env = runtime()
    console.print(f"database is current: {env.engine.url.render_as_string(hide_password=True)}")
