"""`microdrama report`: build insight reports (HTML, PDF and the data behind them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from microdrama.cli.runtime import console, print_error, runtime
from microdrama.errors import MicrodramaError

app = typer.Typer(help="Industry insight reports: HTML, PDF and data.", no_args_is_help=True)


@app.command()
def build(
    period: Annotated[str, typer.Option("--period", help="2025-11, 2025-Q4, 2025 or all")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    scope: Annotated[
        str, typer.Option("--scope", help="all, city:西安, genre:甜宠 or company:ID")
    ] = "all",
    compute_missing: Annotated[
        bool,
        typer.Option(
            "--compute-missing/--no-compute",
            help="Compute the index of the period (and the one before) when it is missing",
        ),
    ] = True,
) -> None:
    """Write report.html, report.pdf, data/*.csv and manifest.json into --out.

    Example: microdrama report build --period 2025-11 --lang en --scope city:西安 --out out/
    """
    from microdrama.reports.builder import build_report

    env = runtime()
    try:
        with env.unit_of_work(writer=False) as session:
            built = build_report(
                session,
                settings=env.settings,
                period=period,
                lang=lang,
                scope=scope,
                out=out,
                compute_missing=compute_missing,
            )
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    for number, finding in enumerate(built.findings, start=1):
        console.print(f"{number}. {finding}")
    console.print(f"[green]wrote[/green] {built.html}, {built.pdf} and {built.data}/ ")
    console.print(f"content {built.content_hash[:16]} · {built.seconds:.1f} s")
