"""Simulated opinions: platform ratings per (work, platform) and expert review panels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from microdrama.demo.banks import PLATFORMS, REVIEW_COMMENTS, REVIEW_DIMENSIONS
from microdrama.demo.sampling import EPOCH, F64
from microdrama.ingest.columns import SPECS

if TYPE_CHECKING:
    from microdrama.demo.config import SimulationConfig


def simulate_ratings(
    w: dict[str, Any], s: dict[str, Any], viewers: F64, rng: np.random.Generator
) -> pl.DataFrame:
    """One rating per (work, platform) for ~90% of series seen in the window."""
    rated = np.flatnonzero((viewers > 0) & (rng.random(viewers.size) < 0.9))
    work = s["work"][rated]
    score = np.round(np.clip(6.8 + 1.1 * w["q"][work] + rng.normal(0, 0.6, rated.size), 1, 10), 1)
    votes = np.maximum(1, np.rint(0.2 * viewers[rated] ** 0.7 * rng.lognormal(0, 0.5, rated.size)))
    return pl.DataFrame(
        {
            "work_id": pl.Series(w["work_id"], dtype=pl.Utf8).gather(work),
            "platform": [PLATFORMS[p][0] for p in s["platform"][rated].tolist()],
            "score": score,
            "votes": votes.astype(np.int64),
        }
    ).sort("work_id", "platform")


def simulate_reviews(
    config: SimulationConfig, w: dict[str, Any], rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Expert panels of 3-7 for a popularity-biased share of works."""
    n, e = w["n"], config.experts
    width = max(3, len(str(e)))
    expert_ids = [f"E{i:0{width}d}" for i in range(1, e + 1)]
    leniency = rng.normal(0, 0.8, e)
    noise_sd = rng.uniform(0.6, 1.5, e)
    n_reviewed = round(config.reviewed_share * n)
    # Weighted sampling without replacement, weight ~ sqrt(lifetime plays).
    keys = 0.5 * w["log_life"] + rng.gumbel(size=n)
    reviewed = np.sort(np.argsort(-keys)[:n_reviewed])
    panel = rng.integers(3, 8, n_reviewed).clip(max=e)
    order = np.argsort(rng.random((n_reviewed, e)), axis=1)
    take = np.arange(e)[None, :] < panel[:, None]
    work = np.repeat(reviewed, panel)
    expert = order[take]
    rows = work.size
    end_abs = (config.end_date - EPOCH).days
    lo = np.maximum(end_abs - 29, w["release_abs"][work])
    reviewed_on = lo + np.floor(rng.random(rows) * (end_abs - lo + 1)).astype(np.int64)
    base = 6 + 1.2 * w["q"][work] + leniency[expert]
    data: dict[str, Any] = {
        "work_id": pl.Series(w["work_id"], dtype=pl.Utf8).gather(work),
        "expert_id": pl.Series(expert_ids, dtype=pl.Utf8).gather(expert),
    }
    total = np.zeros(rows)
    for name, offset in REVIEW_DIMENSIONS:
        score = np.rint(np.clip(base + offset + rng.normal(0, 1, rows) * noise_sd[expert], 1, 10))
        data[name] = score.astype(np.int64)
        total += score
    band = np.digitize(total / len(REVIEW_DIMENSIONS), [5.0, 7.5])
    pick = rng.integers(0, 4, rows)
    data["comment"] = [
        REVIEW_COMMENTS[b][p] for b, p in zip(band.tolist(), pick.tolist(), strict=True)
    ]
    data["reviewed_on"] = pl.Series(reviewed_on.astype(np.int32)).cast(pl.Date)
    reviews = pl.DataFrame(data).select(SPECS["reviews"].all).sort("work_id", "expert_id")
    experts = pl.DataFrame({"expert_id": expert_ids, "leniency": leniency, "noise_sd": noise_sd})
    return reviews, experts
