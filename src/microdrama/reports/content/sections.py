"""The report's sections: text, tables and chart specs assembled from the named queries."""

from __future__ import annotations

import polars as pl

from microdrama.reports.content import fmt
from microdrama.reports.content.charts import Series
from microdrama.reports.content.findings import Finding
from microdrama.reports.content.texts import (
    SMALL_BASE_NOTE,
    Formatter,
    Section,
    Table,
    Texts,
    chart,
    num,
    pct,
    table,
    text,
    title_of,
)


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
        [
            label[r["metric"]],
            value.get(r["metric"], t.count)(r["current"]),
            t.growth(r["change"], r["change_basis"]),
        ]
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
            t.growth(r["change"], r["change_basis"]),
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
    title = title_of(t)
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
            t.top_of(
                _("Star Index score with 90% interval"),
                top.height,
                int(frames["coverage"]["works_ranked"].item()),
            ),
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
    frame = t.growths(frames["genres"], "growth", "growth_basis")
    frame = t.growths(frame, "reach_change", "growth_basis")
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
                ("growth_text", _("Growth"), text),
                ("reach_change_text", _("Plays per work, change"), text),
                ("saturating", _("Saturating"), lambda v: _("yes") if v else ""),
                ("rising", _("Rising"), lambda v: _("yes") if v else ""),
            ],
        )
    )
    if frame["growth_basis"].is_in(["new", "small_base"]).any():
        section.paragraphs.append(_(SMALL_BASE_NOTE))
    head = frame.head(12)
    section.charts.append(
        chart(
            t,
            "genres",
            t.top_of(_("Share of plays by genre"), head.height, frame.height),
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
        ("growth_text", _("Growth"), text),
    ]
    cities = t.growths(frames["cities"], "growth", "growth_basis")
    city_column = "city_en" if t.lang == "en" else "city"
    cities = cities.with_columns(pl.coalesce(city_column, "city").alias("city_label"))
    section.tables.append(
        table(cities, _("Production hubs"), "cities", [("city_label", _("City"), text), *columns])
    )
    companies = t.growths(frames["companies"], "growth", "growth_basis")
    producers = frames["concentration"].filter(pl.col("level") == "company")["groups"]
    section.tables.append(
        table(
            companies,
            t.top_of(
                _("Leading companies"), companies.height, int(producers.sum() or companies.height)
            ),
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
    if (
        pl.concat([cities["growth_basis"], companies["growth_basis"]])
        .is_in(["new", "small_base"])
        .any()
    ):
        section.paragraphs.append(_(SMALL_BASE_NOTE))
    head = cities.head(10)
    if head.height < 2:
        return section
    section.charts.append(
        chart(
            t,
            "cities",
            t.top_of(_("Share of plays by city"), head.height, cities.height),
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
    # Only genres with flagged days: a list of zeros says nothing, and none is left out.
    flagged_genres = frames["integrity_genres"].filter(pl.col("flagged_days") > 0)
    section.tables.append(
        table(
            flagged_genres,
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
