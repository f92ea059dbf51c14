"""The engine on data its simulator never makes: empty periods, lone platforms, missing columns,
works without plays, short records and bundles of bought engagement."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

from microdrama.errors import NotFoundError
from microdrama.index.method import engine
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.periods import parse_period
from microdrama.index.method.prepare import prepare

OCTOBER = parse_period("2025-10")
DAYS = [date(2025, 9, 1) + timedelta(days=i) for i in range(61)]
SCHEMA = {
    "work_id": pl.Utf8,
    "platform": pl.Utf8,
    "date": pl.Date,
    **dict.fromkeys(("plays", "viewers", "likes", "comments", "shares", "favorites"), pl.Int64),
    "watch_minutes": pl.Float64,
    "completion_rate": pl.Float64,
    **dict.fromkeys(("recharge_fen", "ad_revenue_fen", "ad_spend_fen"), pl.Int64),
}


def series(
    work: str, platform: str, plays: float, *, days: list[date] = DAYS, **over: Any
) -> list[dict[str, Any]]:
    """A steady daily series with a little noise; `over` replaces columns (None: unreported)."""
    rng = np.random.default_rng(sum(map(ord, work + platform)))
    rows = []
    for day in days:
        p = int(plays * rng.uniform(0.9, 1.1))
        row = {
            "work_id": work,
            "platform": platform,
            "date": day,
            "plays": p,
            "viewers": int(p / 1.8),
            "likes": int(p * 0.03),
            "comments": int(p * 0.004),
            "shares": int(p * 0.004),
            "favorites": int(p * 0.002),
            "watch_minutes": p * 1.2,
            "completion_rate": 0.4,
            "recharge_fen": p * 5,
            "ad_revenue_fen": p * 2,
            "ad_spend_fen": p * 4,
        }
        row.update(over)
        rows.append(row)
    return rows


def compute(
    rows: list[dict[str, Any]],
    config: IndexConfig | None = None,
    rated: tuple[tuple[str, str, float, int], ...] = (),
) -> engine.IndexOutput:
    config = config or IndexConfig(bootstrap=20, stability_draws=5, min_cohort=3)
    daily = pl.DataFrame(rows, schema=SCHEMA)
    ids = sorted(set(daily["work_id"].to_list()))
    works = pl.DataFrame(
        {
            "work_id": ids,
            "title": ids,
            "episodes": [80] * len(ids),
            "release_date": [date(2025, 8, 1)] * len(ids),
            "genre": ["都市"] * len(ids),
        }
    )
    ratings = pl.DataFrame(
        list(rated),
        schema={"work_id": pl.Utf8, "platform": pl.Utf8, "score": pl.Float64, "votes": pl.Int64},
        orient="row",
    )
    reviews = pl.DataFrame(
        schema={"work_id": pl.Utf8, "expert_id": pl.Utf8}
        | dict.fromkeys(("values", "artistry", "production", "innovation"), pl.Float64)
    )
    prepared = prepare(daily.lazy(), period=OCTOBER, config=config, partition_rows=10_000)
    return engine.compute(
        prepared, period=OCTOBER, works=works, ratings=ratings, reviews=reviews, config=config
    )


def result(output: engine.IndexOutput, work: str) -> dict[str, Any]:
    return output.results.filter(pl.col("work_id") == work).row(0, named=True)


def crowd(platform: str = "红果", count: int = 6) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(count):
        rows += series(f"W{i}", platform, 10_000 * (i + 1))
    return rows


def test_a_period_without_data_is_a_clear_error() -> None:
    rows = series("W1", "红果", 1000, days=DAYS[:20])  # September only

    with pytest.raises(NotFoundError, match="no daily metrics between 2025-10-01 and 2025-10-31"):
        compute(rows)


def test_a_work_alone_on_its_platform_is_compared_with_the_other_platforms() -> None:
    output = compute(crowd() + series("LONE", "独苗剧场", 1_000_000))

    lone = result(output, "LONE")
    assert lone["cohort"] == "all|2025-08"
    assert lone["reach"] > 90  # the most plays per episode of all, not a meaningless 50
    assert lone["rank"] == 1


def test_an_interaction_the_platform_does_not_report_is_not_counted_as_zero() -> None:
    missing = series("GAP", "红果", 30_000, comments=None, shares=None, favorites=None)
    output = compute(crowd() + missing)

    gap = result(output, "GAP")
    others = output.results.filter(pl.col("work_id") != "GAP")["interactions_per_k"]
    # Same like rate as everyone: the unreported kinds count at the cohort's typical rate.
    assert gap["interactions_per_k"] == pytest.approx(others.median(), rel=0.05)


def test_a_work_without_plays_is_not_eligible_and_has_no_growth() -> None:
    output = compute(crowd() + series("ZERO", "红果", 0))

    zero = result(output, "ZERO")
    assert (zero["eligible"], zero["rank"]) == (False, None)
    assert zero["ineligible_reason"] == "no plays reported in the period"
    assert zero["growth"] is None


def test_a_short_record_is_scored_but_does_not_move_the_cohorts_scale() -> None:
    base = compute(crowd())
    short = series("SHORT", "红果", 1_000_000, days=DAYS[-2:])
    with_short = compute(crowd() + short)

    assert result(with_short, "SHORT")["ineligible_reason"] == (
        "2 days of data in the period; at least 3 needed"
    )
    for work in ("W0", "W3", "W5"):
        assert result(with_short, work)["reach"] == result(base, work)["reach"]


def test_comments_shares_and_favourites_of_a_bought_day_are_discounted_too() -> None:
    honest = series("BOT", "红果", 30_000)
    for row in honest:
        if row["date"] in (date(2025, 10, 10), date(2025, 10, 11), date(2025, 10, 12)):
            for name in ("likes", "comments", "shares", "favorites"):
                row[name] *= 30  # a bundle of bought engagement, plays untouched
    output = compute(crowd() + honest)

    bot = result(output, "BOT")
    assert bot["integrity"] < 1.0
    others = output.results.filter(pl.col("work_id") != "BOT")["interactions_per_k"]
    assert bot["interactions_per_k"] == pytest.approx(others.median(), rel=0.1)


def test_works_not_eligible_do_not_make_a_cohort_big_enough() -> None:
    late = [date(2025, 10, 30) + timedelta(days=i) for i in range(2)]
    newcomers: list[dict[str, Any]] = []
    for i in range(5):
        newcomers += series(f"NEW{i}", "小C", 5_000, days=late)  # 2 days each: not eligible
    output = compute(crowd() + series("STAR", "小C", 1_000_000) + newcomers)

    star = result(output, "STAR")
    assert star["cohort"] == "all|2025-08"
    assert star["reach"] > 90 and star["rank"] <= 2


def test_unreported_interactions_take_the_typical_rate_of_the_widened_scale() -> None:
    lone = series("LONE", "无评论台", 30_000, comments=None, shares=None, favorites=None)
    output = compute(crowd() + lone)

    others = output.results.filter(pl.col("work_id") != "LONE")["interactions_per_k"]
    assert result(output, "LONE")["interactions_per_k"] == pytest.approx(others.median(), rel=0.05)


def test_the_stability_overlap_is_a_share_even_with_fewer_than_a_hundred_works() -> None:
    output = compute(crowd() + series("SHORT", "红果", 1_000, days=DAYS[-2:]))

    assert 0.0 <= output.stability["top100_overlap_mean"] <= 1.0


def test_a_better_rating_from_more_voters_is_not_shrunk_below_a_worse_one() -> None:
    rated = (
        ("W0", "红果", 8.8, 20_000),  # one hit's audience must not set everyone's prior
        ("W1", "红果", 7.0, 1_000),
        ("W2", "红果", 6.0, 300),
        ("W3", "红果", 6.5, 400),
    )
    output = compute(crowd(), rated=rated)

    assert result(output, "W1")["weighted_rating"] > result(output, "W3")["weighted_rating"]
    assert result(output, "W3")["weighted_rating"] > result(output, "W2")["weighted_rating"]


def test_ad_revenue_of_bought_plays_is_discounted_and_recharge_kept() -> None:
    bought = series("BOT", "红果", 30_000, recharge_fen=0)
    for row in bought:
        if date(2025, 10, 10) <= row["date"] <= date(2025, 10, 12):
            row["plays"] *= 20  # bots: no viewers, no engagement, but ads served
            row["ad_revenue_fen"] *= 20
    honest = series("HONEST", "红果", 30_000, recharge_fen=0)
    output = compute(crowd() + bought + honest)

    bot, fair = result(output, "BOT"), result(output, "HONEST")
    assert bot["integrity"] < 1.0
    # Three days at 20× would add ~190% to a month's ad revenue; what is left is the real part.
    assert bot["revenue_fen"] == pytest.approx(fair["revenue_fen"], rel=0.15)


def test_days_an_export_left_without_viewers_are_gaps_not_fraud() -> None:
    gaps = series("GAPS", "红果", 30_000)
    for row in gaps:
        if date(2025, 10, 5) <= row["date"] <= date(2025, 10, 9):
            row["viewers"] = 0  # the vendor's file had the column empty those days
    blind = series("BLIND", "盲台", 30_000, viewers=0)
    output = compute(crowd() + gaps + blind)

    assert result(output, "GAPS")["integrity"] == 1.0
    assert result(output, "BLIND")["watch_per_viewer"] is None  # unknown, not infinite
