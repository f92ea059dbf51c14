"""Build a report: named queries → findings → sections → data/*.csv, report.html, report.pdf."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog.models import ImportRecord
from microdrama.catalog.service import is_simulated, metrics_snapshot
from microdrama.catalog.vocab import SIMULATED_NOTICE
from microdrama.config import Settings
from microdrama.errors import MicrodramaError, ReportError
from microdrama.i18n import Translator
from microdrama.index.method.periods import parse_period, period_name
from microdrama.index.models import IndexRun
from microdrama.index.service import compute_index
from microdrama.lake import metrics as lake
from microdrama.reports import loaders
from microdrama.reports.content import fmt, sections
from microdrama.reports.content.appendix import appendix, coverage_notes, scope_note
from microdrama.reports.content.charts import SHORT_NUMBERS, to_echarts, to_svg
from microdrama.reports.content.findings import all_findings, findings
from microdrama.reports.content.queries import QUERIES, run_all
from microdrama.reports.content.scopes import Scope, parse_scope
from microdrama.reports.content.texts import Texts
from microdrama.reports.messages import NO_DATA_IN_SCOPE, UNKNOWN_LANG
from microdrama.reports.output import OWNED, check_out, publish, staged
from microdrama.reports.scope import resolve_scope
from microdrama.reports.windows import has_data, windows_of
from microdrama.spreadsheets import write_csv

__all__ = ["SCHEMA_VERSION", "BuiltReport", "ReportError", "build_report", "prepare_index"]

# report-2: growth_basis / change_basis columns, comparison-window coverage, scope_name.
SCHEMA_VERSION = "report-2"
LANGS = {"zh": "zh_CN", "en": "en"}
TEMPLATES = Path(__file__).parent / "templates"
ECHARTS = Path(__file__).parent.parent / "web" / "static" / "vendor" / "echarts.min.js"


@dataclass(frozen=True)
class BuiltReport:
    """Where a built report lies and what it says."""

    out: Path
    html: Path
    pdf: Path
    data: Path
    content_hash: str
    findings: list[str]
    run_id: int | None
    seconds: float


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
    return env


def _run_for(
    session: Session,
    settings: Settings,
    period: str,
    *,
    snapshot: lake.Snapshot,
    compute_missing: bool,
) -> IndexRun | None:
    """The period's newest run; computed at the snapshot (an unpublished draft) when missing."""
    run = loaders.newest_run(session, period)
    if run is not None or not compute_missing:
        return run
    try:
        compute_index(session, settings=settings, period=period, snapshot=snapshot)
    except MicrodramaError:
        return None  # no data for that period: the report says so
    return loaders.newest_run(session, period)


def _runs(
    session: Session,
    settings: Settings,
    period: str,
    *,
    snapshot: lake.Snapshot,
    compute_missing: bool,
) -> tuple[IndexRun | None, IndexRun | None]:
    """The index runs of the period and of the previous one (for rank changes)."""
    name = period_name(period)
    previous = parse_period(name).previous_name() if name != "all" else None
    run = _run_for(session, settings, name, snapshot=snapshot, compute_missing=compute_missing)
    previous_run = (
        _run_for(session, settings, previous, snapshot=snapshot, compute_missing=compute_missing)
        if previous and has_data(snapshot, previous)
        else None
    )
    return run, previous_run


def report_snapshot(run: IndexRun | None, newest: lake.Snapshot) -> lake.Snapshot:
    """The one snapshot a report reads: the lake as its index run read it, so that the figures
    agree with the ranks beside them; the newest version when the run recorded none."""
    if run is not None and run.lake_version is not None:
        return lake.Snapshot(newest.uri, run.lake_version)
    return newest


def prepare_index(session: Session, *, settings: Settings, period: str) -> None:
    """Compute the missing index runs a report of the period reads (a write; commit it apart)."""
    newest = metrics_snapshot(session, lake_root=settings.resolved_lake_uri)
    windows_of(newest, period)  # a period without data is refused before anything is computed
    _runs(session, settings, period, snapshot=newest, compute_missing=True)


def _sources(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ImportRecord.kind, ImportRecord.file_name, ImportRecord.rows_read)
        .where(ImportRecord.status == "committed")
        .order_by(ImportRecord.id)
    ).all()
    return [{"kind": k, "file": f, "rows": r} for k, f, r in rows]


