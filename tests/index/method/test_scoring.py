"""The index's pure maths: periods, cohort percentiles, renormalised weights, composite, tiers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from microdrama.errors import PeriodError
from microdrama.index.method.config import DATA_DIMENSIONS, IndexConfig
from microdrama.index.method.periods import parse_period
from microdrama.index.method.scoring import (
    Layout,
    cohort_percentiles,
    composite,
    contributions,
    ranks,
    to_works,
    weighted_nanmean,
)
from microdrama.index.method.uncertainty import Intervals, tiers


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2025-11", date(2025, 11, 1), date(2025, 11, 30), "2025-10"),
        ("2025-1", date(2025, 1, 1), date(2025, 1, 31), "2024-12"),
        ("2025-W47", date(2025, 11, 17), date(2025, 11, 23), "2025-W46"),
        ("2025-w01", date(2024, 12, 30), date(2025, 1, 5), "2024-W52"),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), "2025-Q3"),
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2024"),
    ],
)
def test_periods_name_their_days_and_their_predecessor(
    text: str, start: date, end: date, previous: str
) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.previous_name()) == (start, end, previous)
    assert period.previous().days == period.days


def test_all_spans_the_data_and_as_of_cuts_the_window() -> None:
    period = parse_period("all", data_start=date(2025, 6, 1), data_end=date(2025, 11, 30))
    assert period.days == 183
    assert parse_period("2025-11").until(date(2025, 11, 10)).end == date(2025, 11, 10)
    with pytest.raises(PeriodError, match="before the period"):
        parse_period("2025-11").until(date(2025, 10, 1))


@pytest.mark.parametrize("text", ["2025-13", "2025-W60", "November", "", "all"])
def test_a_period_that_cannot_be_read_is_a_clear_error(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_percentiles_are_within_each_cohort_with_average_ranks_for_ties() -> None:
    values = np.array([1.0, 2.0, 2.0, 4.0, 100.0, np.nan])
    cohort = np.array([0, 0, 0, 0, 1, 1])
    pct = cohort_percentiles(values, values, cohort)
    assert pct[:4].tolist() == [12.5, 50.0, 50.0, 87.5]
    assert pct[4] == 50.0 and np.isnan(pct[5])


def test_unknown_parts_renormalise_the_weights_instead_of_counting_as_zero() -> None:
    known = weighted_nanmean([(np.array([80.0]), 0.7), (np.array([np.nan]), 0.3)])
    assert known[0] == pytest.approx(80.0)
    assert np.isnan(weighted_nanmean([(np.array([np.nan]), 1.0)])[0])


def test_platform_rows_combine_into_a_work_weighted_by_plays() -> None:
    layout = Layout(
        cohort=np.array([0, 1, 0]),
        work=np.array([0, 0, 1]),
        weight=np.array([3.0, 1.0, 1.0]),
        works=2,
    )
    combined = to_works(np.array([100.0, 0.0, 40.0]), layout)
    assert combined.tolist() == [75.0, 40.0]
    replicated = to_works(np.array([[100.0, 0.0, 40.0], [0.0, 100.0, np.nan]]), layout)
    assert replicated[0].tolist() == [75.0, 40.0]
    assert replicated[1][0] == 25.0 and np.isnan(replicated[1][1])


def _dims(value: float) -> dict[str, np.ndarray]:
    return {d: np.array([value]) for d in DATA_DIMENSIONS}


def test_a_work_without_experts_scores_on_data_alone_and_integrity_is_no_second_penalty() -> None:
    config = IndexConfig()
    data_only = composite(_dims(60.0), np.array([np.nan]), np.array([1.0]), config)
    assert data_only[0] == pytest.approx(60.0)
    # star-1.3: the fake traffic is discounted in the dimensions, not punished again here.
    with_panel = composite(_dims(60.0), np.array([100.0]), np.array([0.5]), config)
    assert with_panel[0] == pytest.approx(0.6 * 60 + 0.4 * 100)
    # A penalty is a published choice of its own: 1 − penalty × (1 − integrity).
    punishing = IndexConfig(integrity_penalty=1.0)
    scaled = composite(_dims(60.0), np.array([100.0]), np.array([0.5]), punishing)
    assert scaled[0] == pytest.approx(0.5 * (0.6 * 60 + 0.4 * 100))
    half = composite(
        _dims(60.0), np.array([100.0]), np.array([0.5]), IndexConfig(integrity_penalty=0.5)
    )
    assert half[0] == pytest.approx(0.75 * (0.6 * 60 + 0.4 * 100))


def test_contributions_add_up_to_the_score() -> None:
    config = IndexConfig()
    dims = {
        "reach": 90.0,
        "engagement": 40.0,
        "commercial": float("nan"),
        "reputation": 70.0,
        "momentum": 10.0,
    }
    parts = contributions(dims, 55.0, 0.8, config)
    score = composite(
        {k: np.array([v]) for k, v in dims.items()}, np.array([55.0]), np.array([0.8]), config
    )[0]
    assert sum(p["contribution"] or 0.0 for p in parts.values()) == pytest.approx(score)
    assert parts["commercial"]["weight"] == 0.0
    assert sum(p["weight"] or 0.0 for p in parts.values()) == pytest.approx(1.0)


def test_ranks_put_the_best_first_and_leave_unranked_works_out() -> None:
    assert ranks(np.array([5.0, np.nan, 9.0, 7.0]))[[0, 2, 3]].tolist() == [3.0, 1.0, 2.0]
    assert np.isnan(ranks(np.array([5.0, np.nan]))[1])


def test_works_whose_intervals_overlap_share_a_tier() -> None:
    score = np.array([90.0, 88.0, 70.0, 69.0, 30.0])
    intervals = Intervals(
        score=score,
        score_low=score - 3,
        score_high=score + 3,
        rank=ranks(score),
        rank_low=ranks(score),
        rank_high=ranks(score),
    )
    assert tiers(intervals) == ["A+", "A+", "A", "A", "A-"]
