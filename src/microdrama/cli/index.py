"""`microdrama index`: compute, rank, explain; the Star Index from the command line."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Column, Table

from microdrama.cli import index_output as out
from microdrama.cli.runtime import console, err_console, print_error, runtime
from microdrama.errors import FilterError, MicrodramaError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from microdrama.index.schemas import IndexRunRead, RankingPage

# Services are imported inside the commands: `microdrama --help` should not load SciPy.

app = typer.Typer(help="Star Index: compute, rank and explain.", no_args_is_help=True)

PERIOD_HELP = "2025-11, 2025-W47, 2025-Q4, 2025 or all"
PeriodOpt = Annotated[str, typer.Option("--period", help=PERIOD_HELP)]
ReadPeriodOpt = Annotated[str | None, typer.Option("--period", help=PERIOD_HELP)]
RunOpt = Annotated[
    int | None,
    typer.Option(
        "--run",
        min=1,
        help="Read this run (ids: `index rank` says which others exist); by default the "
        "period's newest published run, else its newest",
    ),
]
# What every exported row of `rank` says about the run it comes from.
RUN_FIELDS = ["run_id", "period", "data_from", "data_to", "as_of", "method_version"]


class Format(StrEnum):
    """Output formats of the ranking."""

    table = "table"
    csv = "csv"
    json = "json"


class ExplainFormat(StrEnum):
    """Output formats of an explanation."""

    table = "table"
    json = "json"


def _fail(exc: MicrodramaError, code: int = 1) -> typer.Exit:
    print_error(exc)
    return typer.Exit(code)


def _period_or_run(period: str | None, run: int | None) -> None:
    if period is None and run is None:
        raise typer.BadParameter("give --period, --run or both", param_hint="--period")


@app.command()
def compute(
    period: PeriodOpt,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Use data up to this day"),
    ] = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when the period has a run already")
    ] = False,
    publish: Annotated[
        bool, typer.Option("--publish", help="Publish the run: viewers and the public see it")
    ] = False,
) -> None:
    """Compute the index for a period and store it as a run (deterministic).

    Example: microdrama index compute --period 2025-11
    """
    from microdrama.index import ranking as rankings
    from microdrama.index.method.periods import period_name
    from microdrama.index.service import compute_index, latest_run, publish_run

    env = runtime()
    try:
        with env.unit_of_work(writer=False) as session:
            if if_missing:
                try:
                    run = latest_run(session, period=period_name(period))
                    console.print(f"period {run.period} already has run #{run.id}; not recomputed")
                    return
                except MicrodramaError:
                    pass
            with console.status(f"computing the index for {period} …"):
                read = compute_index(
                    session,
                    settings=env.settings,
                    period=period,
                    as_of=as_of.date() if as_of else None,
                )
                if publish:
                    read = publish_run(session, run_id=read.id, actor=env.settings.user)
            missing = rankings.not_ranked(session, run_id=read.id)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    console.print(
        f"run #{read.id}: {read.period} ({out.window(read)}), "
        f"{out.works(read.works_ranked)} ranked ({read.works_data_only} data-only), "
        f"method {read.method_version}, lake version {read.lake_version}, {read.seconds:.1f} s"
    )
    if missing:
        console.print(out.not_ranked_line(missing, read.period, run_id=read.id))
    if read.review_counts is not None:
        console.print(out.reviews_line(read.review_counts, read))
    console.print(
        f"parameters {read.parameter_hash[:12]} · inputs {read.inputs_hash[:12]} · "
        f"rank stability (Kendall tau, ±20% weights) "
        f"{read.stability.get('kendall_tau_mean', 1.0):.3f}"
    )
    if read.simulated:
        console.print("模拟数据 · Simulated data")


def _runs_note(session: Session, run: IndexRunRead, *, picked: bool) -> str | None:
    """Which run is shown and which others the period has, when it has others."""
    from microdrama.index.service import other_runs

    others = other_runs(session, period=run.period, except_id=run.id)
    if not others:
        return None
    listed = ", ".join(
        f"#{o.id} ({'published' if o.published else 'draft'}, {out.window(o)})" for o in others[:5]
    ) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
    if picked:
        return f"{run.period} also has run {listed}"
    why = "newest published run" if run.published else "newest run (none is published)"
    return (
        f"showing run #{run.id}, the {why} of {run.period}; it also has run {listed}: "
        "pick one with --run ID"
    )


@app.command("publish")
def publish_command(period: PeriodOpt) -> None:
    """Publish the newest run of a period so that viewers and the public can read it.

    Example: microdrama index publish --period 2025-11
    """
    from microdrama.index.method.periods import period_name
    from microdrama.index.service import latest_run, publish_run

    env = runtime()
    try:
        with env.unit_of_work() as session:
            run = latest_run(session, period=period_name(period))
            publish_run(session, run_id=run.id, actor=env.settings.user)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    console.print(f"published run #{run.id} ({run.period})")


@app.command()
def rank(
    period: ReadPeriodOpt = None,
    run: RunOpt = None,
    genre: Annotated[
        str | None, typer.Option(help="Genre key or label, e.g. sweet_romance, 甜宠, Sweet romance")
    ] = None,
    platform: Annotated[str | None, typer.Option(help="Platform name, e.g. 红果短剧")] = None,
    city: Annotated[
        str | None, typer.Option(help="City in Chinese or English, e.g. 西安, Xi'an")
    ] = None,
    company: Annotated[
        str | None, typer.Option(help="Company id, credit code or part of its name")
    ] = None,
    model: Annotated[str | None, typer.Option(help="IAP, IAA or hybrid")] = None,
    top: Annotated[int | None, typer.Option(min=1, help="Show the first N")] = None,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
    include_ineligible: Annotated[
        bool,
        typer.Option(
            "--include-ineligible",
            help="Also list the works not ranked, with why (csv and json: rows without a rank)",
        ),
    ] = False,
) -> None:
    """Show the ranking of a period with intervals and tiers.

    Example: microdrama index rank --period 2025-11 --city 西安 --top 20 --format csv
    """
    from microdrama.catalog import filters
    from microdrama.index import ranking as rankings
    from microdrama.index.service import RunSelector

    _period_or_run(period, run)
    env = runtime()
    where = filters.WorkFilter(
        genre=genre, platform=platform, city=city, company=company, model=model
    )
    try:
        with env.unit_of_work(writer=False) as session:
            where = filters.resolve(session, where)
            page = rankings.ranking(
                session,
                run=RunSelector(period=period, run_id=run, prefer_published=True),
                where=where,
                top=top,
            )
            missing = rankings.not_ranked(session, run_id=page.run.id, where=where)
            note = _runs_note(session, page.run, picked=run is not None)
    except FilterError as exc:
        raise _fail(exc, code=2) from exc
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    # What follows the ranking: why it is empty, and which works it leaves out.
    footer = []
    if page.total == 0:
        matching = f" matching {where.describe()}" if where.describe() else ""
        footer.append(f"no ranked work in run #{page.run.id} ({page.run.period}){matching}")
    if missing and not (include_ineligible and output != Format.table):
        footer.append(
            out.not_ranked_line(
                missing, page.run.period, run_id=page.run.id, listed=include_ineligible
            )
        )
    if output != Format.table:
        _export(page, missing if include_ineligible else [], output)
        for line in ([note] if note else []) + footer:
            err_console.print(line, soft_wrap=True, markup=False)
        return
    console.print(
        f"[bold]Star Index {page.run.period}[/bold] · {out.run_title(page.run)} · "
        f"{out.works(page.total)} ranked"
    )
    if note:
        console.print(note, markup=False)
    if page.rows:
        out.print_ranking(page)
    for line in footer:
        console.print(line, markup=False)
    if include_ineligible and missing:
        table = Table(
            Column("work", no_wrap=True), "title", "why not ranked", box=None, pad_edge=False
        )
        for row in missing:
            table.add_row(row["work_id"], row["title"], row["ineligible_reason"])
        console.print(table)


def _export(page: RankingPage, missing: list[dict[str, Any]], output: Format) -> None:
    """The rows as JSON or CSV, each with the run it comes from."""
    from microdrama.index.schemas import RankingRow
    from microdrama.spreadsheets import csv_text

    run = page.run
    about = dict(
        zip(
            RUN_FIELDS,
            (run.id, run.period, run.period_start, run.period_end, run.as_of, run.method_version),
            strict=True,
        )
    )
    fields = [*RankingRow.model_fields, "eligible", "ineligible_reason", *RUN_FIELDS]
    ranked = [{**row.model_dump(), "eligible": True, **about} for row in page.rows]
    rows = [
        {name: row.get(name) for name in fields}
        for row in ranked + [{**row, **about} for row in missing]
    ]
    if output == Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=_default))
    else:
        typer.echo(csv_text(rows, fields), nl=False)


@app.command()
def explain(
    work_id: Annotated[str, typer.Argument(help="The work's id, e.g. W000123")],
    period: ReadPeriodOpt = None,
    run: RunOpt = None,
    output: Annotated[
        ExplainFormat, typer.Option("--format", help="table or json")
    ] = ExplainFormat.table,
) -> None:
    """Take a work's score apart: dimensions, weights, contributions, flags, experts, change.

    Example: microdrama index explain W000123 --period 2025-11 --format json
    """
    from microdrama.index import ranking as rankings
    from microdrama.index.schemas import IndexRunRead
    from microdrama.index.service import RunSelector, chosen_run

    _period_or_run(period, run)
    env = runtime()
    try:
        with env.unit_of_work(writer=False) as session:
            detail = rankings.explanation(
                session,
                work_id=work_id,
                run=RunSelector(period=period, run_id=run, prefer_published=True),
            )
            shown = IndexRunRead.model_validate(
                chosen_run(session, RunSelector(run_id=detail["run_id"]))
            )
            note = _runs_note(session, shown, picked=run is not None)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    if output == ExplainFormat.json:
        typer.echo(json.dumps(detail, ensure_ascii=False, indent=1, default=_default))
        if note:
            err_console.print(note, soft_wrap=True, markup=False)
        return
    out.print_explanation(detail, shown, note)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@app.command()
def experts(period: ReadPeriodOpt = None, run: RunOpt = None) -> None:
    """Per-expert leniency, reviews and fit, and the reliability of each dimension.

    Example: microdrama index experts --period 2025-11
    """
    from microdrama.index import ranking as rankings
    from microdrama.index.service import RunSelector

    _period_or_run(period, run)
    env = runtime()
    try:
        with env.unit_of_work(writer=False) as session:
            read = rankings.expert_estimates(
                session, run=RunSelector(period=period, run_id=run, prefer_published=True)
            )
            note = _runs_note(session, read.run, picked=run is not None)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    console.print(f"[bold]expert panel {read.run.period}[/bold] · {out.run_title(read.run)}")
    if note:
        console.print(note, markup=False)
    if not any(row.reviews for row in read.experts):
        console.print("no expert reviews in this period: every score is data-only")
        return
    table = Table(
        "expert",
        "reviews",
        "leniency",
        "scale",
        "rmse",
        "infit",
        "favours (reviews left out)",
        title="leniency + = lenient, in score points; scale < 1: a narrow range of scores",
    )
    for row in read.experts:
        favours = ""
        if row.favoured_company and row.favour_points is not None:
            favours = (
                f"{row.favoured_company} {out.signed(row.favour_points)} ({row.favoured_reviews})"
            )
        table.add_row(
            row.expert_id,
            str(row.reviews),
            out.signed(row.leniency),
            out.short(row.scale),
            out.short(row.rmse),
            out.short(row.infit),
            favours,
        )
    console.print(table)
    reliability = Table("dimension", "Krippendorff alpha", "works", "experts", title="reliability")
    for item in read.reliability:
        reliability.add_row(
            str(item.get("dimension")),
            out.short(item.get("alpha")),
            str(item.get("works")),
            str(item.get("experts")),
        )
    console.print(reliability)
