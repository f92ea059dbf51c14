"""Polars expressions that parse text cells the way Chinese exports write numbers, money and dates.

Every builder returns a `Parsed` pair: the value (null when blank or invalid) and an English
reason (null unless the non-blank cell is invalid). Nothing here loops over rows or raises on data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

# Placeholders that exports write for "no data"; they mean unknown, not invalid.
BLANKS: tuple[str, ...] = (
    "",
    "-",
    "--",
    "—",
    "——",
    "N/A",
    "n/a",
    "null",
    "NULL",
    "NaN",
    "nan",
    "无",
    "暂无",
)

# Chinese and Latin magnitude suffixes as powers of ten.
UNITS: dict[str, int] = {
    "万亿": 12,
    "千万": 7,
    "百万": 6,
    "亿": 8,
    "万": 4,
    "千": 3,
    "w": 4,
    "W": 4,
    "k": 3,
    "K": 3,
}

# Longest spellings first, so 千万 is not read as 千 followed by junk.
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
# A decimal number: sign, digits in correct thousands groups (ASCII or full-width comma) or
# plain digits, fraction. Each builder anchors it with the suffixes its values may carry.
_DECIMAL = r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:[,，]\d{3})+|\d+)?(?:\.(?P<frac>\d*))?"
_COUNT = rf"^{_DECIMAL}\s*(?P<unit>{_UNIT})?$"
_MONEY = rf"^{_DECIMAL}\s*(?P<unit>{_UNIT})?\s*元?$"
_PLAIN = rf"^{_DECIMAL}$"
_RATE = rf"^{_DECIMAL}\s*(?P<pct>[%％])?$"
_INTEGER = rf"^{_DECIMAL}\s*集?$"
_CURRENCY = r"^(?:[¥￥]|RMB|CNY)\s*"
_DATE = (
    r"^(?:"
    r"(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P<s2>[-/.])(?P<d1>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<y2>\d{4})年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})[日号]"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|(?P<y3>\d{4})(?P<m3>\d{2})(?P<d3>\d{2})"
    r"|(?P<serial>\d{5})(?:\.\d+)?"
    r")$"
)
# Excel's 1900 date system counts days from 1899-12-30 (it keeps Lotus's phantom 29 Feb 1900).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Only serials from 1990-01-01 to 2100-12-31 are dates, so that other numbers are not.
_SERIAL_MIN = (dt.date(1990, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days
# Caps that keep the Int128 arithmetic from overflowing: an Int64 has at most 19 digits, and
# 18 decimal places plus one sticky digit decide any rounding to a whole unit exactly.
_INT64_DIGITS = 19
_FRAC_DIGITS = 18
_SHOWN_CHARS = 40

_NULL_TEXT = pl.lit(None, pl.Utf8)


@dataclass(frozen=True)
class Parsed:
    """A parsed column: the value, and an English reason where a non-blank cell is invalid.

    Built from a column name, they are named `name` and `name__error`.
    """

    value: pl.Expr
    error: pl.Expr


# Each builder grows one struct field by field (`with_fields`), so every intermediate is computed
# once per row; nesting the same sub-expressions instead made trees that ran 100x slower.
Stage = dict[str, pl.Expr]


def _f(name: str) -> pl.Expr:
    return pl.field(name)


def _pipeline(column: str | pl.Expr, *stages: Stage) -> pl.Expr:
    source = pl.col(column) if isinstance(column, str) else column
    trimmed = source.cast(pl.Utf8).str.strip_chars()
    cell = pl.when(trimmed.is_in(BLANKS)).then(_NULL_TEXT).otherwise(trimmed)
    expr = pl.struct(cell.alias("cell"))
    for stage in stages:
        expr = expr.struct.with_fields(**stage)
    return expr


def _finish(column: str | pl.Expr, pipeline: pl.Expr) -> Parsed:
    value = pipeline.struct.field("value")
    error = pipeline.struct.field("error")
    if isinstance(column, str):
        return Parsed(value.alias(column), error.alias(f"{column}__error"))
    return Parsed(value, error)


def _result(parsed: pl.Expr, *checks: tuple[pl.Expr, str]) -> list[Stage]:
    """Stages setting `error` to the first failing check's reason and `value` where none fails."""
    cell = _f("cell")
    shown = (
        pl.when(cell.str.len_chars() > _SHOWN_CHARS)
        .then(pl.concat_str(cell.str.slice(0, _SHOWN_CHARS), pl.lit("…")))
        .otherwise(cell)
    )
    error = _NULL_TEXT
    for failed, template in reversed(checks):
        error = pl.when(failed).then(pl.format(template, _f("shown"))).otherwise(error)
    return [
        {"shown": shown},
        {"error": pl.when(cell.is_null()).then(_NULL_TEXT).otherwise(error)},
        {"value": pl.when(cell.is_not_null() & _f("error").is_null()).then(parsed)},
    ]


