"""Build a report: named queries → findings → sections → data/*.csv, report.html, report.pdf."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog.service import is_simulated
from microdrama.config import Settings
from microdrama.demo import SIMULATED_NOTICE
from microdrama.errors import MicrodramaError
from microdrama.index.models import IndexRun
from microdrama.index.periods import Period, parse_period
from microdrama.index.service import compute_index
from microdrama.ingest.models import ImportRecord
from microdrama.lake import metrics as lake
from microdrama.reports import data as report_data
from microdrama.reports import sections
from microdrama.reports.charts import to_echarts, to_svg
from microdrama.reports.findings import all_findings, findings
from microdrama.reports.queries import DESCRIPTIONS, QUERIES, run_all
from microdrama.reports.scope import Scope, parse_scope, scope_work_ids
from microdrama.web.i18n import Translator

SCHEMA_VERSION = "report-1"
LANGS = {"zh": "zh_CN", "en": "en"}
TEMPLATES = Path(__file__).parent / "templates"
ECHARTS = Path(__file__).parent.parent / "web" / "static" / "vendor" / "echarts.min.js"


class ReportError(MicrodramaError):
    """A report that cannot be built as asked."""


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


def _period(session: Session, settings: Settings, name: str) -> Period:
    if name.strip().lower() != "all":
        return parse_period(name)
    bounds = (
        lake.scan(lake.metrics_uri(settings.resolved_lake_uri))
        .select(pl.col("date").min().alias("a"), pl.col("date").max().alias("b"))
        .collect()
        .row(0)
    )
    return parse_period("all", data_start=bounds[0], data_end=bounds[1])


def _last_day_with_data(settings: Settings, window: Period) -> date | None:
    """The last day of the window that has daily metrics, or None."""
    last = (
        lake.scan(lake.metrics_uri(settings.resolved_lake_uri))
        .filter(pl.col("date").is_between(window.start, window.end))
        .select(pl.col("date").max())
        .collect()
        .item()
    )
    return last if isinstance(last, date) else None


def _run_for(
    session: Session, settings: Settings, period: str, *, compute_missing: bool
) -> IndexRun | None:
    """The period's newest run; computed (as an unpublished draft) when missing and allowed."""
    run = report_data.newest_run(session, period)
    if run is not None or not compute_missing:
        return run
    try:
        compute_index(session, settings=settings, period=period)
    except MicrodramaError:
        return None  # no data for that period: the report says so
    return report_data.newest_run(session, period)


def _sources(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ImportRecord.kind, ImportRecord.file_name, ImportRecord.rows_read)
        .where(ImportRecord.status == "committed")
        .order_by(ImportRecord.id)
    ).all()
    return [{"kind": k, "file": f, "rows": r} for k, f, r in rows]


def _appendix(
    t: sections.Texts,
    frames: dict[str, pl.DataFrame],
    loaded: report_data.ReportData,
    *,
    simulated: bool,
    sources: list[dict[str, Any]],
) -> sections.Section:
    _ = t._
    section = sections.Section("appendix", _("Methodology and data provenance"))
    run = loaded.run
    if simulated:
        section.paragraphs.append(
            _(
                "Simulated data: every figure in this report comes from the built-in simulator "
                "calibrated to published industry figures, not from real platforms."
            )
        )
    if run is not None:
        section.paragraphs.append(
            _(
                "Star Index method {method}, run {run} (parameters {params}, inputs {inputs}); "
                "see docs/methodology.md."
            ).format(
                method=run.method_version,
                run=run.id,
                params=run.parameter_hash[:12],
                inputs=run.inputs_hash[:12],
            )
        )
    previous_run = loaded.previous_run
    if run is not None and previous_run is not None:
        if previous_run.method_version != run.method_version:
            section.paragraphs.append(
                _(
                    "The index of {previous} was computed with method {old} and this period's "
                    "with {new}: ranks are not compared, so no risers and fallers are shown."
                ).format(
                    previous=previous_run.period,
                    old=previous_run.method_version,
                    new=run.method_version,
                )
            )
    for draft in (r for r in (run, previous_run) if r is not None and not r.published):
        section.paragraphs.append(
            _("The Star Index of {period} used here (run {run}) is an unpublished draft.").format(
                period=draft.period, run=draft.id
            )
        )
    coverage = frames["coverage"].row(0, named=True)
    section.paragraphs.append(
        _(
            "Coverage: {works} works in scope, {active} with data; {rows} daily rows from "
            "{platforms} platforms, {first} to {last}; version {version} of the metrics table."
        ).format(
            works=coverage["works_in_scope"],
            active=coverage["works_with_data"],
            rows=f"{coverage['daily_rows']:,}",
            platforms=coverage["platforms"],
            first=coverage["first_date"],
            last=coverage["last_date"],
            version=coverage["lake_version"],
        )
    )
    section.tables.append(
        sections.Table(
            _("Data sources (committed imports)"),
            [_("Kind"), _("File"), _("Rows")],
            [[s["kind"], s["file"], f"{s['rows']:,}"] for s in sources],
            "sources",
        )
    )
    section.tables.append(
        sections.Table(
            _("Named queries behind every number"),
            [_("Query"), _("File"), _("What it computes")],
            [[name, f"data/{name}.csv", _(DESCRIPTIONS[name])] for name in QUERIES],
            "queries",
        )
    )
    return section


