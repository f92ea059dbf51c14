"""Simulated demo data (模拟数据 · Simulated data): a catalogue, daily metrics, ratings, reviews.

Nothing produced here describes a real drama, company or person. The frames imitate what users
import (the four kinds in `microdrama.ingest.columns.SPECS`) and come with the hidden truth
(latent quality, planted fake traffic, expert leniency) so that the index and the fraud checks
can be tested against known answers.

Calibration rows are cited as [facts: SECTION / ROW] from `shared/industry_facts.md`.
Everything is vectorised with numpy over all works and days; only work-level strings (titles,
names) are built in Python loops.

This module is the entry point; the parts live beside it: `works` (the catalogue),
`daily_metrics` (daily series, revenue, fake traffic), `ratings_reviews` (platform ratings and
expert panels), with their word banks and weight tables in `banks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from microdrama.catalog.vocab import SIMULATED_NOTICE as SIMULATED_NOTICE
from microdrama.demo.config import SimulationConfig as SimulationConfig
from microdrama.demo.daily_metrics import simulate_metrics, simulate_series
from microdrama.demo.ratings_reviews import simulate_ratings, simulate_reviews
from microdrama.demo.works import simulate_works, works_frame


@dataclass(frozen=True)
class DemoData:
    """The four import frames plus the hidden truth behind them.

    Import frames use the canonical columns of `SPECS` with natural dtypes (Int64 counts,
    Float64 money rounded to 2 decimals, Date days); null means unknown or not applicable
    (recharge of an IAA work, ad revenue of an IAP work, ad spend of most works).
    Truth frames:
    - truth_works: work_id, latent_quality (standard normal), fraud (bool), popularity (natural
      log of lifetime plays on the primary platform, also those outside the window);
    - truth_fraud: work_id, platform, start, end (inclusive dates), kind ("plays", "likes",
      "plays_and_likes"), factor (the multiplier of the faked counts);
    - truth_experts: expert_id, leniency (score points added), noise_sd (score points).
    """

    works: pl.DataFrame
    metrics: pl.DataFrame
    ratings: pl.DataFrame
    reviews: pl.DataFrame
    truth_works: pl.DataFrame
    truth_fraud: pl.DataFrame
    truth_experts: pl.DataFrame


# --- public entry point -----------------------------------------------------------------------


def simulate(config: SimulationConfig) -> DemoData:
    """Simulate a whole demo catalogue, deterministic for `config.seed`."""
    if config.works < 1 or config.days < 1 or config.experts < 1:
        raise ValueError("works, days and experts must be positive")
    rng = np.random.default_rng(config.seed)
    works = simulate_works(config, rng)
    series = simulate_series(config, works, rng)
    metrics = simulate_metrics(config, works, series, rng)
    ratings = simulate_ratings(works, series, metrics.series_viewers, rng)
    reviews, experts = simulate_reviews(config, works, rng)
    truth_works = pl.DataFrame(
        {
            "work_id": works["work_id"],
            "latent_quality": works["q"],
            "fraud": metrics.fraud_works,
            "popularity": works["log_life"],
        }
    )
    return DemoData(
        works=works_frame(works),
        metrics=metrics.frame,
        ratings=ratings,
        reviews=reviews,
        truth_works=truth_works,
        truth_fraud=metrics.fraud,
        truth_experts=experts,
    )
