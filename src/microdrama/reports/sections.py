"""The report's sections: text, tables and chart specs assembled from the named queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from microdrama.catalog.vocab import MODELS
from microdrama.reports import fmt
from microdrama.reports.charts import ChartSpec as _ChartSpec
from microdrama.reports.charts import Series
from microdrama.reports.findings import Finding, Gettext, genre_name

Formatter = Callable[[Any], str]


_NUMERIC = re.compile(r"^[-+]?¥?[\d,.]+(%|万亿|万|亿|[KMBT])?(\s*[–-]\s*[\d,.]+)?( \*)?$|^—$")


@dataclass(frozen=True)
class Table:
    """A formatted table and the CSV it comes from."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    data: str

    @property
    def numeric(self) -> list[bool]:
        """Per column: right-align it (every cell is a number, a range or a dash)."""
        return [
            bool(self.rows) and all(_NUMERIC.match(row[i]) for row in self.rows)
            for i in range(len(self.columns))
        ]


@dataclass
class Section:
    """One numbered section of the report."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[_ChartSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Texts:
    """What sections need besides the frames: language, translator, findings by key."""

    lang: str
    _: Gettext
    found: dict[str, Finding]

    def count(self, value: Any) -> str:
        """A count in the report's language."""
        return fmt.count(value, self.lang)

    def yuan(self, fen: Any) -> str:
        """Money from fen in the report's language."""
        return fmt.yuan(fen, self.lang)

    def change(self, ratio: Any) -> str:
        """A relative change."""
        return fmt.change(ratio, self.lang)

    def genre(self, key: Any) -> str:
        """A genre key as a label in the report's language."""
        return "—" if key is None else genre_name(key, self.lang)

    def model(self, key: Any) -> str:
        """A monetisation model key as its label (IAP, IAA, hybrid → 付费/免费/混合)."""
        for term in MODELS:
            if term.key == key:
                return (
                    f"{term.zh}（{term.key}）" if self.lang == "zh" else f"{term.en} ({term.key})"
                )
        return text(key)

    def platform_label(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with `platform_label`: the English name in English reports when known."""
        if self.lang == "en" and "platform_en" in frame.columns:
            label = pl.coalesce("platform_en", "platform")
        else:
            label = pl.col("platform")
        return frame.with_columns(label.alias("platform_label"))

    def quote(self, *keys: str) -> list[str]:
        """The findings with these keys that exist, as paragraphs."""
        return [self.found[k].text for k in keys if k in self.found]


def chart(t: Texts, *args: Any, **kwargs: Any) -> _ChartSpec:
    """A chart spec in the report's language."""
    return replace(_ChartSpec(*args, **kwargs), lang=t.lang)


def table(
    frame: pl.DataFrame, caption: str, data: str, columns: list[tuple[str, str, Formatter]]
) -> Table:
    """Format some columns of a frame for reading."""
    rows = [[f(row[c]) for c, _, f in columns] for row in frame.iter_rows(named=True)]
    return Table(caption, [label for _, label, _ in columns], rows, data)


def text(value: Any) -> str:
    """Plain text, a dash for nothing."""
    return "—" if value is None else str(value)


def pct(value: Any) -> str:
    """A share as a percentage."""
    return fmt.percent(value)


def num(value: Any) -> str:
    """A number with two decimals."""
    return "—" if value is None else f"{value:,.2f}"


def _title_of(t: Texts) -> Callable[[dict[str, Any]], str]:
    def title(row: dict[str, Any]) -> str:
        return str(row["title_en"] or row["title"]) if t.lang == "en" else str(row["title"])

    return title


def summary(frames: dict[str, pl.DataFrame], t: Texts, top: list[Finding]) -> Section:
    """Key figures and the five findings."""
    _ = t._
    section = Section("summary", _("Summary"), [f.text for f in top])
    totals = frames["market_totals"].filter(
        pl.col("metric").is_in(["plays", "viewers", "revenue_fen", "new_works"])
    )
    label = {
        "plays": _("Plays"),
        "viewers": _("Daily viewers (sum)"),
        "revenue_fen": _("Revenue"),
        "new_works": _("New works"),
    }
    value: dict[str, Formatter] = {"revenue_fen": t.yuan, "new_works": fmt.integer}
    rows = [
        [label[r["metric"]], value.get(r["metric"], t.count)(r["current"]), t.change(r["change"])]
        for r in totals.iter_rows(named=True)
    ]
    section.tables.append(
        Table(_("Key figures"), [_("Figure"), _("Period"), _("Change")], rows, "market_totals")
    )
    return section


def market(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Totals, growth, free vs paid, new works, daily trend."""
    _ = t._
    section = Section("market", _("Market"), t.quote("market", "new_works", "revenue_mix"))
    names = {
        "plays": _("Plays"),
        "viewers": _("Daily viewers (sum)"),
        "watch_minutes": _("Watch minutes"),
        "recharge_fen": _("Recharge revenue"),
        "ad_revenue_fen": _("Ad revenue"),
        "revenue_fen": _("Revenue"),
        "active_works": _("Active works"),
        "new_works": _("New works"),
    }
    totals = frames["market_totals"]
    money = {"recharge_fen", "ad_revenue_fen", "revenue_fen"}
    things = {"active_works", "new_works"}

    def shown(metric: str) -> Formatter:
        return t.yuan if metric in money else fmt.integer if metric in things else t.count

    rows = [
        [
            names[r["metric"]],
            shown(r["metric"])(r["current"]),
            shown(r["metric"])(r["previous"]),
            t.change(r["change"]),
        ]
        for r in totals.iter_rows(named=True)
    ]
    section.tables.append(
        Table(
            _("Market totals"),
            [_("Figure"), _("Period"), _("Previous period"), _("Change")],
            rows,
            "market_totals",
        )
    )
    mix = frames["revenue_mix"].filter(pl.col("window") == "current")
    section.tables.append(
        table(
            mix,
            _("Business models: free (IAA), paid (IAP) and hybrid"),
            "revenue_mix",
            [
                ("model", _("Model"), t.model),
                ("works", _("Works"), fmt.integer),
                ("plays_share", _("Share of plays"), pct),
                ("recharge_fen", _("Recharge revenue"), t.yuan),
                ("ad_revenue_fen", _("Ad revenue"), t.yuan),
            ],
        )
    )
    trend = frames["daily_trend"]
    section.charts.append(
        chart(
            t,
            "daily_trend",
            _("Daily plays and revenue"),
            "line",
            [d.isoformat() for d in trend["date"].to_list()],
            [
                Series(_("Plays"), trend["plays"].cast(pl.Float64).to_list()),
                Series(
                    _("Revenue (yuan)"),
                    ((trend["recharge_fen"] + trend["ad_revenue_fen"]) / 100).to_list(),
                    axis=1,
                ),
            ],
            "daily_trend",
            y_label=_("Plays"),
            y2_label=_("Revenue (yuan)"),
        )
    )
    return section


def top_works(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """The Star Index leaders with intervals; risers and fallers."""
    _ = t._
    section = Section("top", _("Top works by Star Index"), t.quote("leader", "riser"))
    top = frames["top_works"]
    if top.is_empty():
        section.paragraphs.append(_("No Star Index has been computed for this period."))
        return section
    title = _title_of(t)
    section.tables.append(
        Table(
            _("Top works (rank interval and score interval are 90%)"),
            [
                _("Rank"),
                _("Rank interval"),
                _("Work"),
                _("Genre"),
                _("Score"),
                _("Interval"),
                _("Tier"),
            ],
            [
                [
                    str(r["rank"]),
                    f"{r['rank_low']}–{r['rank_high']}",
                    title(r),
                    t.genre(r["genre"]),
                    fmt.score(r["score"]),
                    f"{fmt.score(r['score_low'])}–{fmt.score(r['score_high'])}",
                    text(r["tier"]) + (" *" if r["data_only"] else ""),
                ]
                for r in top.iter_rows(named=True)
            ],
            "top_works",
        )
    )
    if top["data_only"].any():
        section.paragraphs.append(_("* data-only index: no expert review yet."))
    section.charts.append(
        chart(
            t,
            "top_works",
            _("Star Index score with 90% interval"),
            "interval",
            [f"{r['rank']}. {title(r)}" for r in top.iter_rows(named=True)],
            [Series(_("Score"), top["score"].to_list())],
            "top_works",
            y_label=_("Score"),
            low=top["score_low"].to_list(),
            high=top["score_high"].to_list(),
        )
    )
    movers = frames["movers"]
    for direction, caption in (("riser", _("Biggest risers")), ("faller", _("Biggest fallers"))):
        rows = movers.filter(pl.col("direction") == direction)
        if rows.is_empty():
            continue
        section.tables.append(
            Table(
                caption,
                [_("Work"), _("Rank"), _("Previous rank"), _("Change")],
                [
                    [title(r), str(r["rank"]), str(r["previous_rank"]), f"{r['change']:+d}"]
                    for r in rows.iter_rows(named=True)
                ],
                "movers",
            )
        )
    if movers.is_empty():
        section.paragraphs.append(_("No index of the previous period to compare ranks with."))
    return section


def genres(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Genre share and growth, saturation, rising themes."""
    _ = t._
    section = Section(
        "genres", _("Genres"), t.quote("genre_leader", "genre_rising", "genre_saturating")
    )
    section.paragraphs.append(
        _(
            "Each work counts once, under its primary (first) genre. Saturating: at least as "
            "many active works as before, growing no slower than the market, while plays per "
            "work fell by 5% or more (genres with 2% of plays or more)."
        )
    )
    frame = frames["genres"]
    section.tables.append(
        table(
            frame,
            _("Genres by plays"),
            "genres",
            [
                ("genre", _("Genre"), t.genre),
                ("works", _("Active works"), fmt.integer),
                ("new_works", _("New works"), fmt.integer),
                ("share", _("Share of plays"), pct),
                ("growth", _("Growth"), t.change),
                ("reach_change", _("Plays per work, change"), t.change),
                ("saturating", _("Saturating"), lambda v: _("yes") if v else ""),
                ("rising", _("Rising"), lambda v: _("yes") if v else ""),
            ],
        )
    )
    head = frame.head(12)
    section.charts.append(
        chart(
            t,
            "genres",
            _("Share of plays by genre"),
            "bar",
            [t.genre(g) for g in head["genre"].to_list()],
            [Series(_("Share of plays (%)"), (head["share"] * 100).round(2).to_list())],
            "genres",
            y_label=_("Share of plays (%)"),
        )
    )
    return section


def platforms(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Per-episode reach, completion, revenue per play by platform."""
    _ = t._
    section = Section("platforms", _("Platforms"), t.quote("platform_revenue"))
    frame = t.platform_label(frames["platforms"])
    section.tables.append(
        table(
            frame,
            _("Platforms compared"),
            "platforms",
            [
                ("platform_label", _("Platform"), text),
                ("works", _("Works"), fmt.integer),
                ("share", _("Share of plays"), pct),
                ("per_episode_reach", _("Plays per episode (median work)"), t.count),
                ("completion", _("Completion"), pct),
                ("revenue_per_1000_plays_yuan", _("Revenue per 1,000 plays (yuan)"), num),
            ],
        )
    )
    section.charts.append(
        chart(
            t,
            "platforms",
            _("Plays per episode and revenue per 1,000 plays"),
            "bar",
            frame["platform_label"].to_list(),
            [
                Series(_("Plays per episode (median work)"), frame["per_episode_reach"].to_list()),
                Series(
                    _("Revenue per 1,000 plays (yuan)"),
                    frame["revenue_per_1000_plays_yuan"].round(2).to_list(),
                    axis=1,
                ),
            ],
            "platforms",
            y_label=_("Plays per episode (median work)"),
            y2_label=_("Revenue per 1,000 plays (yuan)"),
        )
    )
    return section


def hubs(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Production hubs, leading companies, concentration."""
    _ = t._
    section = Section(
        "hubs",
        _("Cities and companies"),
        t.quote("concentration_company", "concentration_city"),
    )
    columns: list[tuple[str, str, Formatter]] = [
        ("works", _("Active works"), fmt.integer),
        ("plays", _("Plays"), t.count),
        ("share", _("Share of plays"), pct),
        ("revenue_fen", _("Revenue"), t.yuan),
        ("growth", _("Growth"), t.change),
    ]
    cities = frames["cities"]
    city_column = "city_en" if t.lang == "en" else "city"
    cities = cities.with_columns(pl.coalesce(city_column, "city").alias("city_label"))
    section.tables.append(
        table(cities, _("Production hubs"), "cities", [("city_label", _("City"), text), *columns])
    )
    companies = frames["companies"]
    section.tables.append(
        table(
            companies,
            _("Leading companies"),
            "companies",
            [("company", _("Company"), text), *columns],
        )
    )
    # Concentration among fewer than three groups (a city scope has one city) says nothing.
    concentration = frames["concentration"].filter(pl.col("groups") >= 3)
    section.tables.append(
        table(
            concentration,
            _("Concentration of plays"),
            "concentration",
            [
                ("level", _("Level"), lambda v: _("Companies") if v == "company" else _("Cities")),
                ("groups", _("Number"), fmt.integer),
                ("top3_share", _("Top 3 share"), pct),
                ("hhi", "HHI", lambda v: "—" if v is None else f"{v:,.0f}"),
            ],
        )
    )
    head = cities.head(10)
    if head.height < 2:
        return section
    section.charts.append(
        chart(
            t,
            "cities",
            _("Share of plays by city"),
            "hbar",
            head["city_label"].to_list(),
            [Series(_("Share of plays (%)"), (head["share"] * 100).round(2).to_list())],
            "cities",
            y_label=_("Share of plays (%)"),
        )
    )
    return section


def integrity(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Fake traffic flagged and discounted by platform and genre."""
    _ = t._
    section = Section("integrity", _("Integrity"), t.quote("integrity"))
    columns: list[tuple[str, str, Formatter]] = [
        ("flagged_works", _("Works flagged"), fmt.integer),
        ("flagged_days", _("Days flagged"), fmt.integer),
        ("discounted_plays", _("Plays discounted"), t.count),
        ("discounted_share", _("Share of plays discounted"), lambda v: fmt.percent(v, digits=2)),
    ]
    by_platform = t.platform_label(frames["integrity_platforms"])
    section.tables.append(
        table(
            by_platform,
            _("Flagged traffic by platform"),
            "integrity_platforms",
            [("platform_label", _("Platform"), text), *columns],
        )
    )
    section.tables.append(
        table(
            frames["integrity_genres"].head(12),
            _("Flagged traffic by genre"),
            "integrity_genres",
            [("genre", _("Genre"), t.genre), *columns],
        )
    )
    if not section.paragraphs:
        section.paragraphs.append(_("No traffic was flagged as fake in this period."))
        return section
    section.paragraphs.append(
        _(
            "A flagged day keeps the volume the work's own engagement supports; a day can be "
            "flagged with nothing discounted when its volume was within that."
        )
    )
    section.charts.append(
        chart(
            t,
            "integrity",
            _("Share of plays discounted as fake traffic"),
            "bar",
            by_platform["platform_label"].to_list(),
            [
                Series(
                    _("Share of plays discounted (%)"),
                    (by_platform["discounted_share"] * 100).round(3).to_list(),
                )
            ],
            "integrity_platforms",
            y_label=_("Share of plays discounted (%)"),
        )
    )
    return section


def experts(frames: dict[str, pl.DataFrame], t: Texts) -> Section:
    """Panel size, reliability and agreement."""
    _ = t._
    section = Section("experts", _("Expert panel"), t.quote("experts"))
    panel = frames["experts"]
    section.tables.append(
        table(
            panel,
            _("Panel"),
            "experts",
            [
                ("experts", _("Experts"), fmt.integer),
                ("reviews", _("Reviews"), fmt.integer),
                ("works_reviewed", _("Works reviewed"), fmt.integer),
                ("works_with_disagreement", _("Works with strong disagreement"), fmt.integer),
                ("leniency_sd", _("Spread of leniency (points)"), num),
            ],
        )
    )
    reliability = frames["reliability"]
    if reliability.is_empty() or not int(panel["reviews"].item()):
        section.paragraphs.append(_("No expert reviews of the works in scope in this period."))
        return section
    section.tables.append(
        table(
            reliability,
            _("Reliability per dimension, whole panel (Krippendorff's alpha, interval)"),
            "reliability",
            [
                ("dimension", _("Dimension"), lambda v: _(str(v).capitalize())),
                ("alpha", "α", num),
                ("works", _("Works"), fmt.integer),
                ("experts", _("Experts"), fmt.integer),
            ],
        )
    )
    section.charts.append(
        chart(
            t,
            "reliability",
            _("Agreement of the panel per dimension"),
            "bar",
            [_(str(d).capitalize()) for d in reliability["dimension"].to_list()],
            [Series("α", reliability["alpha"].round(3).to_list())],
            "reliability",
            y_label="α",
        )
    )
    return section