def _decimal(pattern: str, source: pl.Expr | None = None) -> list[Stage]:
    """Stages matching a decimal number: `groups`, `negative`, `int`, `frac`, `matched`."""
    groups = (_f("cell") if source is None else source).str.extract_groups(pattern)
    int_digits = _f("groups").struct.field("int").fill_null("").str.replace_all("[,，]", "")
    return [
        {"groups": groups},
        {
            "negative": _f("groups").struct.field("sign") == "-",
            "int": int_digits,
            "frac": _f("groups").struct.field("frac").fill_null(""),
        },
        # A non-match leaves every group null, so "has a digit" also means "matched".
        {"matched": (_f("int") != "") | (_f("frac") != "")},
    ]


def _unit_exponent(extra: int = 0) -> Stage:
    unit = _f("groups").struct.field("unit")
    exponent = unit.replace_strict(UNITS, default=0, return_dtype=pl.Int64).fill_null(0)
    return {"exponent": exponent + extra}


def _float(exponent: int) -> pl.Expr:
    """The matched number times 10**exponent as the nearest Float64, rounded once by the parser."""
    scale = pl.lit(exponent, pl.Int64) - _f("frac").str.len_chars().cast(pl.Int64)
    sign = pl.when(_f("negative")).then(pl.lit("-")).otherwise(pl.lit(""))
    text = pl.concat_str(sign, _f("int"), _f("frac"), pl.lit("e"), scale.cast(pl.Utf8))
    return text.cast(pl.Float64, strict=False)


def _scaled_integer() -> list[Stage]:
    """Stages computing |number| * 10**exponent as Int64 `magnitude`, exactly, half to even.

    `too_large` is set where the result does not fit an Int64.
    """
    int_digits = _f("int").str.strip_chars_start("0")
    frac = _f("frac")
    # Digits past the cap only matter as "something non-zero is left", which a trailing 1 keeps.
    capped = (
        pl.when(frac.str.slice(_FRAC_DIGITS).str.contains("[1-9]"))
        .then(pl.concat_str(frac.str.slice(0, _FRAC_DIGITS), pl.lit("1")))
        .otherwise(frac.str.slice(0, _FRAC_DIGITS))
    )
    ten = pl.lit(10, pl.Int128)
    shift = _f("shift")
    quotient = _f("digits") // _f("divisor")
    remainder = _f("digits") % _f("divisor")
    half_or_more = remainder * 2 - _f("divisor")
    round_up = (half_or_more > 0) | ((half_or_more == 0) & (quotient % 2 == 1))
    rounded = quotient + round_up.cast(pl.Int128)
    widened = _f("digits") * ten.pow(shift.clip(lower_bound=0).cast(pl.UInt32))
    scaled = pl.when(shift >= 0).then(widened).otherwise(rounded)
    return [
        {
            "int0": int_digits,
            "capped": capped,
        },
        {
            "too_large": _f("int0").str.len_chars().cast(pl.Int64) + _f("exponent") > _INT64_DIGITS,
            "shift": _f("exponent") - _f("capped").str.len_chars().cast(pl.Int64),
            "digits": pl.concat_str(pl.lit("0"), _f("int0"), _f("capped")).cast(
                pl.Int128, strict=False
            ),
        },
        {"divisor": ten.pow((-shift).clip(lower_bound=0).cast(pl.UInt32))},
        {
            "magnitude": pl.when(_f("too_large"))
            .then(pl.lit(None, pl.Int128))
            .otherwise(scaled)
            .cast(pl.Int64, strict=False)
        },
        {"too_large": _f("matched") & _f("magnitude").is_null()},
    ]


def _bounds(
    value: pl.Expr, minimum: float | None, maximum: float | None
) -> list[tuple[pl.Expr, str]]:
    checks: list[tuple[pl.Expr, str]] = []
    if minimum is not None:
        checks.append((value < minimum, f"below the minimum {_shown_bound(minimum)}: '{{}}'"))
    if maximum is not None:
        checks.append((value > maximum, f"above the maximum {_shown_bound(maximum)}: '{{}}'"))
    return checks