def _write_csvs(folder: Path, frames: dict[str, pl.DataFrame]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        # Floats rounded so that the same data gives the same bytes on every machine.
        rounded = frame.with_columns(pl.selectors.float().round(6))
        rounded.write_csv(folder / f"{name}.csv")


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
    """Build report.html, report.pdf and data/ for a period, language and scope into `out`."""
    started = time.perf_counter()
    if lang not in LANGS:
        raise ReportError(f"unknown language '{lang}': use zh or en")
    where = scope if isinstance(scope, Scope) else parse_scope(scope)
    window = _period(session, settings, period)
    last = _last_day_with_data(settings, window)
    if last is None:
        raise ReportError(f"no daily metrics for {window.name}: nothing to report")
    previous_name = window.previous_name()
    previous = parse_period(previous_name) if previous_name else window.previous()
    covered = window
    if last < window.end:
        # A period still running (or data ending early) is compared with the same number
        # of days at the start of the previous period, not with all of it.
        covered = Period(window.name, window.start, last)
        previous = Period(
            previous.name, previous.start, previous.start + timedelta(days=covered.days - 1)
        )
    run = _run_for(session, settings, window.name, compute_missing=compute_missing)
    previous_run = (
        _run_for(session, settings, previous_name, compute_missing=compute_missing)
        if previous_name and _last_day_with_data(settings, parse_period(previous_name))
        else None
    )
    loaded = report_data.load(
        session,
        lake_root=settings.resolved_lake_uri,
        period=covered,
        previous=previous,
        ids=scope_work_ids(session, where),
        run=run,
        previous_run=previous_run,
    )
    if loaded.daily.filter(pl.col("window") == "current").is_empty():
        raise ReportError(f"no daily metrics for {window.name} in scope {where.label}")
    frames = run_all(loaded)
    translator = Translator(LANGS[lang])
    gettext = translator.gettext
    found = all_findings(frames, lang=lang, gettext=gettext)
    top = findings(frames, lang=lang, gettext=gettext)
    t = sections.Texts(lang, gettext, found)
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
        _appendix(t, frames, loaded, simulated=simulated, sources=_sources(session)),
    ]
    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "data"
    _write_csvs(data_dir, frames)
    stamp = (built_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    context: dict[str, Any] = {
        "_": gettext,
        "lang": translator.html_lang,
        "title": gettext("Micro-short drama insight report"),
        "period": window,
        "covered": covered,
        "previous": previous,
        "scope": where,
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
    html_path, pdf_path = out / "report.html", out / "report.pdf"
    html_path.write_text(interactive.replace(placeholder, stamp), encoding="utf-8")
    _write_pdf(printable.replace(placeholder, stamp), pdf_path)
    content_hash = _hash(data_dir, interactive)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "period": window.name,
        "previous_period": previous.name,
        "scope": where.label,
        "lang": lang,
        "built_at": stamp,
        "content_hash": content_hash,
        "index_run": run.id if run else None,
        "previous_index_run": previous_run.id if previous_run else None,
        "lake_version": loaded.lake_version,
        "simulated": simulated,
        "queries": {name: f"data/{name}.csv" for name in QUERIES},
        "findings": [f.text for f in top],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
    return BuiltReport(
        out=out,
        html=html_path,
        pdf=pdf_path,
        data=data_dir,
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
