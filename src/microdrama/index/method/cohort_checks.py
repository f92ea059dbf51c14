"""Star Index step 1b: fraud that keeps its own ratios, seen against the work's cohort.

Bots bought over a work's whole life with matching viewers, completion and likes leave every
day-to-day ratio of its own series in place, so no check of `integrity` can see them. What they
cannot bring cheaply is money and effort: a series whose money per play *and* comments, shares
and favourites per play both sit far under the series of its cohort (same platform, paid or
free) is judged to carry plays nobody paid or cared for. Each measure's robust z-score against
its cohort (median and MAD on the log scale) must reach `cohort_z`, and each must be under half
the cohort's median: either alone also describes an honest work that sells badly or draws few
comments. Such a series keeps the plays its money and interactions support at the cohort's
median rates (the geometric mean of the two, never more than it had), and says so.

Pure Polars on the window's summaries (one row per work and platform).
"""

from __future__ import annotations

import math

import polars as pl

from microdrama.index.method.fake_traffic import IntegrityParams

KEY = ["work_id", "platform"]
EFFORT = ("comments", "shares", "favorites")


def check(summaries: pl.DataFrame, params: IntegrityParams) -> pl.DataFrame:
    """The summaries with `effective_plays` cut where the cohort check fires, and its columns:
    cohort_flagged, cohort_kept (the share of plays kept), cohort_reason."""
    effort = pl.sum_horizontal(pl.col(c).cast(pl.Float64) for c in EFFORT)
    effort_known = pl.any_horizontal(pl.col(c).is_not_null() for c in EFFORT)
    plays = pl.col("effective_plays")
    checked = (
        (plays >= params.cohort_min_plays)
        & pl.col("revenue_fen").is_not_null()
        & (pl.col("revenue_fen") > 0)
        & effort_known
    )
    frame = summaries.with_columns(
        (pl.col("recharge_days").fill_null(0) > 0).alias("_pays"),
        pl.when(checked).then((pl.col("revenue_fen") / plays).log()).alias("_money"),
        pl.when(checked).then(((effort + 0.5) / plays).log()).alias("_effort"),
    )
    group = ["platform", "_pays"]
    size = pl.col("_money").count().over(group)
    out = []
    for name in ("_money", "_effort"):
        median = pl.col(name).median().over(group)
        spread = ((pl.col(name) - median).abs().median().over(group) * 1.4826).clip(
            lower_bound=params.min_spread
        )
        out += [
            median.alias(f"{name}_median"),
            ((median - pl.col(name)) / spread).alias(f"{name}_z"),
        ]
    frame = frame.with_columns(*out)
    under = math.log(params.cohort_factor)
    fires = (
        (size >= params.cohort_min_series)
        & (pl.col("_money_z") >= params.cohort_z)
        & (pl.col("_effort_z") >= params.cohort_z)
        & (pl.col("_money_median") - pl.col("_money") >= under)
        & (pl.col("_effort_median") - pl.col("_effort") >= under)
    ).fill_null(False)
    kept = (
        (
            (
                (pl.col("_money") - pl.col("_money_median"))
                + (pl.col("_effort") - pl.col("_effort_median"))
            )
            / 2
        )
        .exp()
        .clip(upper_bound=1.0)
    )
    reason = pl.format(
        "money per play {}× and comments, shares and favourites per play {}× under the cohort's "
        "median ({} on {}): plays nobody paid or cared for",
        _times(pl.col("_money_median") - pl.col("_money")),
        _times(pl.col("_effort_median") - pl.col("_effort")),
        pl.when(pl.col("_pays")).then(pl.lit("paid works")).otherwise(pl.lit("free works")),
        pl.col("platform"),
    )
    return (
        frame.with_columns(
            fires.alias("cohort_flagged"),
            pl.when(fires).then(kept).otherwise(1.0).alias("cohort_kept"),
            pl.when(fires).then(reason).alias("cohort_reason"),
        )
        .with_columns(
            (plays * pl.col("cohort_kept")).alias("effective_plays"),
        )
        .drop(
            "_pays", "_money", "_effort", "_money_median", "_money_z", "_effort_median", "_effort_z"
        )
    )


def _times(log_ratio: pl.Expr) -> pl.Expr:
    return log_ratio.exp().round_sig_figs(2).cast(pl.Utf8).str.strip_suffix(".0")


def per_work(checked: pl.DataFrame) -> pl.DataFrame:
    """Per work: the days its cohort-flagged series cover, the plays the check took, and why."""
    flagged = checked.filter(pl.col("cohort_flagged"))
    return flagged.group_by("work_id").agg(
        pl.col("days").sum().alias("cohort_days"),
        (pl.col("effective_plays") / pl.col("cohort_kept") - pl.col("effective_plays"))
        .sum()
        .alias("cohort_discounted"),
        pl.concat_str(pl.col("platform"), pl.lit(": "), pl.col("cohort_reason"))
        .str.join("; ")
        .alias("cohort_reason"),
    )
