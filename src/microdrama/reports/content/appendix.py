"""What the report stands on: the days and works it covers, the index runs, the sources."""

from __future__ import annotations

from typing import Any

import polars as pl

from microdrama.i18n import N_
from microdrama.reports.content.frames import ReportData, Windows
from microdrama.reports.content.queries import QUERIES
from microdrama.reports.content.scopes import ScopedWorks
from microdrama.reports.content.texts import Section, Table, Texts

# What each query computes, as the appendix of a report lists it (translated there).
DESCRIPTIONS = {
    "market_totals": N_(
        "Plays, viewers, watch time, revenue, active and new works: the period vs the one before."
    ),
    "revenue_mix": N_("Paid (recharge) vs free (ad revenue) money and plays by business model."),
    "daily_trend": N_("Daily plays and revenue over the period."),
    "top_works": N_("The best-ranked works of the period's index run with intervals and tiers."),
    "movers": N_("Biggest risers and fallers in rank against the previous period's run."),
    "genres": N_("Genre share and growth; saturating genres; rising themes."),
    "platforms": N_("Per-episode reach, completion and revenue per 1,000 plays on each platform."),
    "cities": N_("Production hubs: active works, plays and revenue by the works' city."),
    "companies": N_("The leading producing companies by plays."),
    "concentration": N_(
        "Share of the top 3 and the HHI of plays among companies and among cities."
    ),
    "integrity_platforms": N_("Traffic flagged as fake and discounted, by platform."),
    "integrity_genres": N_("Traffic flagged as fake and discounted, by genre."),
    "experts": N_(
        "Panel size and agreement: experts, reviews, reviewed works, strong disagreements."
    ),
    "reliability": N_("Krippendorff's alpha of the panel per dimension (from the index run)."),
    "coverage": N_("What the report read: works, rows, days, platforms, versions."),
}


def coverage_notes(t: Texts, windows: Windows, frames: dict[str, pl.DataFrame]) -> list[str]:
    """Which days the figures cover and what they are compared with, as the header says it."""
    _ = t._
    coverage = frames["coverage"].row(0, named=True)
    notes = []
    covered, period, previous = windows.covered, windows.period, windows.previous
    if windows.partial:
        notes.append(
            _("data cover {first} – {last} only: {days} of the period's {total} days").format(
                first=covered.start, last=covered.end, days=covered.days, total=period.days
            )
        )
    first, last = coverage["previous_first_date"], coverage["previous_last_date"]
    if not coverage["comparable"]:
        notes.append(
            _("no data in the comparison window {start} – {end}: no changes are shown").format(
                start=previous.start, end=previous.end
            )
        )
    elif first > previous.start or last < previous.end:
        notes.append(
            _(
                "compared with {start} – {end}, which has data from {first} to {last} only "
                "({days} of its {total} days)"
            ).format(
                start=previous.start,
                end=previous.end,
                first=first,
                last=last,
                days=(last - first).days + 1,
                total=previous.days,
            )
        )
    else:
        notes.append(
            _("compared with {start} – {end}").format(start=previous.start, end=previous.end)
        )
    return notes


def scope_note(t: Texts, scoped: ScopedWorks) -> str:
    """What puts a work in the report's scope, in words."""
    _ = t._
    kind, name = scoped.scope.kind, scoped.named(t.lang)
    if kind == "city":
        return _("works whose production city is {name}").format(name=name)
    if kind == "genre":
        return _(
            "works tagged {name}, as any of their genres (the genre table counts each work "
            "once, under its primary genre)"
        ).format(name=name)
    if kind == "company":
        return _(
            "works where {name} is producer, publisher or distributor (the companies table "
            "credits producers only)"
        ).format(name=name)
    return _("all works")


def appendix(
    t: Texts,
    windows: Windows,
    frames: dict[str, pl.DataFrame],
    loaded: ReportData,
    *,
    simulated: bool,
    sources: list[dict[str, Any]],
) -> Section:
    """Method, index runs, coverage of the data, sources and the named queries."""
    _ = t._
    section = Section("appendix", _("Methodology and data provenance"))
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
        _("Days covered: {notes}.").format(
            notes=("；" if t.lang == "zh" else "; ").join(coverage_notes(t, windows, frames))
        )
    )
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
        Table(
            _("Data sources (committed imports)"),
            [_("Kind"), _("File"), _("Rows")],
            [[s["kind"], s["file"], f"{s['rows']:,}"] for s in sources],
            "sources",
        )
    )
    section.tables.append(
        Table(
            _("Named queries behind every number"),
            [_("Query"), _("File"), _("What it computes")],
            [[name, f"data/{name}.csv", _(DESCRIPTIONS[name])] for name in QUERIES],
            "queries",
        )
    )
    return section
