"""Findings: sentences written from the named queries' frames, ranked by how much they matter.

Nothing here is fixed text: each candidate is a template filled from the data, and a
candidate only exists when the data supports it, so another period gives other sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from microdrama.catalog.vocab import genre_label
from microdrama.reports.content import fmt

Gettext = Callable[[str], str]
FINDINGS = 5
# HHI bands of the US merger guidelines (2010), the usual reading of the index.
HHI_MODERATE, HHI_HIGH = 1500.0, 2500.0


@dataclass(frozen=True)
class Finding:
    """One sentence, how much it matters (0–1) and the queries its numbers came from."""

    key: str
    salience: float
    text: str
    queries: tuple[str, ...]


def _title(row: dict[str, object], lang: str) -> str:
    title = row.get("title_en") if lang == "en" and row.get("title_en") else row.get("title")
    return f"《{title}》" if lang == "zh" else f"“{title}”"


def genre_name(key: object, lang: str) -> str:
    """A genre key as its label in the report's language."""
    label = genre_label(str(key))
    return label.zh if lang == "zh" else label.en


def _platform(row: dict[str, object], lang: str) -> str:
    english = row.get("platform_en")
    return str(english if lang == "en" and english else row["platform"])


def _scoped(frames: dict[str, pl.DataFrame]) -> bool:
    return bool(frames["coverage"]["scoped"].item())


def _metric(frames: dict[str, pl.DataFrame], name: str) -> dict[str, object] | None:
    rows = frames["market_totals"].filter(pl.col("metric") == name).to_dicts()
    return rows[0] if rows else None


