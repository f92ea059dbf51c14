"""Vectorised validation of an import file: canonical text columns in, typed values and errors out.

Pure Polars: each column becomes a typed value column and an `err__<column>` column holding the
reason its text is invalid (null when valid). No database, no Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from microdrama.catalog import uscc
from microdrama.catalog.vocab import GENRES, INVESTMENT_TIERS, MODELS, Term, lookup_table
from microdrama.ingest import values
from microdrama.ingest.columns import SPECS, ImportKind
from microdrama.ingest.values import Parsed

ROW = "__row"
ERROR_PREFIX = "err__"
LIST_SEPARATORS = r"[|｜,，、;；/]"

Rule = Callable[[str], Parsed]
FastRule = Callable[[str], values.Fast]


def _required(parsed: Parsed) -> Parsed:
    """Make a blank value an error (a value that is null without an error was blank)."""
    blank = parsed.value.is_null() & parsed.error.is_null()
    error = pl.when(blank).then(pl.lit("required value is blank")).otherwise(parsed.error)
    return Parsed(value=parsed.value, error=error)


def _term(terms: tuple[Term, ...], what: str) -> Rule:
    """A rule mapping any spelling of a vocabulary term to its key."""
    table = lookup_table(terms)
    choices = ", ".join(f"{t.key} ({t.zh})" for t in terms)

    def rule(column: str) -> Parsed:
        text = values.text(column).value
        key = text.str.to_lowercase().replace_strict(table, default=None, return_dtype=pl.Utf8)
        error = (
            pl.when(text.is_not_null() & key.is_null())
            .then(pl.format("unknown {} '{}'; use one of: " + choices, pl.lit(what), text))
            .otherwise(None)
        )
        return Parsed(value=key, error=error)

    return rule


def _genres(column: str) -> Parsed:
    """Genres separated by | (or ，、/), each a spelling in the controlled vocabulary."""
    table = lookup_table(GENRES)
    # Polars has no regex split: normalise every separator to "|" first.
    normalised = values.text(column).value.str.replace_all(LIST_SEPARATORS, "|")
    tokens = normalised.str.split("|").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
    )
    keys = tokens.list.eval(
        pl.element().str.to_lowercase().replace_strict(table, default=None, return_dtype=pl.Utf8)
    )
    unknown = tokens.list.gather(
        keys.list.eval(pl.element().is_null().arg_true()), null_on_oob=True
    ).list.join("、")
    error = (
        pl.when(keys.list.eval(pl.element().is_null()).list.any())
        .then(
            pl.format(
                "unknown genre '{}'; use the vocabulary (e.g. 甜宠, 逆袭, 霸总; see the README)",
                unknown,
            )
        )
        .otherwise(None)
    )
    value = keys.list.unique(maintain_order=True).list.join("|")
    return Parsed(value=pl.when(value != "").then(value).otherwise(None), error=error)


def _name_list(column: str, limit: int, total: int | None = None) -> Parsed:
    """A list of names separated by | (or ，、/), normalised to '|'; each name ≤ limit chars
    (and the list, joined, ≤ total where the table keeps it in one column)."""
    normalised = values.text(column).value.str.replace_all(LIST_SEPARATORS, "|")
    names = normalised.str.split("|").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
    )
    cleaned = names.list.join("|")
    longest = names.list.eval(pl.element().str.len_chars()).list.max()
    error = (
        pl.when(normalised.str.contains("\x00", literal=True))
        .then(pl.lit("contains a NUL character"))
        .when(longest > limit)
        .then(pl.format("a name is longer than {} characters", pl.lit(limit)))
        .when(pl.lit(total is not None) & (cleaned.str.len_chars() > (total or 0)))
        .then(pl.format("longer than {} characters in all", pl.lit(total or 0)))
        .otherwise(None)
    )
    return Parsed(value=pl.when(cleaned != "").then(cleaned).otherwise(None), error=error)


def _credit_code(column: str) -> Parsed:
    """A unified social credit code, checked by its check digit, vectorised over the column."""
    code = values.text(column).value.str.to_uppercase()
    digit_values = {char: index for index, char in enumerate(uscc.ALPHABET)}
    chars = [
        code.str.slice(i, 1).replace_strict(digit_values, default=None, return_dtype=pl.Int64)
        for i in range(18)
    ]
    weighted = pl.sum_horizontal(
        [char * weight for char, weight in zip(chars[:17], uscc.WEIGHTS, strict=True)]
    )
    expected = (31 - weighted % 31) % 31
    bad_char = pl.any_horizontal([char.is_null() for char in chars])
    error = (
        pl.when(code.is_null())
        .then(None)
        .when(code.str.len_chars() != 18)
        .then(pl.format("credit code must have 18 characters: '{}'", code))
        .when(bad_char)
        .then(
            pl.format(
                "credit code has characters outside 0-9 and A-Y (no I, O, S, V, Z): '{}'", code
            )
        )
        .when(chars[17] != expected)
        .then(pl.format("credit code check digit is wrong: '{}'", code))
        .otherwise(None)
    )
    return Parsed(value=code, error=error)


def _text(column: str, limit: int | None) -> Parsed:
    # The plain form of values.text: this runs on every row of every file. The limits are the
    # database's column sizes, so a long cell is the row's error and not a failed commit.
    cell = pl.col(column).str.strip_chars()
    too_long = pl.lit(False) if limit is None else cell.str.len_chars() > limit
    error = (
        pl.when(cell.str.contains("\x00", literal=True))
        .then(pl.lit("contains a NUL character"))
        .when(too_long)
        .then(pl.format("longer than {} characters ({})", pl.lit(limit), cell.str.len_chars()))
        .otherwise(None)
    )
    return Parsed(value=pl.when(cell.is_in(values.BLANKS)).then(None).otherwise(cell), error=error)


@dataclass(frozen=True)
class ColumnRule:
    """How to parse a column: the full parser, and a fast path for plain cells if there is one."""

    full: Rule
    fast: FastRule | None = None
    # The type a clean export's column can be scanned as directly, and the bounds its values
    # must then keep.
    dtype: pl.DataType | None = None
    minimum: float | None = None
    maximum: float | None = None


def _count() -> ColumnRule:
    return ColumnRule(values.count, values.fast_integer, pl.Int64(), minimum=0)


def _money() -> ColumnRule:
    # Eight decimals: a cell that loses digits beyond them still rounds to the same fen, and
    # one with digits below the fen falls back to the exact text parser (see values.typed_fen).
    return ColumnRule(values.money_fen, values.fast_money_fen, pl.Decimal(38, 8), minimum=0)


def _date() -> ColumnRule:
    return ColumnRule(values.date, values.fast_date, pl.Date())


def _score(minimum: float) -> ColumnRule:
    return ColumnRule(
        lambda c: values.number(c, minimum=minimum, maximum=10),
        lambda c: values.fast_number(c, minimum=minimum, maximum=10),
        pl.Float64(),
        minimum=minimum,
        maximum=10,
    )


def _text_of(limit: int | None) -> ColumnRule:
    return ColumnRule(lambda c: _text(c, limit))


def _names_of(limit: int) -> ColumnRule:
    return ColumnRule(lambda c: _name_list(c, limit))


# Column sizes of the tables the cells go to (catalog.models, review.models).
ID, NAME, COMPANY, TITLE = _text_of(64), _text_of(64), _names_of(128), _text_of(200)
NAMES = _names_of(64)

RULES: dict[ImportKind, dict[str, ColumnRule]] = {
    "works": {
        "work_id": ID,
        "title": TITLE,
        "title_en": TITLE,
        "genres": ColumnRule(_genres),
        "episodes": ColumnRule(lambda c: values.integer(c, minimum=1, maximum=2000)),
        "episode_minutes": ColumnRule(lambda c: values.number(c, minimum=0.1, maximum=60)),
        "release_date": _date(),
        "platform": NAMES,
        "producer": COMPANY,
        "city": NAME,
        "model": ColumnRule(_term(MODELS, "model")),
        "paywall_episode": ColumnRule(lambda c: values.integer(c, minimum=1, maximum=2000)),
        "price_per_episode": _money(),
        "filing_no": _text_of(80),
        "investment_tier": ColumnRule(_term(INVESTMENT_TIERS, "investment tier")),
        "publisher": COMPANY,
        "distributor": COMPANY,
        "producer_credit_code": ColumnRule(_credit_code),
        "director": NAMES,
        "screenwriter": NAMES,
        "lead_actors": NAMES,
        "languages": ColumnRule(lambda c: _name_list(c, 64, total=64)),
    },
    "metrics": {
        "work_id": ID,
        "platform": NAME,
        "date": _date(),
        "plays": _count(),
        "viewers": _count(),
        "watch_minutes": ColumnRule(
            lambda c: values.number(c, minimum=0),
            lambda c: values.fast_number(c, minimum=0),
            pl.Float64(),
            minimum=0,
        ),
        "completion_rate": ColumnRule(
            values.rate, values.fast_rate, pl.Float64(), minimum=0, maximum=1
        ),
        "likes": _count(),
        "comments": _count(),
        "shares": _count(),
        "favorites": _count(),
        "recharge_yuan": _money(),
        "ad_revenue_yuan": _money(),
        "ad_spend_yuan": _money(),
    },
    "ratings": {
        "work_id": ID,
        "platform": NAME,
        "score": _score(0),
        "votes": _count(),
    },
    "reviews": {
        "work_id": ID,
        "expert_id": ID,
        "values": _score(1),
        "artistry": _score(1),
        "production": _score(1),
        "innovation": _score(1),
        "comment": _text_of(None),
        "reviewed_on": _date(),
    },
}


@dataclass(frozen=True)
class DateRange:
    """The days a date in an import may fall on; outside them it is an error of its row
    (a 1900 or 2999 would otherwise pass as a date and end up on the overview)."""

    earliest: dt.date
    latest: dt.date

    def check(self, parsed: Parsed) -> Parsed:
        """The parsed dates with those outside the range made errors."""
        outside = parsed.value.is_not_null() & ~parsed.value.is_between(self.earliest, self.latest)
        error = (
            pl.when(parsed.error.is_not_null())
            .then(parsed.error)
            .when(outside)
            .then(
                pl.format(
                    "date {} is outside {} to {} (MICRODRAMA_EARLIEST_DATE, _LATEST_DATE)",
                    parsed.value,
                    pl.lit(self.earliest),
                    pl.lit(self.latest),
                )
            )
            .otherwise(None)
        )
        return Parsed(value=parsed.value, error=error)


def check_chunk(
    kind: ImportKind,
    chunk: pl.DataFrame,
    *,
    present: set[str],
    known_work_ids: pl.Series | None = None,
    dates: DateRange | None = None,
) -> pl.DataFrame:
    """Parse and check every canonical column of `kind` in one chunk of rows.

    Absent columns become nulls. A column whose cells are all plain in this chunk takes its
    fast path; otherwise the full parser, which also explains every invalid cell.
    """
    spec = SPECS[kind]
    missing = [c for c in spec.all if c not in present]
    source = chunk.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)
    fast_values = _fast_values(kind, source, present)
    source = _typed_as_text(source, keep=set(fast_values))
    exprs: list[pl.Expr] = [pl.col(ROW)]
    for column in spec.all:
        if column in fast_values:
            parsed = Parsed(value=pl.lit(fast_values[column]), error=pl.lit(None, pl.Utf8))
        else:
            parsed = RULES[kind][column].full(column)
        if column in spec.required:
            parsed = _required(parsed)
        if column == "work_id" and kind != "works" and known_work_ids is not None:
            parsed = _known_work(parsed, known_work_ids)
        if dates is not None and isinstance(RULES[kind][column].dtype, pl.Date):
            parsed = dates.check(parsed)
        exprs.append(parsed.value.alias(column))
        exprs.append(parsed.error.cast(pl.Utf8).alias(ERROR_PREFIX + column))
    checked = source.select(exprs)
    if kind == "works":
        checked = checked.with_columns(_paywall_within_episodes())
    return checked


def _fast_values(kind: ImportKind, chunk: pl.DataFrame, present: set[str]) -> dict[str, pl.Series]:
    """Parsed values of the present columns whose fast path is right for every cell."""
    fast = {
        column: _typed(column, rule) if chunk.schema[column] != pl.Utf8 else rule.fast(column)
        for column, rule in RULES[kind].items()
        if rule.fast is not None and column in present
    }
    if not fast:
        return {}
    probe = chunk.select(
        *(f.value.alias(column) for column, f in fast.items()),
        *(f.ok.alias(f"ok__{column}") for column, f in fast.items()),
    )
    verdict = probe.select(pl.col(f"ok__{column}").all() for column in fast).row(0)
    return {column: probe[column] for column, ok in zip(fast, verdict, strict=True) if ok}


def _typed(column: str, rule: ColumnRule) -> values.Fast:
    """A column scanned with a type: its values as they are, within the rule's bounds."""
    if isinstance(rule.dtype, pl.Decimal):
        return values.typed_fen(column)
    cell = pl.col(column)
    inside = cell.is_not_null()
    if rule.dtype is not None and rule.dtype.is_float():
        inside &= cell.is_finite()
    if rule.minimum is not None:
        inside &= cell >= rule.minimum
    if rule.maximum is not None:
        inside &= cell <= rule.maximum
    return values.Fast(cell, cell.is_null() | inside)


