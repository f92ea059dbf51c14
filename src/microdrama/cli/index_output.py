"""How `microdrama index` prints: run titles, the ranking table, explanations, counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.table import Column, Table
from rich.text import Text

from microdrama.cli.runtime import console

if TYPE_CHECKING:
    from microdrama.index.schemas import IndexRunRead, RankingPage


def works(count: int) -> str:
    return f"{count:,} work" + ("" if count == 1 else "s")


def window(run: IndexRunRead) -> str:
    """The days a run read: `2025-11-01 – 2025-11-15, data as of 2025-11-15`."""
    as_of = f", data as of {run.as_of}" if run.as_of else ""
    return f"{run.period_start} – {run.period_end}{as_of}"


def run_title(run: IndexRunRead) -> str:
    state = "published" if run.published else "draft"
    return f"run #{run.id} ({state}) · {window(run)} · method {run.method_version}" + (
        " · 模拟数据 Simulated data" if run.simulated else ""
    )


def not_ranked_line(
    missing: list[dict[str, Any]], period: str, *, run_id: int, listed: bool = False
) -> str:
    """`41 works not ranked: 38 with fewer than 7 days of data, 3 no plays reported — …`."""
    from microdrama.index import ranking as rankings

    counts = ", ".join(
        f"{n} with {reason}" if reason.startswith("fewer") else f"{n} {reason}"
        for reason, n in rankings.reason_counts(missing)
    )
    more = "" if listed else ", or `index rank --include-ineligible`"
    return (
        f"{works(len(missing))} not ranked: {counts} — see `microdrama index explain WORK "
        f"--period {period} --run {run_id}`{more}"
    )


def print_ranking(page: RankingPage) -> None:
    # Only the title gives way (cut with …): ids, ranks and scores are copied from here.
    fixed = ("rank (90%)", "work", "score (90%)", "tier", "integrity", "expert")
    cells = [
        (
            f"{row.rank} ({row.rank_low}–{row.rank_high})",
            row.work_id,
            f"{row.score:.1f} ({row.score_low:.1f}–{row.score_high:.1f})",
            row.tier,
            f"{row.integrity:.2f}",
            "–" if row.data_only else f"{row.expert:.0f}",
        )
        for row in page.rows
    ]
    columns = [
        Column(name, no_wrap=True, min_width=max(len(name), *(cell_len(c[i]) for c in cells)))
        for i, name in enumerate(fixed)
    ]
    table = Table(
        *columns[:2],
        Column("title", min_width=4),
        *columns[2:],
        box=None,
        pad_edge=False,
    )
    for row, cell in zip(page.rows, cells, strict=True):
        title = Text(row.title, no_wrap=True, overflow="ellipsis")
        table.add_row(*cell[:2], title, *cell[2:])
    console.print(table)
    console.print("rank and score: value (90% interval) · expert –: data-only, no eligible panel")


def print_explanation(detail: dict[str, Any], run: IndexRunRead, note: str | None) -> None:
    console.print(
        f"[bold]{detail['work_id']} {detail['title']}[/bold] · {detail['period']} · "
        + run_title(run)
    )
    if note:
        console.print(note, markup=False)
    if not detail.get("eligible"):
        console.print(f"not ranked: {detail.get('ineligible_reason')}", markup=False)
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
        title=f"cohort: {detail.get('cohort_label')}",
    )
    for name, part in detail["dimensions"].items():
        score = "unknown" if part["score"] is None else f"{part['score']:.1f}"
        table.add_row(name, score, f"{part['weight']:.3f}", f"{part['contribution']:.2f}")
    console.print(table)
    console.print("raw: " + raw(detail["raw"]), markup=False)
    experts = detail["experts"]
    if experts.get("reviews"):
        console.print(
            f"experts: {experts['reviews']} reviews, corrected {short(experts['corrected_score'])}"
            f", spread {short(experts['spread'])}"
            + (" · experts disagree strongly" if experts.get("disagreement") else "")
        )
    for flag in detail["flags"]:
        console.print(f"[yellow]flag[/yellow] {flag['date']} {flag['platform']}: {flag['reason']}")
    line = change_line(detail.get("change"), detail.get("previous_period"))
    if line:
        console.print(line, markup=False)


def change_line(change: dict[str, Any] | None, previous: str | None) -> str | None:
    """How the rank moved since the previous period, in words."""
    if previous is None:
        return None
    if change is None:
        return f"no index computed for {previous} to compare with"
    if change.get("new"):
        return f"new this period: no data in {previous}"
    if change["rank_change"] is None:
        return f"not ranked in {previous}"
    drivers = ", ".join(
        f"{d['dimension']} {d['contribution_change']:+.2f}" for d in change["drivers"]
    )
    method = change.get("previous_method")
    return (
        f"since {previous} (rank {change['previous_rank']}): {change['rank_change']:+d} places"
        + (f"; drivers: {drivers}" if drivers else "")
        + (
            f" ({previous} was computed with method {method}; recompute it to compare)"
            if method
            else ""
        )
    )


def raw(raw: dict[str, Any]) -> str:
    """Raw measures with thousands separators; money (stored in fen) in yuan."""
    parts = []
    for name, value in raw.items():
        if value is None:
            continue
        if name.endswith("_fen"):
            parts.append(f"{name.removesuffix('_fen')}_yuan={value / 100:,.2f}")
        else:
            parts.append(f"{name}={short(value)}")
    return ", ".join(parts)


def short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def signed(value: float) -> str:
    """`+0.40`, `-0.44`, and `0.00` (never `-0.00`)."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def reviews_line(counts: dict[str, int], run: IndexRunRead) -> str:
    """How many expert reviews a run used, and which it left out and why."""
    left = []
    if counts.get("open_panel"):
        left.append(f"{counts['open_panel']} of panels still open (they count once closed)")
    if counts.get("after_period"):
        left.append(f"{counts['after_period']} dated after {run.period_end}")
    tail = f"; left out: {', '.join(left)}" if left else ""
    return f"expert reviews: {counts.get('used', 0)} used{tail}"