def _shown_bound(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else repr(bound)


def text(column: str | pl.Expr) -> Parsed:
    """Trimmed text; blanks and placeholders become null and nothing is ever invalid."""
    pipeline = _pipeline(column, {"value": _f("cell"), "error": _NULL_TEXT})
    return _finish(column, pipeline)


def count(column: str | pl.Expr, *, maximum: int | None = None) -> Parsed:
    """A whole count ≥ 0: "1,234", "1.2万", "3.5亿", "1.2w", "12k"; fractions round half to even."""
    magnitude = _f("magnitude")
    pipeline = _pipeline(
        column,
        *_decimal(_COUNT),
        _unit_exponent(),
        *_scaled_integer(),
        *_result(
            magnitude,
            (~_f("matched"), "not a number: '{}'"),
            (_f("negative") & (magnitude != 0), "count cannot be negative: '{}'"),
            (_f("too_large"), "number too large: '{}'"),
            *_bounds(magnitude, None, maximum),
        ),
    )
    return _finish(column, pipeline)


def money_fen(column: str | pl.Expr) -> Parsed:
    """Yuan as an exact Int64 of fen: "¥1,234.50", "1234.50元", "1.2万"; rounds half to even."""
    fen = _f("magnitude")
    pipeline = _pipeline(
        column,
        *_decimal(_MONEY, source=_f("cell").str.replace(_CURRENCY, "")),
        _unit_exponent(extra=2),
        *_scaled_integer(),
        *_result(
            fen,
            (~_f("matched"), "not an amount of money: '{}'"),
            (_f("negative") & (fen != 0), "negative amount (refunds are not supported): '{}'"),
            (_f("too_large"), "amount too large: '{}'"),
        ),
    )
    return _finish(column, pipeline)


def rate(column: str | pl.Expr) -> Parsed:
    """A share in [0, 1]: "0.41", "41%", "41.5 %", "41％"; a bare 1 < x ≤ 100 is ambiguous."""
    parsed = _f("parsed")
    pipeline = _pipeline(
        column,
        *_decimal(_RATE),
        {
            "percent": _f("groups").struct.field("pct").is_not_null(),
            "plain": _float(0),
            "hundredths": _float(-2),
        },
        {"parsed": pl.when(_f("percent")).then(_f("hundredths")).otherwise(_f("plain"))},
        *_result(
            parsed,
            (~_f("matched"), "not a rate: '{}'"),
            (
                ~_f("percent") & (parsed > 1) & (parsed <= 100),
                "rate must be 0–1 or a percentage: '{}'",
            ),
            ((parsed < 0) | (parsed > 1), "rate outside 0–1: '{}'"),
        ),
    )
    return _finish(column, pipeline)


def number(
    column: str | pl.Expr, *, minimum: float | None = None, maximum: float | None = None
) -> Parsed:
    """A decimal number as Float64, thousands separators allowed, within optional bounds."""
    parsed = _f("parsed")
    pipeline = _pipeline(
        column,
        *_decimal(_PLAIN),
        {"parsed": _float(0)},
        *_result(
            parsed,
            (~_f("matched") | ~parsed.is_finite(), "not a number: '{}'"),
            *_bounds(parsed, minimum, maximum),
        ),
    )
    return _finish(column, pipeline)


def integer(
    column: str | pl.Expr, *, minimum: int | None = None, maximum: int | None = None
) -> Parsed:
    """A whole number as Int64: "80", "80.0", "80集", "1,200"; "80.5" is invalid."""
    sign = pl.when(_f("negative")).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = _f("whole")
    pipeline = _pipeline(
        column,
        *_decimal(_INTEGER),
        {"whole": pl.concat_str(sign, pl.lit("0"), _f("int")).cast(pl.Int64, strict=False)},
        *_result(
            whole,
            (~_f("matched") | _f("frac").str.contains("[1-9]"), "not a whole number: '{}'"),
            (whole.is_null(), "number too large: '{}'"),
            *_bounds(whole, minimum, maximum),
        ),
    )
    return _finish(column, pipeline)


def date(column: str | pl.Expr) -> Parsed:
    """A date from ISO, slashed, dotted, 年月日, yyyymmdd, datetime or Excel serial-number text."""

    def group(name: str) -> pl.Expr:
        return _f("groups").struct.field(name)

    year = pl.coalesce(group("y1"), group("y2"), group("y3"))
    month = pl.coalesce(group("m1"), group("m2"), group("m3"))
    day = pl.coalesce(group("d1"), group("d2"), group("d3"))
    iso = pl.concat_str(year, pl.lit("-"), month.str.zfill(2), pl.lit("-"), day.str.zfill(2))
    serial = _f("serial")
    from_serial = pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial)
    pipeline = _pipeline(
        column,
        {"groups": _f("cell").str.extract_groups(_DATE)},
        {
            "calendar": iso.str.to_date("%Y-%m-%d", strict=False),
            "has_ymd": year.is_not_null(),
            "serial": group("serial").cast(pl.Int64),
            # The regex cannot require both separators to be the same, so this does.
            "mixed": (group("s1") != group("s2")).fill_null(False),
        },
        {"parsed": pl.when(serial.is_not_null()).then(from_serial).otherwise(_f("calendar"))},
        *_result(
            _f("parsed"),
            (~_f("has_ymd") & serial.is_null() | _f("mixed"), "not a date: '{}'"),
            (~serial.is_between(_SERIAL_MIN, _SERIAL_MAX).fill_null(True), "not a date: '{}'"),
            (_f("has_ymd") & _f("calendar").is_null(), "no such date: '{}'"),
        ),
    )
    return _finish(column, pipeline)


