"""What sections are made of: formatted tables, chart specs and texts in the report's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from microdrama.catalog.vocab import MODELS
from microdrama.i18n import N_
from microdrama.reports.content import fmt
from microdrama.reports.content.charts import ChartSpec as _ChartSpec
from microdrama.reports.content.findings import Finding, Gettext, genre_name

Formatter = Callable[[Any], str]


_NUMERIC = re.compile(r"^[-+]?¥?[\d,.]+(%|万亿|万|亿|[KMBT])?(\s*[–-]\s*[\d,.]+)?( \*)?$")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Table:
    """A formatted table and the CSV it comes from."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    data: str

    @property
    def numeric(self) -> list[bool]:
        """Per column: right-align it (numbers and ranges, besides words like "new" or "—")."""
        return [
            any(_NUMERIC.match(row[i]) for row in self.rows)
            and all(_NUMERIC.match(row[i]) or not _DIGIT.search(row[i]) for row in self.rows)
            for i in range(len(self.columns))
        ]


@dataclass
class Section:
    """One numbered section of the report."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[_ChartSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Texts:
    """What sections need besides the frames: language, translator, findings by key."""

    lang: str
    _: Gettext
    found: dict[str, Finding]

    def count(self, value: Any) -> str:
        """A count in the report's language."""
        return fmt.count(value, self.lang)

    def yuan(self, fen: Any) -> str:
        """Money from fen in the report's language."""
        return fmt.yuan(fen, self.lang)

    def change(self, ratio: Any) -> str:
        """A relative change."""
        return fmt.change(ratio, self.lang)

    def growth(self, ratio: Any, basis: Any) -> str:
        """A growth rate, or why there is none: new, too small a base, no comparison."""
        if basis == "new":
            return self._("new")
        if basis == "small_base":
            return "—"
        return fmt.change(ratio if basis == "ok" else None, self.lang)

    def growths(self, frame: pl.DataFrame, column: str, basis: str) -> pl.DataFrame:
        """The frame with `{column}_text`: each row's growth as `growth` writes it."""
        cells = [self.growth(r[column], r[basis]) for r in frame.iter_rows(named=True)]
        return frame.with_columns(pl.Series(f"{column}_text", cells, dtype=pl.Utf8))

    def top_of(self, title: str, shown: int, total: int) -> str:
        """A chart or table title that says when only the first rows are shown."""
        if shown >= total:
            return title
        return self._("{title} (top {shown} of {total})").format(
            title=title, shown=shown, total=total
        )

    def genre(self, key: Any) -> str:
        """A genre key as a label in the report's language."""
        return "—" if key is None else genre_name(key, self.lang)

    def model(self, key: Any) -> str:
        """A monetisation model key as its label (IAP, IAA, hybrid → 付费/免费/混合)."""
        for term in MODELS:
            if term.key == key:
                return (
                    f"{term.zh}（{term.key}）" if self.lang == "zh" else f"{term.en} ({term.key})"
                )
        return text(key)

    def platform_label(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with `platform_label`: the English name in English reports when known."""
        if self.lang == "en" and "platform_en" in frame.columns:
            label = pl.coalesce("platform_en", "platform")
        else:
            label = pl.col("platform")
        return frame.with_columns(label.alias("platform_label"))

    def quote(self, *keys: str) -> list[str]:
        """The findings with these keys that exist, as paragraphs."""
        return [self.found[k].text for k in keys if k in self.found]


SMALL_BASE_NOTE = N_(
    "—: the previous plays were under 1% of this period's or under 10,000, too small a base "
    "for a growth rate; new: none before."
)


def chart(t: Texts, *args: Any, **kwargs: Any) -> _ChartSpec:
    """A chart spec in the report's language."""
    return replace(_ChartSpec(*args, **kwargs), lang=t.lang)


def table(
    frame: pl.DataFrame, caption: str, data: str, columns: list[tuple[str, str, Formatter]]
) -> Table:
    """Format some columns of a frame for reading."""
    rows = [[f(row[c]) for c, _, f in columns] for row in frame.iter_rows(named=True)]
    return Table(caption, [label for _, label, _ in columns], rows, data)


def text(value: Any) -> str:
    """Plain text, a dash for nothing."""
    return "—" if value is None else str(value)


def pct(value: Any) -> str:
    """A share as a percentage."""
    return fmt.percent(value)


def num(value: Any) -> str:
    """A number with two decimals."""
    return "—" if value is None else f"{value:,.2f}"


def title_of(t: Texts) -> Callable[[dict[str, Any]], str]:
    """A work's title in the report's language (the Chinese one when no English is known)."""

    def title(row: dict[str, Any]) -> str:
        return str(row["title_en"] or row["title"]) if t.lang == "en" else str(row["title"])

    return title