def _market(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    plays = _metric(frames, "plays")
    if plays is None or not plays["current"]:
        return []
    growth = plays["change"]
    if plays["change_basis"] == "ok":
        text = _("Works in scope drew {plays} plays, {trend} on the previous period.")
    elif plays["change_basis"] == "none":
        text = _("Works in scope drew {plays} plays; the previous period has no data to compare.")
    else:
        text = _("Works in scope drew {plays} plays, against only {before} in the previous period.")
    text = text.format(
        plays=fmt.count(plays["current"], lang),  # type: ignore[arg-type]
        trend=fmt.trend(growth, lang),  # type: ignore[arg-type]
        before=fmt.count(plays["previous"], lang),  # type: ignore[arg-type]
    )
    salience = 0.5 + min(abs(float(growth or 0.0)), 0.5)  # type: ignore[arg-type]
    found = [Finding("market", salience, text, ("market_totals",))]
    new = _metric(frames, "new_works")
    if new and new["current"]:
        if new["change_basis"] == "none":
            text = _("{new} new works were released; the previous period has no data to compare.")
        else:
            text = _("{new} new works were released, against {before} in the previous period.")
        found.append(
            Finding(
                "new_works",
                0.3 + min(abs(float(new["change"] or 0.0)), 0.4),  # type: ignore[arg-type]
                text.format(
                    new=fmt.integer(new["current"]),  # type: ignore[arg-type]
                    before=fmt.integer(new["previous"]),  # type: ignore[arg-type]
                ),
                ("market_totals",),
            )
        )
    return found


def _revenue(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    mix = frames["revenue_mix"]
    now = mix.filter(pl.col("window") == "current")
    before = mix.filter(pl.col("window") == "previous")
    if now.is_empty():
        return []
    ad_now = float(now["ad_share_of_revenue"].sum() or 0.0)
    ad_before = float(before["ad_share_of_revenue"].sum() or 0.0) if before.height else None
    free = now.filter(pl.col("model") == "IAA")["plays_share"].sum()
    template = (
        _(
            "Advertising brought {ad} of revenue ({before} before); free-to-watch (IAA) works "
            "drew {free} of plays."
        )
        if ad_before is not None
        else _(
            "Advertising brought {ad} of revenue; free-to-watch (IAA) works drew {free} of plays."
        )
    )
    text = template.format(
        ad=fmt.percent(ad_now),
        before=fmt.percent(ad_before),
        free=fmt.percent(float(free or 0.0)),
    )
    shift = abs(ad_now - ad_before) if ad_before is not None else 0.0
    return [Finding("revenue_mix", 0.45 + min(shift * 5, 0.5), text, ("revenue_mix",))]


def _top(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    top = frames["top_works"]
    if top.is_empty():
        return []
    row = top.row(0, named=True)
    template = (
        _(
            "{title} ranks highest in this scope: national rank {rank}, score {score} "
            "(90% interval {low}–{high}, tier {tier})."
        )
        if _scoped(frames)
        else _(
            "{title} leads the Star Index with {score} (90% interval {low}–{high}, tier {tier})."
        )
    )
    text = template.format(
        title=_title(row, lang),
        rank=row["rank"],
        score=fmt.score(row["score"]),
        low=fmt.score(row["score_low"]),
        high=fmt.score(row["score_high"]),
        tier=row["tier"],
    )
    shared = top.filter(pl.col("tier") == row["tier"]).height
    if shared > 1:
        text += " " + _("{n} works share its tier: their order is not certain.").format(n=shared)
    return [Finding("leader", 0.8, text, ("top_works",))]


def _movers(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    risers = frames["movers"].filter(pl.col("direction") == "riser")
    if risers.is_empty():
        return []
    row = risers.row(0, named=True)
    text = _("{title} climbed {change} places to rank {rank}.").format(
        title=_title(row, lang), change=row["change"], rank=row["rank"]
    )
    return [Finding("riser", 0.4 + min(row["change"] / 2000, 0.4), text, ("movers",))]


def _trend(row: dict[str, object], lang: str, _: Gettext) -> str:
    """A group's growth in words, or why there is none."""
    if row["growth_basis"] == "new":
        return _("new this period")
    if row["growth_basis"] == "small_base":
        return _("from a very small base")
    return fmt.trend(row["growth"] if row["growth_basis"] == "ok" else None, lang)  # type: ignore[arg-type]


def _genres(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    genres = frames["genres"]
    found = []
    leader = genres.head(1).to_dicts()
    if leader:
        row = leader[0]
        found.append(
            Finding(
                "genre_leader",
                0.35 + float(row["share"]) / 2,
                _("{genre} is the largest genre with {share} of plays ({trend}).").format(
                    genre=genre_name(row["genre"], lang),
                    share=fmt.percent(row["share"]),
                    trend=_trend(row, lang, _),
                ),
                ("genres",),
            )
        )
    rising = genres.filter(pl.col("rising")).sort("growth", descending=True).head(1).to_dicts()
    if rising:
        row = rising[0]
        found.append(
            Finding(
                "genre_rising",
                0.3 + min(float(row["growth"]), 0.5) * min(1.0, float(row["share"]) * 10),
                _("{genre} grew fastest: plays {trend} across {works} active works.").format(
                    genre=genre_name(row["genre"], lang),
                    trend=fmt.trend(row["growth"], lang),
                    works=fmt.integer(row["works"]),
                ),
                ("genres",),
            )
        )
    saturating = (
        genres.filter(pl.col("saturating")).sort("share", descending=True).head(1).to_dicts()
    )
    if saturating:
        row = saturating[0]
        found.append(
            Finding(
                "genre_saturating",
                0.3 + min(abs(float(row["reach_change"])), 0.5) * min(1.0, float(row["share"]) * 8),
                _(
                    "{genre} is saturating: {works} active works (was {before}) while "
                    "plays per work went {trend}."
                ).format(
                    genre=genre_name(row["genre"], lang),
                    works=fmt.integer(row["works"]),
                    before=fmt.integer(row["works_previous"]),
                    trend=fmt.trend(row["reach_change"], lang),
                ),
                ("genres",),
            )
        )
    return found


def _platforms(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    platforms = frames["platforms"].filter(pl.col("revenue_per_1000_plays_yuan").is_not_null())
    if platforms.height < 2:
        return []
    best = platforms.sort("revenue_per_1000_plays_yuan", descending=True).row(0, named=True)
    worst = platforms.sort("revenue_per_1000_plays_yuan").row(0, named=True)
    ratio = best["revenue_per_1000_plays_yuan"] / max(worst["revenue_per_1000_plays_yuan"], 1e-9)
    text = _("{best} earns the most per play: ¥{value} per 1,000 plays, {ratio}× {worst}.").format(
        best=_platform(best, lang),
        value=f"{best['revenue_per_1000_plays_yuan']:.2f}",
        ratio=f"{ratio:.1f}",
        worst=_platform(worst, lang),
    )
    return [Finding("platform_revenue", 0.3 + min(ratio / 20, 0.4), text, ("platforms",))]


def _concentration(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    found = []
    for row in frames["concentration"].to_dicts():
        if row["hhi"] is None or row["groups"] < 3:
            continue
        hhi = float(row["hhi"])
        band = (
            _("highly concentrated")
            if hhi >= HHI_HIGH
            else _("moderately concentrated")
            if hhi >= HHI_MODERATE
            else _("unconcentrated")
        )
        template = (
            _("The top 3 companies hold {share} of plays (HHI {hhi}: {band}).")
            if row["level"] == "company"
            else _("The top 3 cities account for {share} of plays (HHI {hhi}: {band}).")
        )
        text = template.format(share=fmt.percent(row["top3_share"]), hhi=f"{hhi:,.0f}", band=band)
        found.append(
            Finding(f"concentration_{row['level']}", 0.3 + hhi / 10000, text, ("concentration",))
        )
    return found


def _integrity(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    by_platform = frames["integrity_platforms"]
    discounted = float(by_platform["discounted_plays"].sum() or 0.0)
    total = float(by_platform["total_plays"].sum() or 0.0)
    if not discounted or not total:
        return []
    worst = by_platform.sort("discounted_share", descending=True).row(0, named=True)
    text = _(
        "{share} of plays ({plays}) were flagged as fake traffic and discounted; "
        "{platform} was hit hardest ({worst})."
    ).format(
        share=fmt.percent(discounted / total, digits=2),
        plays=fmt.count(discounted, lang),
        platform=_platform(worst, lang),
        worst=fmt.percent(worst["discounted_share"], digits=2),
    )
    return [
        Finding(
            "integrity", 0.5 + min(discounted / total * 20, 0.45), text, ("integrity_platforms",)
        )
    ]


def _experts(frames: dict[str, pl.DataFrame], lang: str, _: Gettext) -> list[Finding]:
    reliability = frames["reliability"].filter(pl.col("alpha").is_not_null())
    panel = frames["experts"].row(0, named=True)
    if reliability.is_empty() or not panel["reviews"]:
        return []
    weakest = reliability.sort("alpha").row(0, named=True)
    text = _(
        "{experts} experts wrote {reviews} reviews; across the whole panel, agreement is lowest "
        "on {dimension} (Krippendorff's α = {alpha})."
    ).format(
        experts=fmt.integer(panel["experts"]),
        reviews=fmt.integer(panel["reviews"]),
        dimension=_(str(weakest["dimension"]).capitalize()),
        alpha=f"{weakest['alpha']:.2f}",
    )
    return [Finding("experts", 0.25 + max(0.0, 0.8 - weakest["alpha"]) / 2, text, ("reliability",))]


CANDIDATES = (
    _market,
    _revenue,
    _top,
    _movers,
    _genres,
    _platforms,
    _concentration,
    _integrity,
    _experts,
)


def _candidates(frames: dict[str, pl.DataFrame], lang: str, gettext: Gettext) -> list[Finding]:
    found = [item for make in CANDIDATES for item in make(frames, lang, gettext)]
    if lang == "zh":
        # Names fill the templates: Chinese typography wants a space around Latin words.
        found = [replace(item, text=fmt.spaced(item.text)) for item in found]
    return found


def findings(
    frames: dict[str, pl.DataFrame], *, lang: str, gettext: Gettext, limit: int = FINDINGS
) -> list[Finding]:
    """The `limit` findings most worth knowing, most important first (ties by key)."""
    found = _candidates(frames, lang, gettext)
    return sorted(found, key=lambda f: (-round(f.salience, 6), f.key))[:limit]


def all_findings(
    frames: dict[str, pl.DataFrame], *, lang: str, gettext: Gettext
) -> dict[str, Finding]:
    """Every candidate finding by key (sections quote the ones about them)."""
    return {item.key: item for item in _candidates(frames, lang, gettext)}
