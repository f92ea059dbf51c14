"""Checks of the index against the simulator's ground truth, which the index never reads."""

from __future__ import annotations

from datetime import date

import polars as pl
from scipy.stats import spearmanr

from microdrama.index.method.experts import DIMENSIONS


def quality_correlation(results: pl.DataFrame, truth_works: pl.DataFrame) -> float:
    """Spearman correlation between ranked works' scores and their latent quality."""
    joined = results.filter(pl.col("score").is_not_null()).join(
        truth_works.select("work_id", "latent_quality"), on="work_id"
    )
    return float(spearmanr(joined["score"], joined["latent_quality"]).statistic)


def fraud_works(truth_fraud: pl.DataFrame, start: date, end: date) -> set[str]:
    """Works with a planted fake-traffic burst overlapping the window."""
    overlapping = truth_fraud.filter((pl.col("start") <= end) & (pl.col("end") >= start))
    return set(overlapping["work_id"].to_list())


def detection(results: pl.DataFrame, planted: set[str]) -> dict[str, float]:
    """Work-level precision and recall of the integrity flags against the planted cases."""
    flagged = set(results.filter(pl.col("flagged_days") > 0)["work_id"].to_list())
    hits = len(flagged & planted)
    return {
        "flagged": float(len(flagged)),
        "planted": float(len(planted)),
        "precision": hits / len(flagged) if flagged else 1.0,
        "recall": hits / len(planted) if planted else 1.0,
    }


def fraud_in_top(results: pl.DataFrame, planted: set[str], top: int = 100) -> list[str]:
    """Planted-fraud works that made the top of the ranking."""
    best = results.filter(pl.col("rank").is_not_null() & (pl.col("rank") <= top))
    return sorted(set(best["work_id"].to_list()) & planted)


def rater_correction(
    reviews: pl.DataFrame, expert_works: pl.DataFrame, truth_works: pl.DataFrame
) -> dict[str, float]:
    """Rank error (1 − Spearman) against latent quality: raw panel means vs corrected scores."""
    raw = reviews.group_by("work_id").agg(pl.mean_horizontal(*DIMENSIONS).mean().alias("raw_mean"))
    joined = (
        expert_works.filter(pl.col("eligible"))
        .select("work_id", "score")
        .join(raw, on="work_id")
        .join(truth_works.select("work_id", "latent_quality"), on="work_id")
    )
    raw_rho = float(spearmanr(joined["raw_mean"], joined["latent_quality"]).statistic)
    corrected_rho = float(spearmanr(joined["score"], joined["latent_quality"]).statistic)
    return {
        "works": float(joined.height),
        "raw_error": 1 - raw_rho,
        "corrected_error": 1 - corrected_rho,
    }
