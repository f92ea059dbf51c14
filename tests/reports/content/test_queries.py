"""The report's named queries on hand-built frames: no database, figures worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from microdrama.index.method.periods import Period
from microdrama.reports import loaders
from microdrama.reports.content.frames import ReportData
from microdrama.reports.content.queries import QUERIES, comparable, market_totals, run_all
from microdrama.reports.loaders import DAILY_COLUMNS

NOVEMBER = Period("2025-11", date(2025, 11, 1), date(2025, 11, 30))
OCTOBER = Period("2025-10", date(2025, 10, 1), date(2025, 10, 31))

WORKS = pl.DataFrame(
    {
        "id": [1, 2, 3],
        "work_id": ["W1", "W2", "W3"],
        "title": ["甲", "乙", "丙"],
        "title_en": ["A", "B", "C"],
        "release_date": [date(2025, 9, 1), date(2025, 11, 5), date(2025, 10, 2)],
        "model": ["IAP", "IAA", "IAP"],
        "episodes": [80, 60, 90],
        "city": ["西安", "南京", "西安"],
        "city_en": ["Xi'an", "Nanjing", "Xi'an"],
        "genre": ["sweet_romance", "revenge", "sweet_romance"],
        "company_id": [10, 20, 10],
        "company": ["星河", "青柠", "星河"],
    }
)


def _day(work: str, day: date, plays: int, recharge_fen: int = 0) -> dict[str, object]:
    window = "current" if day >= NOVEMBER.start else "previous"
    return {
        "work_id": work,
        "platform": "红果短剧",
        "date": day,
        "plays": plays,
        "viewers": plays // 2,
        "watch_minutes": plays * 1.5,
        "completion_rate": 0.4,
        "likes": 0,
        "comments": 0,
        "shares": 0,
        "recharge_fen": recharge_fen,
        "ad_revenue_fen": 0,
        "window": window,
    }


def _data(days: list[dict[str, object]]) -> ReportData:
    daily = pl.DataFrame(
        days,
        schema={
            **dict.fromkeys(DAILY_COLUMNS, pl.Int64),
            "work_id": pl.Utf8,
            "platform": pl.Utf8,
            "date": pl.Date,
            "watch_minutes": pl.Float64,
            "completion_rate": pl.Float64,
            "window": pl.Utf8,
        },
    )
    # Without a run the loaders read nothing and give their frames' empty schemas.
    nothing: Any = None
    empty_results = loaders.results_of(nothing, None, WORKS)
    return ReportData(
        period=NOVEMBER,
        previous=OCTOBER,
        requested=NOVEMBER,
        works=WORKS,
        daily=daily,
        results=empty_results,
        previous_results=empty_results.select("id", "rank"),
        flags=loaders.flags_of(nothing, None, WORKS),
        reliability=[],
        experts=loaders.experts_of(nothing, None),
        reviews=pl.DataFrame(schema={"id": pl.Int64, "expert_id": pl.Int64}),
        run=None,
        previous_run=None,
        lake_version=3,
        scoped=False,
        platforms=pl.DataFrame({"platform": ["红果短剧"], "platform_en": ["Hongguo"]}),
    )


def _metric(frame: pl.DataFrame, name: str) -> dict[str, object]:
    return frame.filter(pl.col("metric") == name).row(0, named=True)


def test_market_totals_compare_the_period_with_the_window_before() -> None:
    data = _data(
        [
            _day("W1", date(2025, 10, 3), 100_000, recharge_fen=5_000),
            _day("W1", date(2025, 11, 3), 150_000, recharge_fen=10_000),
            _day("W2", date(2025, 11, 6), 50_000),
        ]
    )
    totals = market_totals(data)
    plays = _metric(totals, "plays")
    assert (plays["current"], plays["previous"]) == (200_000, 100_000)
    assert plays["change"] == pytest.approx(1.0) and plays["change_basis"] == "ok"
    assert _metric(totals, "recharge_fen")["change"] == pytest.approx(1.0)
    assert _metric(totals, "active_works")["current"] == 2
    assert _metric(totals, "new_works")["current"] == 1  # W2, released in November


def test_growth_from_a_tiny_base_is_no_rate_and_without_a_window_before_there_is_none() -> None:
    tiny = _data([_day("W1", date(2025, 10, 3), 10), _day("W1", date(2025, 11, 3), 100_000)])
    plays = _metric(market_totals(tiny), "plays")
    assert plays["change"] is None and plays["change_basis"] == "small_base"
    alone = _data([_day("W1", date(2025, 11, 3), 100_000)])
    assert not comparable(alone)
    plays = _metric(market_totals(alone), "plays")
    assert plays["previous"] is None and plays["change_basis"] == "none"


def test_every_named_query_runs_on_a_scope_without_index_results() -> None:
    data = _data([_day("W1", date(2025, 10, 3), 1_000), _day("W3", date(2025, 11, 3), 2_000)])
    frames = run_all(data)
    assert list(frames) == list(QUERIES)
    coverage = frames["coverage"].row(0, named=True)
    assert coverage["lake_version"] == 3 and coverage["index_run"] is None
    assert coverage["works_with_data"] == 1 and coverage["works_in_scope"] == 3