def _write_csvs(folder: Path, frames: dict[str, pl.DataFrame]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        # Floats rounded so that the same data gives the same bytes on every machine.
        rounded = frame.with_columns(pl.selectors.float().round(6))
        write_csv(rounded, folder / f"{name}.csv")


def _hash(folder: Path, html_without_time: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(html_without_time.encode())
    return digest.hexdigest()


def build_report(
    session: Session,
    *,
    settings: Settings,
    period: str,
    lang: str = "zh",
    scope: str | Scope = "all",
    out: Path,
    compute_missing: bool = True,
    built_at: datetime | None = None,
) -> BuiltReport:
    """Build report.html, report.pdf and data/ for a period, language and scope into `out`.

    The files are written beside `out` and swapped in at the end: a failed build leaves an
    earlier report in `out` as it was.
    """
    started = time.perf_counter()
    if lang not in LANGS:
        raise ReportError(UNKNOWN_LANG, lang=lang)
    check_out(out)  # before the work, not after it
    scoped = resolve_scope(session, scope if isinstance(scope, Scope) else parse_scope(scope))
    newest = metrics_snapshot(session, lake_root=settings.resolved_lake_uri)
    windows_of(newest, period)  # a period without data is refused before anything is computed
    run, previous_run = _runs(
        session, settings, period, snapshot=newest, compute_missing=compute_missing
    )
    # From here on every read of the lake is of this one version.
    snapshot = report_snapshot(run, newest)
    windows = windows_of(snapshot, period)
    loaded = loaders.load(
        session,
        snapshot=snapshot,
        period=windows.covered,
        previous=windows.previous,
        requested=windows.period,
        ids=scoped.ids,
        run=run,
        previous_run=previous_run,
    )
    if loaded.daily.filter(pl.col("window") == "current").is_empty():
        raise ReportError(NO_DATA_IN_SCOPE, period=windows.period.name, scope=scoped.scope.label)
    frames = run_all(loaded)
    translator = Translator(LANGS[lang])
    gettext = translator.gettext
    found = all_findings(frames, lang=lang, gettext=gettext)
    top = findings(frames, lang=lang, gettext=gettext)
    t = Texts(lang, gettext, found)
    simulated = is_simulated(session)
    parts = [
        sections.summary(frames, t, top),
        sections.market(frames, t),
        sections.top_works(frames, t),
        sections.genres(frames, t),
        sections.platforms(frames, t),
        sections.hubs(frames, t),
        sections.integrity(frames, t),
        sections.experts(frames, t),
        appendix(t, windows, frames, loaded, simulated=simulated, sources=_sources(session)),
    ]
    # Generated Chinese sentences mix in Latin names: typeset them with a space around.
    typeset = fmt.spaced if lang == "zh" else str
    for part in parts:
        part.paragraphs[:] = [typeset(p) for p in part.paragraphs]
    stamp = (built_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    notes = coverage_notes(t, windows, frames)
    context: dict[str, Any] = {
        "_": gettext,
        "lang": translator.html_lang,
        "title": gettext("Micro-short drama insight report"),
        "period": windows.period,
        "notes": [typeset(n) for n in notes],
        "partial": windows.partial,
        "short_numbers": SHORT_NUMBERS,
        "scope": scoped.scope,
        "scope_name": scoped.named(lang) or gettext("all works"),
        "scope_note": typeset(scope_note(t, scoped)) if scoped.ids is not None else "",
        "sections": parts,
        "simulated": simulated,
        "notice": SIMULATED_NOTICE,
        "run": run,
        "schema_version": SCHEMA_VERSION,
    }
    env = _environment()
    charts = {c.key: to_echarts(c) for s in parts for c in s.charts}
    interactive = env.get_template("report.html").render(
        **context, print=False, charts=charts, echarts=ECHARTS.read_text(encoding="utf-8")
    )
    printable = env.get_template("report.html").render(
        **context, print=True, svgs={c.key: to_svg(c) for s in parts for c in s.charts}
    )
    placeholder = "{{BUILT_AT}}"
    with staged(out) as folder:
        _write_csvs(folder / "data", frames)
        (folder / "report.html").write_text(
            interactive.replace(placeholder, stamp), encoding="utf-8"
        )
        _write_pdf(printable.replace(placeholder, stamp), folder / "report.pdf")
        content_hash = _hash(folder / "data", interactive)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "period": windows.period.name,
            "covered": [windows.covered.start.isoformat(), windows.covered.end.isoformat()],
            "previous_period": windows.previous.name,
            "previous_window": [
                windows.previous.start.isoformat(),
                windows.previous.end.isoformat(),
            ],
            "scope": scoped.scope.label,
            "scope_name": context["scope_name"],
            "lang": lang,
            "built_at": stamp,
            "content_hash": content_hash,
            "index_run": run.id if run else None,
            "previous_index_run": previous_run.id if previous_run else None,
            "lake_version": loaded.lake_version,
            "simulated": simulated,
            "files": list(OWNED),
            "queries": {name: f"data/{name}.csv" for name in QUERIES},
            "findings": [f.text for f in top],
        }
        (folder / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
        )
        publish(folder, out)
    return BuiltReport(
        out=out,
        html=out / "report.html",
        pdf=out / "report.pdf",
        data=out / "data",
        content_hash=content_hash,
        findings=[f.text for f in top],
        run_id=run.id if run else None,
        seconds=time.perf_counter() - started,
    )


def _write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML

    # WeasyPrint logs every SVG property it skips (matplotlib writes a few); those are noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(TEMPLATES)).write_pdf(path)
