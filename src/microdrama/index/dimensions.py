"""From flagged daily rows to the raw metrics behind each data dimension, per work and platform.

Pure Polars. Unknown stays unknown: a sum over days is null when no day knows the value.
"""

from __future__ import annotations

import polars as pl

from microdrama.index.config import IndexConfig
from microdrama.index.periods import Period

KEY = ["work_id", "platform"]
# Previous-window days needed before growth against it means anything.
MIN_PREVIOUS_DAYS = 3
# Episodes assumed when a work's count is unknown and its cohort knows none (the median title).
DEFAULT_EPISODES = 70.0


def _known_sum(expr: pl.Expr, name: str) -> pl.Expr:
    return pl.when(expr.count() > 0).then(expr.sum()).alias(name)


def window_summaries(flagged: pl.LazyFrame, *, period: Period, previous: Period) -> pl.LazyFrame:
    """Per work and platform: the window's totals and daily spreads, and the previous window's."""
    current = flagged.filter(pl.col("date").is_between(period.start, period.end))
    revenue = (
        pl.when(pl.col("recharge_fen").is_null() & pl.col("ad_revenue_fen").is_null())
        .then(None)
        .otherwise(pl.col("recharge_fen").fill_null(0) + pl.col("ad_revenue_fen").fill_null(0))
    )
    interactions = pl.sum_horizontal(
        pl.col("effective_likes"), pl.col("comments"), pl.col("shares"), pl.col("favorites")
    )
    completion_known = pl.col("completion_rate").is_not_null() & pl.col("plays").is_not_null()
    summary = (
        current.with_columns(revenue.alias("revenue_fen"), interactions.alias("interactions"))
        .group_by(KEY)
        .agg(
            pl.col("date").n_unique().alias("days"),
            _known_sum(pl.col("plays"), "plays"),
            pl.col("effective_plays").sum().alias("effective_plays"),
            pl.col("effective_plays").std().fill_null(0.0).alias("sd_effective_plays"),
            _known_sum(pl.col("viewers"), "viewers"),
            _known_sum(pl.col("watch_minutes"), "watch_minutes"),
            (
                (pl.col("completion_rate") * pl.col("plays")).filter(completion_known).sum()
                / pl.col("plays").filter(completion_known).sum()
            ).alias("completion"),
            pl.col("completion_rate").std().alias("sd_completion"),
            pl.col("completion_rate").count().alias("completion_days"),
            pl.col("interactions").sum().alias("interactions"),
            _known_sum(pl.col("revenue_fen"), "revenue_fen"),
            pl.col("revenue_fen").std().alias("sd_revenue_fen"),
            _known_sum(pl.col("ad_spend_fen"), "ad_spend_fen"),
            pl.col("flagged").sum().alias("flagged_days"),
        )
    )
    before = (
        flagged.filter(pl.col("date").is_between(previous.start, previous.end))
        .group_by(KEY)
        .agg(
            pl.col("effective_plays").sum().alias("previous_effective_plays"),
            pl.col("date").n_unique().alias("previous_days"),
        )
    )
    return summary.join(before, on=KEY, how="left")


def raw_metrics(
    summaries: pl.DataFrame, works: pl.DataFrame, ratings: pl.DataFrame, config: IndexConfig
) -> pl.DataFrame:
    """The raw value behind every data sub-score, per work and platform, with its cohort.

    works: work_id, episodes, release_date; ratings: work_id, platform, score, votes.
    """
    frame = summaries.join(
        works.select("work_id", "episodes", "release_date"), on="work_id", how="left"
    )
    month = pl.col("release_date").dt.strftime("%Y-%m").fill_null("unknown")
    frame = frame.with_columns((pl.col("platform") + "|" + month).alias("cohort"))
    size = pl.len().over("cohort")
    frame = frame.with_columns(
        pl.when(size >= config.min_cohort)
        .then(pl.col("cohort"))
        .otherwise(pl.col("platform") + "|all")
        .alias("cohort")
    )
    episodes = pl.col("episodes").cast(pl.Float64)
    frame = frame.with_columns(
        episodes.fill_null(episodes.median().over("cohort"))
        .fill_null(DEFAULT_EPISODES)
        .alias("episodes_used")
    )
    frame = frame.join(ratings.select("work_id", "platform", "score", "votes"), on=KEY, how="left")
    cohort_mean = (pl.col("score") * pl.col("votes")).sum().over("cohort") / pl.col("votes").filter(
        pl.col("score").is_not_null()
    ).sum().over("cohort")
    prior_votes = pl.col("votes").quantile(config.rating_prior_votes_quantile).over("cohort")
    votes = pl.col("votes").cast(pl.Float64)
    weighted = (votes / (votes + prior_votes)) * pl.col("score") + (
        prior_votes / (votes + prior_votes)
    ) * cohort_mean
    growth = pl.when(pl.col("previous_days").fill_null(0) >= MIN_PREVIOUS_DAYS).then(
        ((pl.col("effective_plays") + 1) / (pl.col("previous_effective_plays") + 1)).log()
    )
    return frame.with_columns(
        (pl.col("effective_plays") / pl.col("episodes_used")).alias("reach_raw"),
        (pl.col("effective_plays") / pl.col("days") / pl.col("episodes_used")).alias("reach_daily"),
        pl.when(pl.col("viewers") > 0)
        .then(pl.col("watch_minutes") / pl.col("viewers"))
        .alias("watch_per_viewer"),
        pl.when(pl.col("effective_plays") > 0)
        .then(1000 * pl.col("interactions") / pl.col("effective_plays"))
        .alias("interactions_per_k"),
        pl.when(pl.col("ad_spend_fen") > 0)
        .then(pl.col("revenue_fen") / pl.col("ad_spend_fen"))
        .alias("roas"),
        pl.when(pl.col("score").is_not_null() & (votes > 0))
        .then(weighted)
        .alias("weighted_rating"),
        cohort_mean.alias("cohort_rating"),
        growth.alias("growth"),
    ).sort(KEY)
