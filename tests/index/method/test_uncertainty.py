"""Bootstrap intervals, tiers and rank stability, on hand-built works without a database."""

from __future__ import annotations

import numpy as np

from microdrama.index.method.config import DATA_DIMENSIONS, IndexConfig
from microdrama.index.method.scoring import Layout, submetrics
from microdrama.index.method.uncertainty import (
    TIERS,
    Expert,
    Intervals,
    Noise,
    bootstrap,
    point_scores,
    stability,
    tiers,
)

WORKS = 40


def _intervals(score: list[float], low: list[float], high: list[float]) -> Intervals:
    values = np.array(score, dtype=float)
    rank = (-values).argsort().argsort().astype(float) + 1
    return Intervals(
        score=values,
        score_low=np.array(low, dtype=float),
        score_high=np.array(high, dtype=float),
        rank=rank,
        rank_low=rank,
        rank_high=rank,
    )


def _world(sd: float) -> tuple[Noise, Layout, Expert, np.ndarray, np.ndarray, IndexConfig]:
    """WORKS works on one platform, ordered alike by every sub-metric, each with noise `sd`."""
    config = IndexConfig()
    quality = np.linspace(1.0, 100.0, WORKS)
    names = list(submetrics(config))
    noise = Noise(
        baseline={name: quality.copy() for name in names},
        sd={name: np.full(WORKS, sd) for name in names},
    )
    layout = Layout(
        cohort=np.zeros(WORKS, dtype=np.int64),
        work=np.arange(WORKS, dtype=np.int64),
        weight=np.ones(WORKS),
        works=WORKS,
    )
    expert = Expert(score=np.full(WORKS, np.nan), se=np.zeros(WORKS))
    return noise, layout, expert, np.ones(WORKS), np.ones(WORKS, dtype=bool), config


def _run(sd: float) -> tuple[Intervals, np.ndarray]:
    noise, layout, expert, integrity, eligible, config = _world(sd)
    _, _, point = point_scores(noise, layout, expert, integrity, eligible, config)
    return bootstrap(noise, layout, expert, integrity, eligible, config, point), point


def test_works_whose_intervals_reach_the_leaders_share_its_tier() -> None:
    labels = tiers(_intervals([90, 88, 70, 69], [85, 84, 65, 64], [95, 89, 75, 71]))
    assert labels == [TIERS[0], TIERS[0], TIERS[1], TIERS[1]]


def test_a_work_clear_of_the_next_gets_a_tier_of_its_own_and_unranked_works_none() -> None:
    intervals = _intervals([90, 50, 10], [88, 48, 8], [92, 52, 12])
    intervals.rank[2] = np.nan
    assert tiers(intervals) == [TIERS[0], TIERS[1], None]


def test_without_noise_the_interval_is_the_point_score_and_the_rank_is_certain() -> None:
    intervals, point = _run(sd=0.0)
    np.testing.assert_allclose(intervals.score_low, point, atol=1e-3)
    np.testing.assert_allclose(intervals.score_high, point, atol=1e-3)
    assert (intervals.rank_low == intervals.rank).all() and (
        intervals.rank_high == intervals.rank
    ).all()
    assert intervals.rank[-1] == 1 and intervals.rank[0] == WORKS  # best quality ranks first


def test_noise_widens_the_intervals_around_the_point_score_and_the_rank() -> None:
    quiet, _ = _run(sd=1.0)
    loud, point = _run(sd=30.0)
    assert ((loud.score_high - loud.score_low) >= (quiet.score_high - quiet.score_low) - 1e-6).all()
    assert (loud.score_high - loud.score_low).mean() > (quiet.score_high - quiet.score_low).mean()
    assert (loud.score_low <= point + 1e-3).all() and (point <= loud.score_high + 1e-3).all()
    assert (loud.rank_low <= loud.rank).all() and (loud.rank <= loud.rank_high).all()


def test_the_bootstrap_is_deterministic_for_a_seed() -> None:
    first, _ = _run(sd=10.0)
    second, _ = _run(sd=10.0)
    np.testing.assert_array_equal(first.score_low, second.score_low)
    np.testing.assert_array_equal(first.rank_high, second.rank_high)


def test_a_ranking_that_every_dimension_agrees_on_does_not_move_when_weights_do() -> None:
    config = IndexConfig()
    quality = np.linspace(0.0, 100.0, WORKS)
    dims = {d: quality.copy() for d in DATA_DIMENSIONS}
    point = quality.copy()
    result = stability(
        dims, np.full(WORKS, np.nan), np.ones(WORKS), np.ones(WORKS, bool), config, point
    )
    assert result["kendall_tau_mean"] == 1.0 and result["top100_overlap_mean"] == 1.0


def test_a_ranking_that_rests_on_one_dimension_against_the_others_moves_with_the_weights() -> None:
    config = IndexConfig()
    rng = np.random.default_rng(7)
    dims = {d: rng.uniform(0, 100, WORKS) for d in DATA_DIMENSIONS}
    point = sum(dims[d] * w for d, w in config.data_weights().items())
    result = stability(
        dims, np.full(WORKS, np.nan), np.ones(WORKS), np.ones(WORKS, bool), config, point
    )
    assert result["kendall_tau_min"] < 1.0 and result["draws"] == config.stability_draws
