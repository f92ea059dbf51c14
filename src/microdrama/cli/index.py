"""`microdrama index`: compute, rank, explain; the Star Index from the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from microdrama.cli.runtime import console, err_console, runtime
from microdrama.errors import MicrodramaError

# Services are imported inside the commands: `microdrama --help` should not load SciPy.

app = typer.Typer(help="Star Index: compute, rank and explain.", no_args_is_help=True)

PeriodOpt = Annotated[str, typer.Option("--period", help="2025-11, 2025-W47, 2025-Q4, 2025 or all")]


class Format(StrEnum):
    """Output formats of the ranking."""

    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: MicrodramaError) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


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
    from microdrama.index.service import compute_index, latest_run, publish_run

    env = runtime()
    try:
        with env.unit_of_work() as session:
            if if_missing:
                try:
                    run = latest_run(session, period=rankings.period_name(period))
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
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    console.print(
        f"run #{read.id}: {read.period} ({read.period_start} – {read.period_end}), "
        f"{read.works_ranked} works ranked ({read.works_data_only} data-only), "
        f"method {read.method_version}, lake version {read.lake_version}, {read.seconds:.1f} s"
    )
    console.print(
        f"parameters {read.parameter_hash[:12]} · inputs {read.inputs_hash[:12]} · "
        f"rank stability (Kendall tau, ±20% weights) "
        f"{read.stability.get('kendall_tau_mean', 1.0):.3f}"
    )
    if read.simulated:
        console.print("模拟数据 · Simulated data")


@app.command("publish")
def publish_command(period: PeriodOpt) -> None:
    """Publish the newest run of a period so that viewers and the public can read it.

    Example: microdrama index publish --period 2025-11
    """
    from microdrama.index import ranking as rankings
    from microdrama.index.service import latest_run, publish_run

    env = runtime()
    try:
        with env.unit_of_work() as session:
            run = latest_run(session, period=rankings.period_name(period))
            publish_run(session, run_id=run.id, actor=env.settings.user)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    console.print(f"published run #{run.id} ({run.period})")


@app.command()
def rank(
    period: PeriodOpt,
    genre: Annotated[str | None, typer.Option(help="Genre key, e.g. sweet_romance")] = None,
    platform: Annotated[str | None, typer.Option(help="Platform name, e.g. 红果短剧")] = None,
    city: Annotated[str | None, typer.Option(help="City, e.g. 西安")] = None,
    company: Annotated[str | None, typer.Option(help="Company name or credit code")] = None,
    model: Annotated[str | None, typer.Option(help="IAP, IAA or hybrid")] = None,
    top: Annotated[int | None, typer.Option(min=1, help="Show the first N")] = None,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
) -> None:
    """Show the ranking of a period with intervals and tiers.

    Example: microdrama index rank --period 2025-11 --city 西安 --top 20 --format csv
    """
    from microdrama.index import ranking as rankings

    env = runtime()
    where = rankings.RankingFilter(
        genre=genre, platform=platform, city=city, company=company, model=model
    )
    try:
        with env.unit_of_work() as session:
            page = rankings.ranking(session, period=period, where=where, top=top)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    rows = [row.model_dump() for row in page.rows]
    if output == Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if output == Format.csv:
        buffer = io.StringIO()
        fields = list(rows[0]) if rows else ["rank", "work_id", "title", "score"]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
        return
    table = Table(
        "rank",
        "90% range",
        "work",
        "title",
        "score",
        "90% interval",
        "tier",
        "integrity",
        "expert",
        title=f"Star Index {page.run.period} · {page.total} works"
        + (" · 模拟数据 Simulated data" if page.run.simulated else ""),
    )
    for row in page.rows:
        table.add_row(
            str(row.rank),
            f"{row.rank_low}–{row.rank_high}",
            row.work_id,
            row.title,
            f"{row.score:.1f}",
            f"{row.score_low:.1f}–{row.score_high:.1f}",
            row.tier,
            f"{row.integrity:.2f}",
            "data-only" if row.data_only else f"{row.expert:.0f}",
        )
    console.print(table)


@app.command()
def explain(
    work_id: Annotated[str, typer.Argument(help="The work's id, e.g. W000123")],
    period: PeriodOpt,
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Take a work's score apart: dimensions, weights, contributions, flags, experts, change.

    Example: microdrama index explain W000123 --period 2025-11 --format json
    """
    from microdrama.index import ranking as rankings

    env = runtime()
    try:
        with env.unit_of_work() as session:
            detail = rankings.explanation(session, work_id=work_id, period=period)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    if output == Format.json:
        typer.echo(json.dumps(detail, ensure_ascii=False, indent=1, default=_default))
        return
    _print_explanation(detail)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _print_explanation(detail: dict[str, Any]) -> None:
    console.print(
        f"[bold]{detail['work_id']} {detail['title']}[/bold] · {detail['period']}"
        + (" · 模拟数据 Simulated data" if detail.get("simulated") else "")
    )
    if not detail.get("eligible"):
        console.print(f"not ranked: {detail.get('ineligible_reason')}")
        return
    low, high = detail["score_interval"]
    rank_low, rank_high = detail["rank_interval"]
    console.print(
        f"rank {detail['rank']} (90%: {rank_low}–{rank_high}) · score "
        f"{detail['score']:.1f} (90%: {low:.1f}–{high:.1f}) · tier {detail['tier']} · "
        f"integrity {detail['integrity']:.2f}"
        + (" · data-only (no eligible expert panel)" if detail.get("data_only") else "")
    )
    table = Table(
        "dimension",
        "score (cohort percentile)",
        "weight",
        "contribution",
        title=f"cohort {detail.get('cohort')}",
    )
    for name, part in detail["dimensions"].items():
        score = "unknown" if part["score"] is None else f"{part['score']:.1f}"
        table.add_row(name, score, f"{part['weight']:.3f}", f"{part['contribution']:.2f}")
    console.print(table)
    console.print(
        "raw: " + ", ".join(f"{k}={_short(v)}" for k, v in detail["raw"].items() if v is not None)
    )
    experts = detail["experts"]
    if experts.get("reviews"):
        console.print(
            f"experts: {experts['reviews']} reviews, corrected {_short(experts['corrected_score'])}"
            f", spread {_short(experts['spread'])}"
            + (" · experts disagree strongly" if experts.get("disagreement") else "")
        )
    for flag in detail["flags"]:
        console.print(f"[yellow]flag[/yellow] {flag['date']} {flag['platform']}: {flag['reason']}")
    change = detail.get("change")
    if change:
        drivers = ", ".join(
            f"{d['dimension']} {d['contribution_change']:+.2f}" for d in change["drivers"]
        )
        console.print(
            f"since {change['previous_rank'] and 'rank ' + str(change['previous_rank'])}"
            f": {change['rank_change']:+d} places; drivers: {drivers}"
            if change["rank_change"] is not None
            else "no previous rank"
        )


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


@app.command()
def experts(period: PeriodOpt) -> None:
    """Per-expert leniency, reviews and fit, and the reliability of each dimension.

    Example: microdrama index experts --period 2025-11
    """
    from microdrama.index import ranking as rankings

    env = runtime()
    try:
        with env.unit_of_work() as session:
            read = rankings.expert_estimates(session, period=period)
    except MicrodramaError as exc:
        raise _fail(exc) from exc
    table = Table(
        "expert",
        "reviews",
        "leniency",
        "rmse",
        "infit",
        title=f"expert panel {read.run.period} (+ = lenient, score points)",
    )
    for row in read.experts:
        table.add_row(
            row.expert_id,
            str(row.reviews),
            f"{row.leniency:+.2f}",
            _short(row.rmse),
            _short(row.infit),
        )
    console.print(table)
    reliability = Table("dimension", "Krippendorff alpha", "works", "experts", title="reliability")
    for item in read.reliability:
        reliability.add_row(
            str(item.get("dimension")),
            _short(item.get("alpha")),
            str(item.get("works")),
            str(item.get("experts")),
        )
    console.print(reliability)
