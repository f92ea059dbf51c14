"""Named queries: every number in a report comes from one of these frames (and its CSV)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import polars as pl

from microdrama.reports.content.frames import ReportData

Query = Callable[[ReportData], pl.DataFrame]
QUERIES: dict[str, Query] = {}

TOP_WORKS = 20
MOVERS = 10
# Movers are read among the works that matter: those in the top MOVERS_WITHIN now (risers)
# or before (fallers); a climb from 9,000th to 3,000th is noise to a reader.
MOVERS_WITHIN = 200
TOP_COMPANIES = 15
# A genre is saturating when it has at least as many active works as before while each
# work reaches at least this much less.
SATURATION_REACH_DROP = -0.05
# …and only genres big enough to matter: a share of plays and a number of works.
SATURATION_MIN_SHARE = 0.02
RISING_MIN_WORKS = 5
# A growth rate needs a base: below 1% of the current value (plays grew a hundredfold) or,
# for a group's plays, below 10,000, the rate says nothing and "new" or "—" is shown instead.
MIN_BASE_SHARE = 0.01
MIN_BASE_PLAYS = 10_000
# growth_basis of a row: ok (a rate is shown), new (nothing before), small_base (below the
# minimum base) or none (the comparison window has no data at all).
BASES = ("ok", "new", "small_base", "none")
MONEY = ("recharge_fen", "ad_revenue_fen")


def query(name: str) -> Callable[[Query], Query]:
    """Register a function as the named query `name`."""

    def register(function: Query) -> Query:
        QUERIES[name] = function
        return function

    return register


def run_all(data: ReportData) -> dict[str, pl.DataFrame]:
    """Every named query's frame, in registration order."""
    return {name: function(data) for name, function in QUERIES.items()}


def _window(data: ReportData, which: str) -> pl.DataFrame:
    return data.daily.filter(pl.col("window") == which)


def comparable(data: ReportData) -> bool:
    """Whether the comparison window has any data of the works in scope."""
    return not _window(data, "previous").is_empty()


def _basis(current: pl.Expr, previous: pl.Expr, *, known: bool, minimum: float = 0.0) -> pl.Expr:
    """One of BASES: whether a growth rate of current over previous means anything."""
    if not known:
        return pl.lit("none")
    return (
        pl.when(previous.is_null() | (previous <= 0))
        .then(pl.lit("new"))
        .when((previous < current * MIN_BASE_SHARE) | (previous < minimum))
        .then(pl.lit("small_base"))
        .otherwise(pl.lit("ok"))
    )


