"""The `microdrama` command line: one Typer sub-app per domain; commands only call services."""

from __future__ import annotations

import typer

from microdrama.cli import db, demo, imports, index, reports, scripts, serve, users

app = typer.Typer(
    name="microdrama",
    help="microdrama: catalogue, Star Index, reports and script studio for micro-short dramas.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(index.app, name="index")
app.add_typer(reports.app, name="report")
app.add_typer(scripts.app, name="script")
app.add_typer(users.app, name="users")
app.command("import")(imports.import_command)
app.command("serve")(serve.serve)
