"""`microdrama demo`: generate and load the simulated demo data set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from microdrama.catalog.vocab import SIMULATED_NOTICE
from microdrama.cli.imports import show_report
from microdrama.cli.runtime import console, err_console, runtime
from microdrama.ingest.columns import IMPORT_KINDS

app = typer.Typer(help=f"Simulated demo data ({SIMULATED_NOTICE}).", no_args_is_help=True)

WorksOpt = Annotated[int, typer.Option("--works", min=10, help="Number of works")]
DaysOpt = Annotated[int, typer.Option("--days", min=14, help="Days of metrics, ending 2025-11-30")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed; same seed, same data")]


@app.command()
def generate(
    works: WorksOpt = 12_000,
    days: DaysOpt = 180,
    seed: SeedOpt = 20251101,
    out: Annotated[Path, typer.Option("--out", help="Folder for the files")] = Path("demo-data"),
) -> None:
    """Write works, metrics, ratings and reviews CSV files and the simulator's ground truth.

    Example: microdrama demo generate --works 2000 --days 90 --seed 7 --out demo-data
    """
    from microdrama.demo.service import generate as generate_files
    from microdrama.demo.simulator import SimulationConfig

    with _progress() as progress:
        task = progress.add_task("simulating", total=1)
        paths = generate_files(config=SimulationConfig(works=works, days=days, seed=seed), out=out)
        progress.update(task, advance=1)
    for name, path in paths.items():
        console.print(f"{name:>14}: {path}")
    console.print(SIMULATED_NOTICE)


@app.command()
def load(
    works: WorksOpt = 12_000,
    days: DaysOpt = 180,
    seed: SeedOpt = 20251101,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the catalogue already has works")
    ] = False,
) -> None:
    """Simulate the demo data set and import it into the database and the lake.

    Example: microdrama demo load --works 12000 --days 180 --if-empty
    """
    from microdrama.catalog.service import count_works
    from microdrama.demo.service import generate as generate_files
    from microdrama.demo.service import import_demo_file
    from microdrama.demo.simulator import SimulationConfig

    env = runtime()
    with env.unit_of_work() as session:
        existing = count_works(session)
    if if_empty and existing:
        console.print(f"the catalogue already holds {existing} works; demo data not loaded again")
        return
    out = env.settings.data_dir / "demo"
    with _progress() as progress:
        task = progress.add_task("simulating", total=1 + len(IMPORT_KINDS))
        paths = generate_files(config=SimulationConfig(works=works, days=days, seed=seed), out=out)
        for kind in IMPORT_KINDS:
            progress.update(task, advance=1, description=f"importing {kind}")
            with env.unit_of_work() as session:
                report = import_demo_file(
                    session, settings=env.settings, kind=kind, path=paths[kind]
                )
            if not report.ok:
                show_report(report)
                raise typer.Exit(1)
        progress.update(task, advance=1, description="done")
    console.print(f"loaded {works} simulated works × {days} days into {env.settings.data_dir}")
    console.print(SIMULATED_NOTICE)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
    )
