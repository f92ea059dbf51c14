"""Typed values as the text an export would show: ISO dates, plain decimals, joined lists."""

from __future__ import annotations

import polars as pl

# Lists (e.g. genres in JSON) are joined the way Chinese exports write them in one cell.
_LIST_JOINER = "、"
_EXPONENT = r"^(?P<sign>-?)(?P<int>\d+)(?:\.(?P<frac>\d+))?e(?P<exp>[+-]?\d+)$"
# Below 2**53 every integral float is exact, so it prints as the integer it is.
_EXACT_INTEGERS = float(2**53)


def as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A typed column as the text an export would show: ISO dates, numbers without exponents."""
    if dtype == pl.Utf8:
        return expr
    if dtype.is_float():
        return float_text(expr)
    if dtype == pl.Date:
        return expr.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        midnight = expr.dt.time() == pl.time(0)
        return (
            pl.when(midnight)
            .then(expr.dt.strftime("%Y-%m-%d"))
            .otherwise(expr.dt.strftime("%Y-%m-%d %H:%M:%S"))
        )
    if isinstance(dtype, pl.List | pl.Array):
        inner_type = dtype.inner() if isinstance(dtype.inner, type) else dtype.inner
        inner = as_text(pl.element(), inner_type)
        listed = expr if isinstance(dtype, pl.List) else expr.arr.to_list()
        return listed.list.eval(inner).list.join(_LIST_JOINER)
    if isinstance(dtype, pl.Struct):
        return expr.struct.json_encode()
    return expr.cast(pl.Utf8, strict=False)


def float_text(expr: pl.Expr) -> pl.Expr:
    """Floats as positional decimals: integral ones without ".0", never in exponent notation."""
    integral = expr.is_finite() & (expr == expr.round(0)) & (expr.abs() < _EXACT_INTEGERS)
    shortest = expr.cast(pl.Utf8)
    groups = shortest.str.extract_groups(_EXPONENT)
    int_part = groups.struct.field("int")
    digits = pl.concat_str(int_part, groups.struct.field("frac").fill_null(""))
    point = int_part.str.len_chars().cast(pl.Int64) + groups.struct.field("exp").cast(pl.Int64)
    width = digits.str.len_chars().cast(pl.Int64)
    positional = (
        pl.when(point <= 0)
        .then(pl.concat_str(pl.lit("0."), digits.str.zfill(width - point)))
        .when(point >= width)
        .then(digits.str.pad_end(point, "0"))
        .otherwise(pl.concat_str(digits.str.slice(0, point), pl.lit("."), digits.str.slice(point)))
    )
    unexponented = pl.concat_str(groups.struct.field("sign"), positional)
    return (
        pl.when(expr.is_nan())
        .then(pl.lit(None, pl.Utf8))
        .when(integral)
        .then(expr.cast(pl.Int64).cast(pl.Utf8))
        .when(groups.struct.field("int").is_not_null())
        .then(unexponented)
        .otherwise(shortest)
    )
