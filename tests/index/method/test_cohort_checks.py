"""Step 1b: a series that keeps its own ratios but brings neither money nor effort is seen
against its cohort; one that only sells badly, or only draws few comments, is not."""

from __future__ import annotations

import numpy as np
import polars as pl

from microdrama.index.method.cohort_checks import check, per_work
from microdrama.index.method.fake_traffic import IntegrityParams


def cohort(n: int = 80, seed: int = 3) -> pl.DataFrame:
    """Free works on one platform: money and interactions per play varying by work."""
    rng = np.random.default_rng(seed)
    plays = rng.lognormal(11, 0.5, n)
    return pl.DataFrame(
        {
            "work_id": [f"W{i:03d}" for i in range(n)],
            "platform": ["快手"] * n,
            "days": [30] * n,
            "effective_plays": plays,
            "revenue_fen": plays * 3.0 * rng.lognormal(0, 0.3, n),
            "comments": np.rint(plays * 0.004 * rng.lognormal(0, 0.3, n)).astype(np.int64),
            "shares": np.rint(plays * 0.002 * rng.lognormal(0, 0.3, n)).astype(np.int64),
            "favorites": np.rint(plays * 0.002 * rng.lognormal(0, 0.3, n)).astype(np.int64),
            "recharge_days": [0] * n,
        }
    )


def inflated(
    frame: pl.DataFrame, work: str, *, money: bool, effort: bool, k: float = 4.0
) -> pl.DataFrame:
    """Plays ×k for one work; its money and interactions stay what its real audience brought
    unless `money` / `effort` says they follow."""
    target = pl.col("work_id") == work
    changes = [pl.when(target).then(pl.col("effective_plays") * k).otherwise("effective_plays")]
    if money:
        changes.append(pl.when(target).then(pl.col("revenue_fen") * k).otherwise("revenue_fen"))
    if effort:
        changes += [
            pl.when(target).then(pl.col(c) * int(k)).otherwise(c).alias(c)
            for c in ("comments", "shares", "favorites")
        ]
    return frame.with_columns(changes)


def test_an_honest_cohort_is_left_alone() -> None:
    out = check(cohort(), IntegrityParams())
    assert not out["cohort_flagged"].any()
    assert out["effective_plays"].to_list() == cohort()["effective_plays"].to_list()


def test_plays_without_money_or_effort_are_cut_to_what_these_support() -> None:
    base = cohort()
    out = check(inflated(base, "W007", money=False, effort=False), IntegrityParams())
    row = out.filter(pl.col("work_id") == "W007").row(0, named=True)
    assert row["cohort_flagged"] and "under the cohort's median" in row["cohort_reason"]
    honest = base.filter(pl.col("work_id") == "W007")["effective_plays"][0]
    assert 0.4 * honest < row["effective_plays"] < 2.5 * honest
    assert out["cohort_flagged"].sum() == 1
    found = per_work(out).row(0, named=True)
    assert found["work_id"] == "W007" and found["cohort_days"] == 30


def test_one_signal_alone_is_not_enough() -> None:
    base = cohort()
    for money, effort in ((True, False), (False, True)):
        out = check(inflated(base, "W007", money=money, effort=effort), IntegrityParams())
        assert not out["cohort_flagged"].any(), (money, effort)


def test_a_small_cohort_is_not_judged() -> None:
    small = cohort(n=25)
    out = check(inflated(small, "W007", money=False, effort=False), IntegrityParams())
    assert not out["cohort_flagged"].any()
