"""`microdrama script`: break down and pre-review scripts (.txt .docx .fountain .fdx)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from microdrama.cli.runtime import console, err_console, print_error
from microdrama.errors import MicrodramaError

app = typer.Typer(help="Script studio: breakdown and compliance pre-review.", no_args_is_help=True)

FileArg = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, help="Script (.txt .md .docx .fountain .fdx) or subtitles"
    ),
]


class BreakdownFormat(StrEnum):
    """Breakdown outputs."""

    json = "json"
    csv = "csv"
    html = "html"
    uss = "uss"


class ReviewFormat(StrEnum):
    """Review outputs."""

    json = "json"
    html = "html"


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    # A BOM lets Excel open the CSV files as UTF-8.
    out.write_text(text, encoding="utf-8-sig" if out.suffix == ".csv" else "utf-8")
    err_console.print(f"[green]wrote[/green] {out}")


def _analyse(  # type: ignore[no-untyped-def]
    file: Path, *, rules: Path | None = None, filing: object = None, lang: str | None = None
):
    from microdrama.script import service

    try:
        return service.analyse(
            file.read_bytes(),
            filename=file.name,
            rules=service.rules_from(rules),
            filing=filing,  # type: ignore[arg-type]
            lang=lang,
        )
    except (MicrodramaError, OSError) as exc:
        print_error(exc)
        raise typer.Exit(2) from exc


@app.command("breakdown")
def breakdown_command(
    file: FileArg,
    format: Annotated[BreakdownFormat, typer.Option("--format", "-f")] = BreakdownFormat.json,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en (default: the script's language)")
    ] = None,
) -> None:
    """Scenes, characters, locations, durations, hooks and a paywall suggestion.

    --format csv writes the scene list; with --out X.csv the character × episode matrix goes
    to X.characters.csv beside it.

    Example: microdrama script breakdown 剧本.docx --format html --out breakdown.html
    """
    from microdrama.script import service

    analysis = _analyse(file, lang=lang)
    chosen = lang or service.script_lang(analysis.script)
    gettext = service.translator(chosen).gettext
    html_lang = "zh-CN" if chosen.startswith("zh") else "en"
    _write(service.export_breakdown(analysis, format.value, gettext=gettext, lang=html_lang), out)
    if format is BreakdownFormat.csv and out is not None:
        matrix = out.with_name(out.stem + ".characters.csv")
        _write(service.export_breakdown(analysis, "characters.csv"), matrix)
    problems = analysis.script.problems
    if problems:
        err_console.print(f"[yellow]{len(problems)} line(s) not understood[/yellow]; see problems")


@app.command("review")
def review_command(
    file: FileArg,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules", exists=True, file_okay=False, help="Folder of YAML rule files to add"
        ),
    ] = None,
    format: Annotated[ReviewFormat, typer.Option("--format", "-f")] = ReviewFormat.json,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write")] = None,
    investment: Annotated[
        int | None, typer.Option("--investment", help="Investment in yuan (filing check)")
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="Filing tier: 重点/普通/其他 or key/ordinary/other")
    ] = None,
    filing_no: Annotated[str | None, typer.Option("--filing-no", help="Filing number")] = None,
    work: Annotated[
        str | None,
        typer.Option(
            "--work", help="Take tier, filing number and episodes from this catalogue work"
        ),
    ] = None,
) -> None:
    """Compliance pre-review; exit 0 without a "block" finding, 1 with one, 2 on bad input.

    Subtitle files (.srt, .vtt) are reviewed cue by cue.

    Example: microdrama script review 剧本.txt --rules my-rules/ --format html --out review.html
    """
    import json

    from microdrama.script import service
    from microdrama.script.compliance.filing import FilingData

    if service.is_subtitle(file.name):
        _review_subtitles(file, rules=rules, out=out)
        return

    episodes = None
    if work is not None:
        tier, filing_no, episodes = _catalogue_filing(work, tier=tier, filing_no=filing_no)
    filing = None
    if investment is not None or tier or filing_no or work:
        try:
            filing = FilingData(
                investment_yuan=investment,
                tier=tier,
                filing_number=filing_no,
                episode_count=episodes,
            )
        except (ValueError, MicrodramaError) as exc:
            print_error(f"filing data: {exc}")
            raise typer.Exit(2) from exc
    analysis = _analyse(file, rules=rules, filing=filing)
    if not analysis.script.episodes and not analysis.script.title and filing is None:
        # Nothing was read: "no findings" would pass a file that was never reviewed.
        why = "; ".join(p.message for p in analysis.script.problems[:1]) or "no script text found"
        print_error(f"{file.name}: nothing to review ({why})")
        raise typer.Exit(2)
    if format is ReviewFormat.json:
        _write(json.dumps(service.review_dict(analysis), ensure_ascii=False, indent=2), out)
    else:
        from microdrama.script.review_html import review_html

        chosen = service.script_lang(analysis.script)
        _write(
            review_html(
                analysis,
                gettext=service.translator(chosen).gettext,
                lang="zh-CN" if chosen == "zh" else "en",
            ),
            out,
        )
    counts = service.review_dict(analysis)["counts"]["severity"]
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"
    err_console.print(f"{analysis.name}: {summary}")
    if analysis.blocking:
        raise typer.Exit(1)


def _catalogue_filing(
    work_id: str, *, tier: str | None, filing_no: str | None
) -> tuple[str | None, str | None, int | None]:
    """Tier, filing number and episode count of a catalogue work (options given win)."""
    from microdrama.catalog.service import get_work
    from microdrama.cli.runtime import runtime
    from microdrama.errors import NotFoundError

    try:
        with runtime().unit_of_work(writer=False) as session:
            found = get_work(session, work_id=work_id)
    except NotFoundError:
        print_error(f"no work {work_id} in the catalogue")
        raise typer.Exit(2) from None
    return tier or found.investment_tier, filing_no or found.filing_no, found.episodes


def _review_subtitles(file: Path, *, rules: Path | None, out: Path | None) -> None:
    import json

    from microdrama.script import service
    from microdrama.script.compliance.engine import has_blocking

    try:
        findings = service.review_subtitles(file.read_bytes(), rules=service.rules_from(rules))
    except (MicrodramaError, OSError) as exc:
        print_error(exc)
        raise typer.Exit(2) from exc
    blocking = has_blocking(findings)
    body = {"file": file.name, "blocking": blocking, "findings": [f.to_dict() for f in findings]}
    _write(json.dumps(body, ensure_ascii=False, indent=2), out)
    err_console.print(f"{file.name}: {len(findings)} finding(s)")
    if blocking:
        raise typer.Exit(1)


@app.command("rules")
def rules_command(
    rules: Annotated[
        Path | None, typer.Option("--rules", exists=True, file_okay=False, help="Extra rules")
    ] = None,
) -> None:
    """List the rules in force: id, category, severity, citation."""
    from rich.table import Table

    from microdrama.script import service

    try:
        rule_set = service.rules_from(rules)
    except MicrodramaError as exc:
        print_error(exc)
        raise typer.Exit(2) from exc
    rows = [
        (rule.id, rule.category, rule.severity, rule.citation, Path(rule.file).name)
        for rule in rule_set.rules
    ]
    if not sys.stdout.isatty():
        # Piped into a file or grep: whole values, tab-separated, nothing cut to a width.
        for row in (("id", "category", "severity", "citation", "file"), *rows):
            print("\t".join(row))
        return
    table = Table("id", "category", "severity", "citation", "file")
    table.columns[0].no_wrap = True  # ids are typed into rule files: never cut them
    for row in rows:
        table.add_row(*row)
    console.print(table)