def csv_types(kind: ImportKind) -> dict[str, pl.DataType]:
    """Canonical column -> the type a clean export's column can be scanned as."""
    return {c: rule.dtype for c, rule in RULES[kind].items() if rule.dtype is not None}


def _typed_as_text(chunk: pl.DataFrame, *, keep: set[str]) -> pl.DataFrame:
    """Columns scanned with a type (but those in `keep`) as the text the full parsers read."""
    return chunk.with_columns(
        pl.col(name).cast(pl.Utf8)
        for name, dtype in chunk.schema.items()
        if name != ROW and name not in keep and dtype != pl.Utf8
    )


def _known_work(parsed: Parsed, known: pl.Series) -> Parsed:
    """Make a work id that is not in the catalogue an error of its row."""
    unknown = parsed.value.is_not_null() & ~parsed.value.is_in(known.implode())
    error = (
        pl.when(parsed.error.is_not_null())
        .then(parsed.error)
        .when(unknown)
        .then(pl.format("unknown work_id '{}': import the works file first", parsed.value))
        .otherwise(None)
    )
    return Parsed(value=parsed.value, error=error)


def _paywall_within_episodes() -> pl.Expr:
    column = ERROR_PREFIX + "paywall_episode"
    beyond = pl.col("paywall_episode") > pl.col("episodes")
    return (
        pl.when(pl.col(column).is_null() & beyond.fill_null(False))
        .then(
            pl.format(
                "paywall episode {} is after the last episode {}",
                pl.col("paywall_episode"),
                pl.col("episodes"),
            )
        )
        .otherwise(pl.col(column))
        .alias(column)
    )


def error_columns(kind: ImportKind) -> list[str]:
    """Names of the error columns `plan` produces for a kind."""
    return [ERROR_PREFIX + c for c in SPECS[kind].all]
