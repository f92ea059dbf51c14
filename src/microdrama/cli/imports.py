"""`microdrama import`: load works, metrics, ratings or reviews from a file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from microdrama.cli.runtime import console, err_console, print_error, runtime
from microdrama.errors import MicrodramaError
from microdrama.ingest.schemas import ImportReport

SHOWN_ERRORS = 50


class Kind(StrEnum):
    """What an import file holds."""

    works = "works"
    metrics = "metrics"
    ratings = "ratings"
    reviews = "reviews"


def import_command(
    kind: Annotated[
        Kind, typer.Argument(help="What the file holds: works, metrics, ratings or reviews")
    ],
    file: Annotated[
        Path, typer.Argument(help="CSV, TSV, XLSX, JSON Lines or Parquet; UTF-8 or GBK")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report, write nothing")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the full report as JSON here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import a file; any invalid row rejects the whole file (exit code 1), nothing written.

    Example: microdrama import metrics 每日数据.csv --dry-run
    """
    from microdrama.ingest.service import import_file

    env = runtime()
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json,
        ) as progress:
            task = progress.add_task(f"{kind} {file.name}", total=None)

            def phase(name: str) -> None:
                progress.update(task, description=f"{name} {file.name}")

            with env.unit_of_work() as session:
                result = import_file(
                    session,
                    settings=env.settings,
                    kind=kind.value,
                    path=file,
                    dry_run=dry_run,
                    user=env.settings.user,
                    on_phase=phase,
                )
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    if report:
        report.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    if as_json:
        console.print_json(result.model_dump_json())
    else:
        show_report(result)
    if not result.ok:
        raise typer.Exit(1)


def show_report(result: ImportReport) -> None:
    """Print an import report for a person."""
    head = (
        f"{result.file}  ({result.format}, {result.encoding or 'binary'}, {result.rows_read} rows)"
    )
    console.print(head)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if not result.ok:
        table = Table(
            "row", "column", "value", "reason", title=f"{result.invalid_rows} invalid rows"
        )
        for error in result.errors[:SHOWN_ERRORS]:
            table.add_row(str(error.row or ""), error.column or "", error.value or "", error.reason)
        console.print(table)
        if len(result.errors) > SHOWN_ERRORS:
            console.print(f"… {len(result.errors) - SHOWN_ERRORS} more; use --report FILE for all")
        console.print("[red]rejected: nothing was imported[/red]")
        return
    if result.dry_run:
        console.print(f"[green]valid[/green]: {result.rows_read} rows would be imported (dry run)")
        return
    console.print(
        f"[green]imported[/green]: {result.inserted} new, {result.updated} updated"
        + (f", lake version {result.lake_version}" if result.lake_version is not None else "")
        + f" (import #{result.import_id})"
    )
    for what, names in result.created.items():
        shown = "、".join(names[:20]) + (f" … (+{len(names) - 20})" if len(names) > 20 else "")
        console.print(f"created {len(names)} {what}: {shown}")
