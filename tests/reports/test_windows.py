"""Partial periods: the figures use exactly the stated windows, and the report says which."""

from __future__ import annotations

import csv
import re
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
from deltalake import DeltaTable

from microdrama.lake import metrics as lake
from tests.reports.conftest import TINY_CITY, Market


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _plays(market: Market, start: date, end: date) -> float:
    files = DeltaTable(lake.metrics_uri(market.settings.resolved_lake_uri)).file_uris()
    total = (
        duckdb.connect()
        .execute(
            "SELECT sum(plays) FROM read_parquet($files) WHERE date BETWEEN $start AND $end",
            {"files": files, "start": start, "end": end},
        )
        .fetchone()
    )
    return float(total[0] or 0) if total else 0.0


def _text(html: str) -> str:
    """The visible text of a report page, one line per element."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_running_quarter_is_compared_with_exactly_the_window_it_states(
    long_market: Market,
) -> None:
    stated = _plays(long_market, date(2025, 7, 1), date(2025, 8, 30))
    whole_quarter = _plays(long_market, date(2025, 7, 1), date(2025, 9, 30))
    assert stated < whole_quarter  # September has data that the comparison must leave out
    totals = {r["metric"]: r for r in _rows(long_market.report.data, "market_totals")}
    assert float(totals["plays"]["previous"]) == stated
    assert float(totals["plays"]["change"]) == round(
        _plays(long_market, date(2025, 10, 1), date(2025, 11, 30)) / stated - 1, 6
    )
    # Every other comparison reads the same window.
    mix = [r for r in _rows(long_market.report.data, "revenue_mix") if r["window"] == "previous"]
    assert sum(float(r["plays"]) for r in mix) == stated
    genres = _rows(long_market.report.data, "genres")
    assert sum(float(r["plays_previous"] or 0) for r in genres) <= stated
    coverage = _rows(long_market.report.data, "coverage")[0]
    assert (coverage["previous_start"], coverage["previous_end"]) == ("2025-07-01", "2025-08-30")


def test_the_header_says_which_days_are_covered_and_compared(long_market: Market) -> None:
    text = _text(long_market.report.html.read_text(encoding="utf-8"))
    assert "data cover 2025-10-01 – 2025-11-30 only: 61 of the period's 92 days" in text
    assert (
        "compared with 2025-07-01 – 2025-08-30, which has data from 2025-07-24 to 2025-08-30 "
        "only (38 of its 61 days)"
    ) in text


def test_a_partial_year_states_its_range_and_compares_nothing_it_cannot(
    long_market: Market,
) -> None:
    year = long_market.build("year", period="2025", lang="en", compute_missing=False)
    text = _text(year.html.read_text(encoding="utf-8"))
    assert "data cover 2025-07-24 – 2025-11-30 only: 130 of the period's 365 days" in text
    assert "no data in the comparison window 2024-01-01 – 2024-05-09" in text
    totals = _rows(year.data, "market_totals")
    assert all(r["previous"] == "" and r["change_basis"] == "none" for r in totals)
    assert "against 0" not in text and "— before" not in text
    assert re.search(r"[\d,]+ new works were released; the previous period has no data", text)
    assert re.search(r"drew [\d.]+B plays; the previous period has no data to compare\.", text)


def test_a_month_whose_data_start_late_says_so(long_market: Market) -> None:
    july = long_market.build("july", period="2025-07", lang="en", compute_missing=False)
    text = _text(july.html.read_text(encoding="utf-8"))
    assert "data cover 2025-07-24 – 2025-07-31 only: 8 of the period's 31 days" in text


def test_growth_from_a_tiny_base_is_shown_as_no_rate(long_market: Market) -> None:
    november = long_market.build("november", period="2025-11", lang="en", compute_missing=False)
    city = next(r for r in _rows(november.data, "cities") if r["city"] == TINY_CITY)
    assert city["growth"] == "" and city["growth_basis"] == "small_base"
    assert 0 < float(city["plays_previous"]) < 0.01 * float(city["plays"])  # kept, raw
    html = november.html.read_text(encoding="utf-8")
    row = re.search(rf"<tr><td>{city['city_en']}</td>(.*?)</tr>", html, flags=re.S)
    assert row and row.group(1).rstrip().endswith("—</td>")
    # No rate anywhere in the page, table or sentence, runs to five digits.
    assert not re.search(r"[+-]?\d{1,3}(,\d{3})+\.\d%|\d{5,}\.\d%", _text(html))
    assert "under 1% of this period's" in _text(html)