def _growth(basis: pl.Expr, current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    return pl.when(basis == "ok").then(current / previous - 1.0).otherwise(None)


def _active(data: ReportData, which: str) -> pl.DataFrame:
    """Per work in a window: plays, revenue, joined to the work's attributes."""
    per_work = (
        _window(data, which)
        .group_by("work_id")
        .agg(
            pl.col("plays").sum(),
            pl.col("recharge_fen").sum(),
            pl.col("ad_revenue_fen").sum(),
        )
        .filter(pl.col("plays") > 0)
    )
    return per_work.join(data.works, on="work_id", how="left").with_columns(
        pl.col("genre").fill_null("unknown"),
        pl.col("city").fill_null("unknown"),
        pl.col("company").fill_null("unknown"),
        (pl.col("recharge_fen") + pl.col("ad_revenue_fen")).alias("revenue_fen"),
    )


def _new_works(data: ReportData, start: date, end: date) -> pl.DataFrame:
    return data.works.filter(pl.col("release_date").is_between(start, end))


@query("market_totals")
def market_totals(data: ReportData) -> pl.DataFrame:
    """Plays, viewers, watch time, revenue, active and new works: the period vs the one before."""
    rows = []
    sums = ("plays", "viewers", "watch_minutes", *MONEY)
    for which in ("current", "previous"):
        frame = _window(data, which)
        totals = frame.select(pl.col(c).sum() for c in sums).row(0, named=True)
        totals["revenue_fen"] = (totals["recharge_fen"] or 0) + (totals["ad_revenue_fen"] or 0)
        totals["active_works"] = _active(data, which).height
        period = data.period if which == "current" else data.previous
        totals["new_works"] = _new_works(data, period.start, period.end).height
        rows.append(totals)
    current, previous = rows
    known = comparable(data)
    frame = pl.DataFrame(
        {
            "metric": list(current),
            "current": [float(current[k] or 0) for k in current],
            # A window without data has no figures, not zeros.
            "previous": [float(previous[k] or 0) if known else None for k in current],
        },
        schema={"metric": pl.Utf8, "current": pl.Float64, "previous": pl.Float64},
    )
    basis = _basis(pl.col("current"), pl.col("previous"), known=known)
    return frame.with_columns(
        _growth(basis, pl.col("current"), pl.col("previous")).alias("change"),
        basis.alias("change_basis"),
    )


@query("revenue_mix")
def revenue_mix(data: ReportData) -> pl.DataFrame:
    """Paid (recharge) vs free (ad revenue) money and plays by business model."""
    frames = []
    for which in ("current", "previous"):
        per_model = (
            _active(data, which)
            .with_columns(pl.col("model").fill_null("unknown"))
            .group_by("model")
            .agg(
                pl.len().alias("works"),
                pl.col("plays").sum(),
                pl.col("recharge_fen").sum(),
                pl.col("ad_revenue_fen").sum(),
            )
            .with_columns(pl.lit(which).alias("window"))
        )
        frames.append(per_model)
    frame = pl.concat(frames)
    return frame.with_columns(
        (pl.col("plays") / pl.col("plays").sum().over("window")).alias("plays_share"),
        (
            pl.col("recharge_fen")
            / (pl.col("recharge_fen") + pl.col("ad_revenue_fen")).sum().over("window")
        ).alias("recharge_share_of_revenue"),
        (
            pl.col("ad_revenue_fen")
            / (pl.col("recharge_fen") + pl.col("ad_revenue_fen")).sum().over("window")
        ).alias("ad_share_of_revenue"),
    ).sort("window", "model")


@query("daily_trend")
def daily_trend(data: ReportData) -> pl.DataFrame:
    """Daily plays and revenue over the period."""
    return (
        _window(data, "current")
        .group_by("date")
        .agg(pl.col("plays").sum(), pl.col("recharge_fen").sum(), pl.col("ad_revenue_fen").sum())
        .sort("date")
    )


@query("top_works")
def top_works(data: ReportData) -> pl.DataFrame:
    """The best-ranked works of the period's index run with intervals and tiers."""
    return (
        data.results.sort("rank", "id")
        .head(TOP_WORKS)
        .join(data.works.select("id", "work_id", "title", "title_en", "genre"), on="id")
        .select(
            "rank",
            "rank_low",
            "rank_high",
            "work_id",
            "title",
            "title_en",
            "genre",
            "score",
            "score_low",
            "score_high",
            "tier",
            "integrity",
            "data_only",
        )
        .sort("rank", "work_id")
    )


@query("movers")
def movers(data: ReportData) -> pl.DataFrame:
    """Biggest risers and fallers in rank against the previous period's run."""
    if (
        data.run is None
        or data.previous_run is None
        or data.run.method_version != data.previous_run.method_version
    ):
        # Ranks from different methods are not comparable: no movers rather than false ones.
        data = replace(data, previous_results=data.previous_results.clear())
    both = (
        data.results.select("id", "rank", "score", "tier")
        .join(data.previous_results.rename({"rank": "previous_rank"}), on="id")
        .join(data.works.select("id", "work_id", "title", "title_en"), on="id")
        .with_columns((pl.col("previous_rank") - pl.col("rank")).alias("change"))
    )
    risers = both.filter(pl.col("change") > 0, pl.col("rank") <= MOVERS_WITHIN).sort(
        ["change", "rank"], descending=[True, False]
    )
    fallers = both.filter(pl.col("change") < 0, pl.col("previous_rank") <= MOVERS_WITHIN).sort(
        ["change", "rank"]
    )
    return pl.concat(
        [
            risers.head(MOVERS).with_columns(pl.lit("riser").alias("direction")),
            fallers.head(MOVERS).with_columns(pl.lit("faller").alias("direction")),
        ]
    ).select(
        "direction",
        "work_id",
        "title",
        "title_en",
        "rank",
        "previous_rank",
        "change",
        "score",
        "tier",
    )


def _shares(data: ReportData, by: str) -> pl.DataFrame:
    """Active works, plays, share and growth of each group, current vs previous."""

    def per(which: str) -> pl.DataFrame:
        return (
            _active(data, which)
            .group_by(by)
            .agg(
                pl.len().alias("works"),
                pl.col("plays").sum(),
                pl.col("revenue_fen").sum(),
            )
        )

    current, previous = per("current"), per("previous")
    basis = _basis(
        pl.col("plays"),
        pl.col("plays_previous"),
        known=comparable(data),
        minimum=MIN_BASE_PLAYS,
    )
    new = (
        _new_works(data, data.period.start, data.period.end)
        .with_columns(pl.col(by).fill_null("unknown"))
        .group_by(by)
        .agg(pl.len().alias("new_works"))
    )
    return (
        current.join(
            previous.rename(
                {"works": "works_previous", "plays": "plays_previous", "revenue_fen": "rev_prev"}
            ),
            on=by,
            how="left",
        )
        .join(new, on=by, how="left")
        .with_columns(
            pl.col("new_works").fill_null(0),
            (pl.col("plays") / pl.col("plays").sum()).alias("share"),
            _growth(basis, pl.col("plays"), pl.col("plays_previous")).alias("growth"),
            basis.alias("growth_basis"),
            (pl.col("plays") / pl.col("works")).alias("reach_per_work"),
            (pl.col("plays_previous") / pl.col("works_previous")).alias("reach_per_work_previous"),
        )
        .drop("rev_prev")
        .sort(["plays", by], descending=[True, False])
    )


@query("genres")
def genres(data: ReportData) -> pl.DataFrame:
    """Genre share and growth; saturating genres; rising themes."""
    frame = _shares(data, "genre").with_columns(
        # Plays per work compared only where the plays themselves are.
        _growth(
            pl.col("growth_basis"), pl.col("reach_per_work"), pl.col("reach_per_work_previous")
        ).alias("reach_change")
    )
    # The genre's supply grows at least as fast as the whole market's while each work
    # reaches less: more works chasing the same audience.
    market_growth = frame["works"].sum() / max(int(frame["works_previous"].fill_null(0).sum()), 1)
    frame = frame.with_columns(
        (
            (pl.col("works") >= RISING_MIN_WORKS)
            & (pl.col("works_previous") >= RISING_MIN_WORKS)
            & (pl.col("share") >= SATURATION_MIN_SHARE)
            & (pl.col("works") / pl.col("works_previous") >= market_growth)
            & (pl.col("reach_change") < SATURATION_REACH_DROP)
        )
        .fill_null(False)
        .alias("saturating")
    )
    rising = (
        frame.filter(pl.col("works") >= RISING_MIN_WORKS, pl.col("growth") > 0)
        .sort(["growth", "genre"], descending=[True, False])
        .head(3)["genre"]
    )
    return frame.with_columns(pl.col("genre").is_in(rising.implode()).alias("rising"))


@query("platforms")
def platforms(data: ReportData) -> pl.DataFrame:
    """Per-episode reach, completion and revenue per 1,000 plays on each platform."""
    current = _window(data, "current")
    per_pair = (
        current.group_by("work_id", "platform")
        .agg(
            pl.col("plays").sum(),
            (pl.col("completion_rate") * pl.col("plays")).sum().alias("completion_weight"),
            pl.col("completion_rate").is_not_null().sum().alias("completion_days"),
            pl.col("recharge_fen").sum(),
            pl.col("ad_revenue_fen").sum(),
        )
        .join(data.works.select("work_id", "episodes"), on="work_id", how="left")
    )
    return (
        per_pair.group_by("platform")
        .agg(
            pl.len().alias("works"),
            pl.col("plays").sum(),
            (pl.col("plays") / pl.col("episodes")).median().alias("per_episode_reach"),
            (
                pl.col("completion_weight").sum()
                / pl.col("plays").filter(pl.col("completion_days") > 0).sum()
            ).alias("completion"),
            (
                (pl.col("recharge_fen").sum() + pl.col("ad_revenue_fen").sum())
                / pl.col("plays").sum()
                * 10.0
            ).alias("revenue_per_1000_plays_yuan"),
        )
        .with_columns((pl.col("plays") / pl.col("plays").sum()).alias("share"))
        .join(data.platforms, on="platform", how="left")
        .sort(["plays", "platform"], descending=[True, False])
    )


@query("cities")
def cities(data: ReportData) -> pl.DataFrame:
    """Production hubs: active works, plays and revenue by the works' city."""
    names = data.works.select("city", "city_en").drop_nulls("city").unique("city")
    return _shares(data, "city").join(names, on="city", how="left")


@query("companies")
def companies(data: ReportData) -> pl.DataFrame:
    """The leading producing companies by plays."""
    return _shares(data, "company").head(TOP_COMPANIES)


def _concentration(frame: pl.DataFrame, level: str) -> dict[str, object]:
    known = frame.filter(pl.col(level) != "unknown")
    shares = (known["plays"] / known["plays"].sum()).sort(descending=True)
    return {
        "level": level,
        "groups": known.height,
        "top3_share": float(shares.head(3).sum()) if known.height else None,
        # Herfindahl–Hirschman index on the 0–10,000 scale competition authorities use.
        "hhi": float((shares * 100).pow(2).sum()) if known.height else None,
    }


@query("concentration")
def concentration(data: ReportData) -> pl.DataFrame:
    """Share of the top 3 and the HHI of plays among companies and among cities."""
    return pl.DataFrame(
        [
            _concentration(_shares(data, "company"), "company"),
            _concentration(_shares(data, "city"), "city"),
        ]
    )


def _integrity_by(data: ReportData, by: str) -> pl.DataFrame:
    flags = data.flags.join(data.works.select("id", "genre"), on="id", how="left").with_columns(
        pl.col("genre").fill_null("unknown"),
        (pl.col("plays") - pl.col("effective_plays")).clip(lower_bound=0).alias("discounted"),
    )
    plays = (
        _window(data, "current")
        .join(data.works.select("work_id", "genre"), on="work_id", how="left")
        .with_columns(pl.col("genre").fill_null("unknown"))
        .group_by(by)
        .agg(pl.col("plays").sum().alias("total_plays"))
    )
    return (
        plays.join(
            flags.group_by(by).agg(
                pl.len().alias("flagged_days"),
                pl.col("id").n_unique().alias("flagged_works"),
                pl.col("plays").sum().alias("flagged_plays"),
                pl.col("discounted").sum().alias("discounted_plays"),
            ),
            on=by,
            how="left",
        )
        .with_columns(
            pl.col("flagged_days", "flagged_works", "flagged_plays").fill_null(0),
            pl.col("discounted_plays").fill_null(0.0),
        )
        .with_columns(
            (pl.col("discounted_plays") / pl.col("total_plays")).alias("discounted_share")
        )
        # By flagged volume: a group with flagged days but nothing discounted still comes
        # before the groups with no flags at all.
        .sort(
            ["discounted_plays", "flagged_plays", "flagged_days", by],
            descending=[True, True, True, False],
        )
    )


@query("integrity_platforms")
def integrity_platforms(data: ReportData) -> pl.DataFrame:
    """Traffic flagged as fake and discounted, by platform."""
    return _integrity_by(data, "platform").join(data.platforms, on="platform", how="left")


@query("integrity_genres")
def integrity_genres(data: ReportData) -> pl.DataFrame:
    """Traffic flagged as fake and discounted, by genre."""
    return _integrity_by(data, "genre")


def _sd(values: pl.Series) -> float | None:
    spread = values.std() if values.len() > 1 else None
    return float(spread) if isinstance(spread, int | float) else None


@query("experts")
def experts(data: ReportData) -> pl.DataFrame:
    """Panel size and agreement: experts, reviews, reviewed works, strong disagreements."""
    return pl.DataFrame(
        {
            "experts": [data.reviews["expert_id"].n_unique()],
            "reviews": [data.reviews.height],
            "works_reviewed": [data.reviews["id"].n_unique()],
            "works_with_disagreement": [int(data.results["disagreement"].sum())],
            "experts_in_model": [data.experts.height],
            "leniency_sd": [_sd(data.experts["leniency"])],
        }
    )


@query("reliability")
def reliability(data: ReportData) -> pl.DataFrame:
    """Krippendorff's alpha of the panel per dimension (from the index run)."""
    schema = {"dimension": pl.Utf8, "alpha": pl.Float64, "works": pl.Int64, "experts": pl.Int64}
    return pl.DataFrame(data.reliability, schema=schema, orient="row")


@query("coverage")
def coverage(data: ReportData) -> pl.DataFrame:
    """What the report read: works, rows, days, platforms, versions."""
    current = _window(data, "current")
    previous = _window(data, "previous")
    run = data.run
    return pl.DataFrame(
        {
            "period_start": [data.requested.start],
            "period_end": [data.requested.end],
            "period_days_total": [data.requested.days],
            "works_in_scope": [data.works.height],
            "works_with_data": [current["work_id"].n_unique()],
            "daily_rows": [current.height],
            "platforms": [current["platform"].n_unique()],
            "first_date": [current["date"].min()],
            "last_date": [current["date"].max()],
            "lake_version": [data.lake_version],
            "index_run": [run.id if run else None],
            "method_version": [run.method_version if run else None],
            "works_ranked": [data.results.height],
            "scoped": [data.scoped],
            "period_days": [data.period.days],
            "previous_start": [data.previous.start],
            "previous_end": [data.previous.end],
            "previous_first_date": [previous["date"].min()],
            "previous_last_date": [previous["date"].max()],
            "comparable": [not previous.is_empty()],
            "previous_method_version": [
                data.previous_run.method_version if data.previous_run else None
            ],
        }
    )
