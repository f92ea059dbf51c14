"""From window summaries to the raw metrics behind each data dimension, per work and platform.

Pure Polars. Unknown stays unknown: a sum over days is null when no day knows the value.
"""

from __future__ import annotations

import polars as pl

from microdrama.index.config import IndexConfig

KEY = ["work_id", "platform"]
INTERACTIONS = ("effective_likes", "comments", "shares", "favorites")
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
    frame = frame.with_columns(month.alias("month"))
    # Widest last: platform × month, the platform, every platform's works of the month, all.
    # A percentile among fewer than `min_cohort` works says little (of one work, nothing).
    choices = [
        (["platform", "month"], pl.col("platform") + "|" + pl.col("month")),
        (["platform"], pl.col("platform") + "|all"),
        (["month"], "all|" + pl.col("month")),
    ]
    cohort: pl.Expr = pl.lit("all|all")
    for keys, label in reversed(choices):
        cohort = pl.when(pl.len().over(keys) >= config.min_cohort).then(label).otherwise(cohort)
    frame = frame.with_columns(cohort.alias("cohort")).rename({"month": "release_month"})
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
    # Growth from nothing to nothing is unknown, not zero.
    growth = pl.when(
        (pl.col("previous_days").fill_null(0) >= MIN_PREVIOUS_DAYS)
        & ((pl.col("effective_plays") > 0) | (pl.col("previous_effective_plays") > 0))
    ).then(((pl.col("effective_plays") + 1) / (pl.col("previous_effective_plays") + 1)).log())
    frame = frame.with_columns(_interactions())
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


def _interactions() -> pl.Expr:
    """Likes, comments, shares and favourites; one a platform does not report counts at the
    rate typical of the cohort's works that do report it (per play), so an unreported kind is
    neither zero nor a bonus. Unknown when none of the four is known."""
    total: pl.Expr = pl.lit(0.0)
    for name in INTERACTIONS:
        reported = pl.col(name).is_not_null() & (pl.col("effective_plays") > 0)
        typical = (
            (pl.col(name) / pl.col("effective_plays")).filter(reported).median().over("cohort")
        )
        total = total + pl.col(name).cast(pl.Float64).fill_null(
            pl.col("effective_plays") * typical.fill_null(0.0)
        )
    any_known = pl.any_horizontal(pl.col(name).is_not_null() for name in INTERACTIONS)
    return pl.when(any_known).then(total).alias("interactions")
