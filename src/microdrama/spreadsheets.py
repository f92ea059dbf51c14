"""Exports that spreadsheets open safely: one place for every CSV the platform writes.

Excel and WPS run a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, so a title such as `=HYPERLINK("http://evil", "看剧")` in a ranking export would run on
an analyst's machine. As OWASP recommends for CSV injection, such text cells get a leading
apostrophe, which spreadsheets read as "this is text" (numbers are left alone, and the csv
module quotes what needs quoting). Excel workbooks written by Polars store strings as strings
and need nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = "^[=+\\-@\t\r]"  # the same starts, as one regular expression
BOM = "\ufeff"  # without it Excel takes UTF-8 for the local code page and garbles Chinese


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that could run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell that could run as a formula quoted (`safe_cell`)."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not texts:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )


def csv_text(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], *, bom: bool = True) -> str:
    """Rows as CSV that spreadsheets read: a UTF-8 BOM, booleans as words, formulas quoted."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.DictWriter(
        buffer, fieldnames=list(fields), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {key: str(v).lower() if isinstance(v, bool) else safe_cell(v) for key, v in row.items()}
        )
    return buffer.getvalue()


def csv_lines(rows: Iterable[Sequence[Any]], *, bom: bool = False) -> str:
    """Rows given as lists (the first usually a header) as CSV (CRLF), formulas quoted."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    csv.writer(buffer).writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a frame as CSV with its text cells made safe (`safe_frame`)."""
    safe_frame(frame).write_csv(path)
