"""From window summaries to the raw metrics behind each data dimension, per work and platform.

Pure Polars. Unknown stays unknown: a sum over days is null when no day knows the value.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from microdrama.index.method.config import IndexConfig

KEY = ["work_id", "platform"]
# The groups a cohort's scale spans, narrowest first (`_all`: one group of every row).
_SCALES = (["platform", "release_month"], ["platform"], ["release_month"], ["_all"])
INTERACTIONS = ("effective_likes", "comments", "shares", "favorites")
# Previous-window days needed before growth against it means anything.
MIN_PREVIOUS_DAYS = 3
# Episodes assumed when a work's count is unknown and its cohort knows none (the median title).
DEFAULT_EPISODES = 70.0
# Minutes per episode assumed when unknown and the scale knows none (the industry's 1–3 minutes).
DEFAULT_EPISODE_MINUTES = 2.0


def raw_metrics(
    summaries: pl.DataFrame,
    works: pl.DataFrame,
    ratings: pl.DataFrame,
    config: IndexConfig,
    *,
    eligible: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The raw value behind every data sub-score, per work and platform, with its cohort.

    works: work_id, episodes, release_date; ratings: work_id, platform, score, votes;
    eligible: work_id, eligible (None: every work). Cohort sizes, and the typical values that
    stand in for unknown ones, count eligible works only: those are the works on the scale.
    """
    minutes = ["episode_minutes"] if "episode_minutes" in works.columns else []
    frame = summaries.join(
        works.select("work_id", "episodes", *minutes, "release_date"), on="work_id", how="left"
    )
    if not minutes:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("episode_minutes"))
    if eligible is None:
        frame = frame.with_columns(pl.lit(True).alias("on_scale"))
    else:
        frame = frame.join(
            eligible.select("work_id", pl.col("eligible").alias("on_scale")),
            on="work_id",
            how="left",
        ).with_columns(pl.col("on_scale").fill_null(False))
    month = pl.col("release_date").dt.strftime("%Y-%m").fill_null("unknown")
    frame = frame.with_columns(month.alias("release_month"), pl.lit(0).alias("_all"))
    # Widest last: platform × month, the platform, every platform's works of the month, all.
    # A percentile among fewer than `min_cohort` works says little (of one work, nothing).
    level: pl.Expr = pl.lit(len(_SCALES) - 1)
    for index in reversed(range(len(_SCALES) - 1)):
        size = pl.col("on_scale").cast(pl.Int64).sum().over(_SCALES[index])
        level = pl.when(size >= config.min_cohort).then(index).otherwise(level)
    labels = [
        pl.col("platform") + "|" + pl.col("release_month"),
        pl.col("platform") + "|all",
        "all|" + pl.col("release_month"),
        pl.lit("all|all"),
    ]
    cohort: pl.Expr = labels[-1]
    for index in reversed(range(len(labels) - 1)):
        cohort = pl.when(pl.col("scale_level") == index).then(labels[index]).otherwise(cohort)
    frame = frame.with_columns(level.alias("scale_level")).with_columns(cohort.alias("cohort"))
    episodes = pl.col("episodes").cast(pl.Float64)
    frame = frame.with_columns(
        episodes.fill_null(_on_scale(episodes, pl.Expr.median))
        .fill_null(DEFAULT_EPISODES)
        .alias("episodes_used")
    )
    frame = _check_episodes(frame, config)
    frame = frame.join(_checked_ratings(ratings, config), on=KEY, how="left")
    rated = pl.col("score").is_not_null() & (pl.col("votes") > 0)
    # IMDb's C and m: the mean rating of the rated works on the scale (each work once, not
    # weighted by votes, so that one hit's audience does not set everyone's prior) and a
    # quantile of their votes.
    cohort_mean = _on_scale(pl.col("score"), pl.Expr.mean, where=rated)
    quantile = config.rating_prior_votes_quantile
    prior_votes = _on_scale(
        pl.col("votes").cast(pl.Float64), lambda e: e.quantile(quantile), where=rated
    )
    votes = pl.col("votes").cast(pl.Float64)
    weighted = (votes / (votes + prior_votes)) * pl.col("score") + (
        prior_votes / (votes + prior_votes)
    ) * cohort_mean
    # Growth from nothing to nothing is unknown, not zero; both windows per reported day, so a
    # gap in either is not read as a fall or a rise.
    now = pl.col("effective_plays") / pl.col("days")
    before = pl.col("previous_effective_plays") / pl.col("previous_days")
    growth = pl.when(
        (pl.col("previous_days").fill_null(0) >= MIN_PREVIOUS_DAYS)
        & ((pl.col("effective_plays") > 0) | (pl.col("previous_effective_plays") > 0))
    ).then(((now + 1) / (before + 1)).log())
    frame = frame.with_columns(_interactions())
    return (
        frame.with_columns(
            # Reach per reported day: a day the platform did not report is unknown, not zero
            # plays, so a work with gaps or a late start is not sunk by what nobody counted.
            (pl.col("effective_plays") / pl.col("days") / pl.col("episodes_used")).alias(
                "reach_raw"
            ),
            pl.col("watch_per_viewer").fill_nan(None),
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
        )
        .drop("_all", "scale_level", "on_scale")
        .sort(KEY)
    )