# --- fast paths ------------------------------------------------------------------------------
# Most exports write plain numbers and ISO dates. A fast path parses those with one cast; the
# caller uses it for a chunk only when it succeeds on every cell there, and otherwise falls back
# to the full builders above, which also explain each failure.


@dataclass(frozen=True)
class Fast:
    """A cheap parse and whether it is right for a cell (blank cells always are)."""

    value: pl.Expr
    ok: pl.Expr


def _plain_cell(column: str) -> tuple[pl.Expr, pl.Expr]:
    cell = pl.col(column).str.strip_chars()
    return cell, cell.is_null() | (cell == "")


def _within(value: pl.Expr, minimum: float | None, maximum: float | None) -> pl.Expr:
    inside = value.is_not_null()
    if minimum is not None:
        inside &= value >= minimum
    if maximum is not None:
        inside &= value <= maximum
    return inside


def fast_integer(column: str, *, minimum: int | None = 0, maximum: int | None = None) -> Fast:
    """Plain digits, e.g. '12000'."""
    cell, blank = _plain_cell(column)
    value = cell.cast(pl.Int64, strict=False)
    return Fast(value, blank | _within(value, minimum, maximum))


def fast_number(column: str, *, minimum: float | None = None, maximum: float | None = None) -> Fast:
    """Plain decimals, e.g. '1800.5' (not NaN or infinity)."""
    cell, blank = _plain_cell(column)
    value = cell.cast(pl.Float64, strict=False)
    finite = cell.str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    return Fast(value, blank | (finite & _within(value, minimum, maximum)))


def fast_rate(column: str) -> Fast:
    """Plain fractions from 0 to 1, e.g. '0.41'."""
    return fast_number(column, minimum=0, maximum=1)


def fast_money_fen(column: str) -> Fast:
    """Plain yuan with at most two decimals, e.g. '12345.67', as exact fen."""
    cell, blank = _plain_cell(column)
    plain = cell.str.contains(r"^\d{1,15}(\.\d{1,2})?$")
    parts = cell.str.split_exact(".", 1)
    yuan = parts.struct.field("field_0").cast(pl.Int64, strict=False)
    fen = parts.struct.field("field_1").str.pad_end(2, "0").cast(pl.Int64, strict=False)
    value = pl.when(plain).then(yuan * 100 + fen.fill_null(0))
    return Fast(value, blank | plain)


def fast_date(column: str) -> Fast:
    """ISO dates, e.g. '2025-10-01'."""
    cell, blank = _plain_cell(column)
    iso = cell.str.contains(r"^\d{4}-\d{2}-\d{2}$")
    value = pl.when(iso).then(cell.str.to_date("%Y-%m-%d", strict=False))
    return Fast(value, blank | value.is_not_null())


def typed_fen(column: str) -> Fast:
    """Yuan scanned as a decimal, as exact fen; right only for whole, non-negative fen."""
    cell = pl.col(column)
    scaled = cell * pl.lit(100, pl.Decimal(38, 0))
    fen = scaled.cast(pl.Int64, strict=False)
    whole = fen.cast(pl.Decimal(38, 8)) == scaled
    return Fast(fen, cell.is_null() | (whole & (fen >= 0)))
