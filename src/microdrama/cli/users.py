"""`microdrama users`: create users and API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from microdrama.cli.runtime import console, print_error, runtime
from microdrama.errors import MicrodramaError

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="User name to sign in with")],
    role: Annotated[str, typer.Option(help="admin, analyst, expert, producer or viewer")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    display_name: Annotated[str | None, typer.Option(help="Name shown on pages")] = None,
    company: Annotated[
        str | None,
        typer.Option(help="Company (name or credit code): a producer's own, an expert's conflict"),
    ] = None,
) -> None:
    """Create a user; the password comes from a prompt or standard input.

    Example: echo 's3cret-pass' | microdrama users create wang --role admin --password-stdin
    """
    from microdrama.accounts.service import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    from microdrama.catalog.service import find_company

    env = runtime()
    try:
        with env.unit_of_work() as session:
            company_id = find_company(session, value=company).id if company else None
            user = create_user(
                session,
                username=name,
                role_key=role,
                password=password,
                display_name=display_name,
                company_id=company_id,
                actor=env.settings.user,
            )
            console.print(f"created {user.username} ({user.role})")
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc


@app.command("list")
def list_users() -> None:
    """List users and their roles.

    Example: microdrama users list
    """
    from microdrama.accounts.service import users

    env = runtime()
    with env.unit_of_work(writer=False) as session:
        table = Table("user", "role", "active", "display name")
        for user in users(session):
            table.add_row(
                user.username, user.role, "yes" if user.active else "no", user.display_name or ""
            )
    console.print(table)


@app.command()
def token(
    name: Annotated[str, typer.Argument(help="The user the token acts for")],
    label: Annotated[str, typer.Option(help="What the token is for")] = "cli",
) -> None:
    """Create an API token (shown once) for `Authorization: Bearer …` requests.

    Example: microdrama users token wang --label nightly-import
    """
    from microdrama.accounts.service import create_token, user_named

    env = runtime()
    try:
        with env.unit_of_work() as session:
            user = user_named(session, username=name)
            typer.echo(create_token(session, user=user, name=label))
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc


@app.command()
def tokens(name: Annotated[str, typer.Argument(help="Whose tokens")]) -> None:
    """List a user's API tokens (never the tokens themselves).

    Example: microdrama users tokens wang
    """
    from microdrama.accounts.service import tokens_of, user_named

    env = runtime()
    try:
        with env.unit_of_work(writer=False) as session:
            table = Table("id", "name", "created", "last used", "status")
            for item in tokens_of(session, user=user_named(session, username=name)):
                table.add_row(
                    str(item.id),
                    item.name,
                    f"{item.created_at:%Y-%m-%d %H:%M}",
                    f"{item.last_used_at:%Y-%m-%d %H:%M}" if item.last_used_at else "—",
                    "revoked" if item.revoked else "active",
                )
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    console.print(table)


@app.command("revoke-token")
def revoke_token(
    token_id: Annotated[int, typer.Argument(help="The token's id (users tokens)")],
) -> None:
    """Revoke an API token: it stops working at once.

    Example: microdrama users revoke-token 12
    """
    from microdrama.accounts.service import revoke_token as revoke

    env = runtime()
    try:
        with env.unit_of_work() as session:
            # The command line's operator, recorded under MICRODRAMA_USER, may revoke any.
            token = revoke(session, token_id=token_id, actor=env.settings.user)
            console.print(f"revoked token {token.id} ({token.name})")
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
