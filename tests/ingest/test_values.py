"""Parsing of text cells the way Chinese exports write numbers, money, rates and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microdrama.ingest import values
from microdrama.ingest.values import Parsed


def parse(builder: Callable[..., Parsed], cells: list[str | None], **bounds: Any) -> list[Any]:
    """(value, error) per cell, parsed in one vectorised select."""
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.Utf8})
    parsed = builder("cell", **bounds)
    out = frame.select(parsed.value, parsed.error)
    return list(zip(out["cell"].to_list(), out["cell__error"].to_list(), strict=True))


def parsed_values(builder: Callable[..., Parsed], cells: list[str | None], **bounds: Any) -> list:
    results = parse(builder, cells, **bounds)
    assert [error for _, error in results] == [None] * len(cells)
    return [value for value, _ in results]


BUILDERS = [
    values.count,
    values.money_fen,
    values.rate,
    values.number,
    values.integer,
    values.date,
    values.text,
]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda builder: builder.__name__)
def test_blank_cells_and_placeholders_are_unknown_not_invalid(builder: Callable[..., Parsed]):
    blanks = [None, "", "   ", "\u3000", "-", "--", "—", "N/A", "null", "NULL", "无", "暂无"]
    assert parse(builder, blanks) == [(None, None)] * len(blanks)


def test_counts_accept_thousands_separators_in_both_comma_widths():
    cells = ["1234", "1,234", "1，234", "+1,234", " 1234 ", "12000.0"]
    assert parsed_values(values.count, cells) == [1234, 1234, 1234, 1234, 1234, 12000]


def test_wan_and_yi_units_scale_counts():
    cells = ["1.2万", "3.5亿", "1.2w", "1.2W", "12k", "2千万", "1 万"]
    expected = [12_000, 350_000_000, 12_000, 12_000, 12_000, 20_000_000, 10_000]
    assert parsed_values(values.count, cells) == expected


def test_fractional_counts_round_to_the_nearest_whole():
    assert parsed_values(values.count, ["1.23456万", "1.5", "2.5", "0.00004亿"]) == [
        12346,
        2,
        2,
        4000,
    ]


def test_negative_and_non_numeric_counts_are_errors_that_quote_the_text():
    assert parse(values.count, ["-3", "12x", "1,2", "万"]) == [
        (None, "count cannot be negative: '-3'"),
        (None, "not a number: '12x'"),
        (None, "not a number: '1,2'"),
        (None, "not a number: '万'"),
    ]


def test_counts_beyond_the_maximum_or_int64_are_errors():
    assert parse(values.count, ["101", "100"], maximum=100) == [
        (None, "above the maximum 100: '101'"),
        (100, None),
    ]
    assert parse(values.count, ["9223372036854775808"])[0][1] == (
        "number too large: '9223372036854775808'"
    )


def test_long_offending_text_is_shortened_in_the_reason():
    ((_, error),) = parse(values.count, ["x" * 100])
    assert error == f"not a number: '{'x' * 40}…'"


def test_money_is_counted_exactly_in_fen():
    cells = ["0.29", "1234567.89", "1.2万", "3.5亿", "0.1", "92233720368547758.07"]
    expected = [29, 123456789, 1_200_000, 35_000_000_000, 10, 9_223_372_036_854_775_807]
    assert parsed_values(values.money_fen, cells) == expected


def test_money_accepts_yuan_signs_and_suffix():
    cells = ["¥1,234.50", "￥1,234.50", "1234.50元", "¥ 1.2万元", "RMB 5"]
    assert parsed_values(values.money_fen, cells) == [123450, 123450, 123450, 1_200_000, 500]


def test_money_rounds_half_to_even_at_the_fen():
    cells = ["0.005", "0.015", "0.0250", "0.0051", "0.00500000000000000000000001", "1.005"]
    assert parsed_values(values.money_fen, cells) == [0, 2, 2, 1, 1, 100]


def test_negative_money_is_refused_because_refunds_are_unsupported():
    assert parse(values.money_fen, ["-5", "¥-0.01", "abc"]) == [
        (None, "negative amount (refunds are not supported): '-5'"),
        (None, "negative amount (refunds are not supported): '¥-0.01'"),
        (None, "not an amount of money: 'abc'"),
    ]


def test_rates_accept_fractions_and_percentages():
    cells = ["0.41", "41%", "41.5 %", "41％", "41.3%", "1", "0", "100%"]
    assert parsed_values(values.rate, cells) == [0.41, 0.41, 0.415, 0.41, 0.413, 1.0, 0.0, 1.0]


def test_a_bare_rate_between_one_and_a_hundred_is_ambiguous():
    assert parse(values.rate, ["41"]) == [(None, "rate must be 0–1 or a percentage: '41'")]


def test_rates_outside_zero_to_one_are_errors():
    assert parse(values.rate, ["101%", "150", "-0.1", "x%"]) == [
        (None, "rate outside 0–1: '101%'"),
        (None, "rate outside 0–1: '150'"),
        (None, "rate outside 0–1: '-0.1'"),
        (None, "not a rate: 'x%'"),
    ]


def test_numbers_accept_separators_and_name_the_bounds_they_break():
    assert parse(values.number, ["1,234.5", "2.5", "-2", "x"], minimum=0, maximum=1000) == [
        (None, "above the maximum 1000: '1,234.5'"),
        (2.5, None),
        (None, "below the minimum 0: '-2'"),
        (None, "not a number: 'x'"),
    ]
    assert parse(values.number, ["9.5"], maximum=9.25) == [(None, "above the maximum 9.25: '9.5'")]


def test_integers_accept_an_episode_suffix_and_a_zero_fraction():
    assert parsed_values(values.integer, ["80", "80.0", "80集", "80 集", "1,200", "-3"]) == [
        80,
        80,
        80,
        80,
        1200,
        -3,
    ]


def test_integers_with_a_fraction_or_out_of_bounds_are_errors():
    assert parse(values.integer, ["80.5", "0", "x"], minimum=1, maximum=200) == [
        (None, "not a whole number: '80.5'"),
        (None, "below the minimum 1: '0'"),
        (None, "not a whole number: 'x'"),
    ]


def test_dates_in_every_export_spelling():
    cells = [
        "2025-10-01",
        "2025/10/1",
        "2025.10.1",
        "2025年10月1日",
        "2025年10月01日",
        "20251001",
        "2025-10-01 00:00:00",
        "2025-10-01T08:30:00",
        "2025-10-01T08:30:00+08:00",
        "45931",
        "45931.0",
    ]
    assert parsed_values(values.date, cells) == [dt.date(2025, 10, 1)] * len(cells)


def test_excel_serial_days_outside_1990_to_2100_are_not_dates():
    assert parse(values.date, ["32874", "73415", "32873", "73416"]) == [
        (dt.date(1990, 1, 1), None),
        (dt.date(2100, 12, 31), None),
        (None, "not a date: '32873'"),
        (None, "not a date: '73416'"),
    ]


def test_impossible_calendar_dates_and_other_text_are_errors():
    assert parse(values.date, ["2025-02-30", "20250230", "2025-13-01", "2025-10/01", "soon"]) == [
        (None, "no such date: '2025-02-30'"),
        (None, "no such date: '20250230'"),
        (None, "no such date: '2025-13-01'"),
        (None, "not a date: '2025-10/01'"),
        (None, "not a date: 'soon'"),
    ]


def test_text_is_trimmed_including_full_width_spaces():
    assert parse(values.text, ["\u3000 霸总归来 \t"]) == [("霸总归来", None)]


def test_outputs_are_named_after_the_column_and_expressions_stay_unnamed():
    parsed = values.count("plays")
    assert parsed.value.meta.output_name() == "plays"
    assert parsed.error.meta.output_name() == "plays__error"
    frame = pl.DataFrame({"a": ["1万"]})
    by_expr = values.count(pl.col("a").str.replace("万", "万"))
    assert frame.select(by_expr.value.alias("v"))["v"].to_list() == [10000]


def test_parsing_a_million_cells_is_vectorised():
    frame = pl.LazyFrame({"cell": ["1,234", "1.2万", "abc", "", "3.5亿"] * 200_000})
    parsed = values.count("cell")
    out = frame.select(parsed.value, parsed.error).collect()
    assert out["cell"].sum() == 200_000 * (1234 + 12000 + 350_000_000)
    assert out["cell__error"].null_count() == 800_000


AMOUNTS = st.decimals(
    min_value=0, max_value=Decimal("92233720368547758.07"), places=2, allow_nan=False
)
SPELLINGS = st.sampled_from(["{}", "¥{}", "{}元", "{:,}", "￥{:,}"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(AMOUNTS, SPELLINGS), min_size=1, max_size=40))
def test_money_with_at_most_two_places_round_trips_exactly(cases: list[tuple[Decimal, str]]):
    cells = [spelling.format(amount) for amount, spelling in cases]
    assert parse(values.money_fen, cells) == [(int(amount * 100), None) for amount, _ in cases]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=40))
def test_count_reports_errors_as_values_never_exceptions(cells: list[str]):
    for value, error in parse(values.count, cells, maximum=10**15):
        assert value is None or error is None
        assert value is None or 0 <= value <= 10**15