def _checked_ratings(ratings: pl.DataFrame, config: IndexConfig) -> pl.DataFrame:
    """Ratings with a sudden block of votes between two imports set back to the earlier value.

    A block is suspicious when the votes added since the import before are at least
    `rating_jump` times the votes it had and their mean (what the block scored, from the two
    weighted means) sits `rating_jump_points` or more from the earlier score: bought 10.0 votes
    and review bombing with 1.0 both look so; an audience that grows keeps scoring about alike.
    Such a rating counts as it was before the block (`rating_suspicious`).
    """
    frame = ratings
    for name, dtype in (("previous_score", pl.Float64), ("previous_votes", pl.Int64)):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype).alias(name))
    votes, before = pl.col("votes").cast(pl.Float64), pl.col("previous_votes").cast(pl.Float64)
    added = votes - before
    block = (pl.col("score") * votes - pl.col("previous_score") * before) / added
    suspicious = (
        (before > 0)
        & (added >= config.rating_jump * before)
        & ((block - pl.col("previous_score")).abs() >= config.rating_jump_points)
    ).fill_null(False)
    return frame.select(
        *KEY,
        pl.when(suspicious).then(pl.col("previous_score")).otherwise("score").alias("score"),
        pl.when(suspicious).then(pl.col("previous_votes")).otherwise("votes").alias("votes"),
        pl.col("score").alias("score_reported"),
        pl.col("votes").alias("votes_reported"),
        suspicious.alias("rating_suspicious"),
    )


def _check_episodes(frame: pl.DataFrame, config: IndexConfig) -> pl.DataFrame:
    """Declared episodes against the watching they must hold: reach is per episode, so a work
    that declares a quarter of its episodes would quadruple it.

    A typical day's watch minutes per viewer is a share of the series' runtime (episodes ×
    minutes) that varies little between works; a declared runtime whose share sits
    `episode_factor` times above its scale's median cannot hold what its viewers watch. Such a
    work's reach counts the episodes the watching implies instead, and says so
    (`episodes_declared`, `episodes_implausible`).
    """
    minutes = pl.col("episode_minutes").cast(pl.Float64)
    minutes_used = minutes.fill_null(_on_scale(minutes, pl.Expr.median)).fill_null(
        DEFAULT_EPISODE_MINUTES
    )
    frame = frame.with_columns(minutes_used.alias("minutes_used"))
    share = pl.col("watch_per_viewer") / (pl.col("episodes_used") * pl.col("minutes_used"))
    frame = frame.with_columns(share.fill_nan(None).alias("runtime_share"))
    typical = _on_scale(pl.col("runtime_share"), pl.Expr.median, where=pl.col("runtime_share") > 0)
    implied = pl.col("watch_per_viewer") / pl.col("minutes_used") / typical
    implausible = (
        pl.col("episodes").is_not_null()
        & (pl.col("runtime_share") > config.episode_factor * typical)
    ).fill_null(False)
    return frame.with_columns(
        pl.col("episodes").alias("episodes_declared"),
        implausible.alias("episodes_implausible"),
        pl.when(implausible)
        .then(implied)
        .otherwise(pl.col("episodes_used"))
        .alias("episodes_used"),
    ).drop("minutes_used", "runtime_share")


def _on_scale(
    expr: pl.Expr, aggregate: Callable[[pl.Expr], pl.Expr], *, where: pl.Expr | None = None
) -> pl.Expr:
    """`aggregate` of `expr` over the eligible rows of each row's scale (`scale_level`)."""
    wanted = pl.col("on_scale") if where is None else pl.col("on_scale") & where
    result: pl.Expr = aggregate(expr.filter(wanted)).over(_SCALES[-1])
    for index in reversed(range(len(_SCALES) - 1)):
        over = aggregate(expr.filter(wanted)).over(_SCALES[index])
        result = pl.when(pl.col("scale_level") == index).then(over).otherwise(result)
    return result


def _interactions() -> pl.Expr:
    """Likes, comments, shares and favourites; one a platform does not report counts at the
    rate typical of the works on the same scale that do report it (per play), so an unreported
    kind is neither zero nor a bonus. Unknown when none of the four is known."""
    total: pl.Expr = pl.lit(0.0)
    for name in INTERACTIONS:
        reported = pl.col(name).is_not_null() & (pl.col("effective_plays") > 0)
        typical = _on_scale(
            pl.col(name) / pl.col("effective_plays"), pl.Expr.median, where=reported
        )
        total = total + pl.col(name).cast(pl.Float64).fill_null(
            pl.col("effective_plays") * typical.fill_null(0.0)
        )
    any_known = pl.any_horizontal(pl.col(name).is_not_null() for name in INTERACTIONS)
    return pl.when(any_known).then(total).alias("interactions")
