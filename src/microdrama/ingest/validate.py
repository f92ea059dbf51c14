"""Vectorised validation of an import file: canonical string columns in, parsed values and errors out.

Pure Polars: each column becomes a typed value column and an `err__<column>` column holding the
reason its text is invalid (null when valid). No database, no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _required(column: str, parsed: Parsed) -> Parsed:
    """Make a blank value an error."""
    blank = pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")
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


def _name_list(column: str) -> Parsed:
    """A list of names separated by | (or ，、/), normalised to '|'."""
    normalised = values.text(column).value.str.replace_all(LIST_SEPARATORS, "|")
    cleaned = normalised.str.split("|").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
    ).list.join("|")
    return Parsed(value=pl.when(cleaned != "").then(cleaned).otherwise(None), error=pl.lit(None))


def _credit_code(column: str) -> Parsed:
    """A unified social credit code, checked by its check digit, vectorised over the column."""
    code = values.text(column).value.str.to_uppercase()
    digit_values = {char: index for index, char in enumerate(uscc.ALPHABET)}
    chars = [code.str.slice(i, 1).replace_strict(digit_values, default=None, return_dtype=pl.Int64)
             for i in range(18)]
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
        .then(pl.format("credit code has characters outside 0-9 and A-Y (no I, O, S, V, Z): '{}'", code))
        .when(chars[17] != expected)
        .then(pl.format("credit code check digit is wrong: '{}'", code))
        .otherwise(None)
    )
    return Parsed(value=code, error=error)


def _text(column: str) -> Parsed:
    return values.text(column)


RULES: dict[ImportKind, dict[str, Rule]] = {
    "works": {
        "work_id": _text,
        "title": _text,
        "title_en": _text,
        "genres": _genres,
        "episodes": lambda c: values.integer(c, minimum=1, maximum=2000),
        "episode_minutes": lambda c: values.number(c, minimum=0.1, maximum=60),
        "release_date": values.date,
        "platform": _name_list,
        "producer": _name_list,
        "city": _text,
        "model": _term(MODELS, "model"),
        "paywall_episode": lambda c: values.integer(c, minimum=1, maximum=2000),
        "price_per_episode": values.money_fen,
        "filing_no": _text,
        "investment_tier": _term(INVESTMENT_TIERS, "investment tier"),
        "publisher": _name_list,
        "distributor": _name_list,
        "producer_credit_code": _credit_code,
        "director": _name_list,
        "screenwriter": _name_list,
        "lead_actors": _name_list,
        "languages": _name_list,
    },
    "metrics": {
        "work_id": _text,
        "platform": _text,
        "date": values.date,
        "plays": values.count,
        "viewers": values.count,
        "watch_minutes": lambda c: values.number(c, minimum=0),
        "completion_rate": values.rate,
        "likes": values.count,
        "comments": values.count,
        "shares": values.count,
        "favorites": values.count,
        "recharge_yuan": values.money_fen,
        "ad_revenue_yuan": values.money_fen,
        "ad_spend_yuan": values.money_fen,
    },
    "ratings": {
        "work_id": _text,
        "platform": _text,
        "score": lambda c: values.number(c, minimum=0, maximum=10),
        "votes": values.count,
    },
    "reviews": {
        "work_id": _text,
        "expert_id": _text,
        "values": lambda c: values.number(c, minimum=1, maximum=10),
        "artistry": lambda c: values.number(c, minimum=1, maximum=10),
        "production": lambda c: values.number(c, minimum=1, maximum=10),
        "innovation": lambda c: values.number(c, minimum=1, maximum=10),
        "comment": _text,
        "reviewed_on": values.date,
    },
}


def plan(
    kind: ImportKind,
    frame: pl.LazyFrame,
    *,
    present: set[str],
    known_work_ids: pl.Series | None = None,
) -> pl.LazyFrame:
    """Parse and check every canonical column of `kind`; absent columns become nulls."""
    spec = SPECS[kind]
    rules = RULES[kind]
    missing = [c for c in spec.all if c not in present]
    source = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)
    exprs: list[pl.Expr] = [pl.col(ROW)]
    for column in spec.all:
        parsed = rules[column](column)
        if column in spec.required:
            parsed = _required(column, parsed)
        if column == "work_id" and kind != "works" and known_work_ids is not None:
            parsed = _known_work(parsed, known_work_ids)
        exprs.append(parsed.value.alias(column))
        exprs.append(parsed.error.cast(pl.Utf8).alias(ERROR_PREFIX + column))
    checked = source.select(exprs)
    if kind == "works":
        checked = checked.with_columns(_paywall_within_episodes())
    return checked


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
        .then(pl.format("paywall episode {} is after the last episode {}",
                        pl.col("paywall_episode"), pl.col("episodes")))
        .otherwise(pl.col(column))
        .alias(column)
    )


def error_columns(kind: ImportKind) -> list[str]:
    """Names of the error columns `plan` produces for a kind."""
    return [ERROR_PREFIX + c for c in SPECS[kind].all]
