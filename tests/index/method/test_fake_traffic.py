"""The arithmetic of the integrity checks: sorting networks and the rolling median of a block."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from microdrama.index.method.fake_traffic import rolling_median, selection_network, sorting_network


@pytest.mark.parametrize("n", range(1, 11))
def test_every_sorting_network_sorts_every_input_of_zeros_and_ones(n: int) -> None:
    # The 0-1 principle: a comparator network that sorts every 0/1 input sorts every input.
    for bits in itertools.product((0, 1), repeat=n):
        values = list(bits)
        for i, j in sorting_network(n):
            assert i < j
            values[i], values[j] = min(values[i], values[j]), max(values[i], values[j])
        assert values == sorted(bits), bits


@pytest.mark.parametrize("n", range(1, 10))
def test_a_selection_network_gives_the_middle_order_statistics(n: int) -> None:
    wanted = {(n - 1) // 2, n // 2}
    steps = selection_network(n, wanted)
    assert len(steps) <= len(sorting_network(n))
    rng = np.random.default_rng(n)
    for _ in range(200):
        start = list(rng.integers(0, 4, n))
        values = list(start)
        for i, j, keep_low, keep_high in steps:
            low, high = min(values[i], values[j]), max(values[i], values[j])
            values[i] = low if keep_low else -99  # an output nobody reads
            values[j] = high if keep_high else -99
        for k in wanted:
            assert values[k] == sorted(start)[k], (start, k)


@pytest.mark.parametrize("window", range(1, 10))
def test_the_rolling_median_of_a_block_is_polars_own_on_every_row(window: int) -> None:
    rng = np.random.default_rng(window)
    x = rng.integers(0, 6, (12, 40)).astype(float)  # small integers: many ties
    x[rng.random(x.shape) < 0.25] = np.nan
    x[3, 25:] = np.nan  # padding, as a block of unlike lengths has
    with np.errstate(all="ignore"):
        got = rolling_median(x, window)
    for row, values in zip(got, x, strict=True):
        series = pl.Series(values).fill_nan(None)
        want = series.rolling_median(window, min_samples=1, center=True).fill_null(np.nan)
        np.testing.assert_array_equal(row, want.to_numpy())
