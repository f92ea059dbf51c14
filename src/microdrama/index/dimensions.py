"""From window summaries to the raw metrics behind each data dimension, per work and platform.

Pure Polars. Unknown stays unknown: a sum over days is null when no day knows the value.
"""

from __future__ import annotations

import polars as pl

from microdrama.index.config import IndexConfig

KEY = ["work_id", "platform"]
# Previous-window days needed before growth against it means anything.
MIN_PREVIOUS_DAYS = 3
# Episodes assumed when a work's count is unknown and its cohort knows none (the median title).
DEFAULT_EPISODES = 70.0


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
