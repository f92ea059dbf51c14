"""The table every reader returns, and the header and row helpers the readers share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from microdrama.errors import ReadError

FileFormat = Literal["csv", "tsv", "xlsx", "jsonl", "parquet"]
HeaderHint = Callable[[str], str | None]

ROW = "__row"
# The header is looked for among this many non-blank lines (or sheet rows) at the top.
HEADER_SEARCH_LINES = 10
# A header row must name at least this many known columns, so a title line never qualifies.
HEADER_MIN_KNOWN = 2


@dataclass
class SourceTable:
    """A file opened as text columns named by its header, plus `__row` (Int64) per data row."""

    frame: pl.LazyFrame
    format: FileFormat
    encoding: str | None
    headers: list[str]
    # True when columns were read with the caller's types (a lazy scan that may still fail).
    typed: bool = False


@dataclass(frozen=True)
class HeaderRecord:
    """A non-blank record near the top of a file: its first and last line, and its cells."""

    line: int
    end_line: int
    cells: list[str]


def find_header(records: list[HeaderRecord], hint: HeaderHint | None) -> HeaderRecord | None:
    """The first record naming enough known columns, or the first record without a hint."""
    if hint is None:
        return records[0] if records else None
    for record in records[:HEADER_SEARCH_LINES]:
        known = sum(1 for cell in record.cells if cell.strip() and hint(_clean_header(cell)))
        if known >= HEADER_MIN_KNOWN:
            return record
    return None


def _clean_header(cell: str) -> str:
    """A header cell without surrounding blanks or a byte-order mark."""
    return cell.strip().lstrip("\ufeff").strip()


# An export of works or daily metrics has a few dozen columns; thousands is not one.
MAX_COLUMNS = 1000


def header_names(path: Path, cells: Sequence[str | None], where: str) -> list[str]:
    """Trimmed header names; blank ones become column_N; repeats, or more than MAX_COLUMNS,
    raise ReadError."""
    if len(cells) > MAX_COLUMNS:
        raise ReadError(
            f"{path.name}, {where}: the header has {len(cells):,} columns; an import file has "
            f"at most {MAX_COLUMNS:,} (the columns it needs, and a few more)"
        )
    names = [_clean_header(cell or "") or f"column_{index}" for index, cell in enumerate(cells, 1)]
    counts = Counter([ROW, *names])
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise ReadError(
            f"{path.name}, {where}: the header repeats column names: {', '.join(repeated)}"
        )
    return names


def no_header(path: Path, expected: Sequence[str], where: str) -> ReadError:
    """The error for a file without a header row, naming the columns looked for."""
    wanted = (
        f"expected columns such as {', '.join(expected[:6])}"
        if expected
        else "expected a row naming at least two known columns"
    )
    return ReadError(f"{path.name}: no header row found in {where}; {wanted}")


def first_line(exc: Exception) -> str:
    """The first line of an error's message (or its type name when it has none)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def has_content(names: Sequence[str]) -> pl.Expr:
    """True for rows with any non-blank cell; blank rows are dropped after numbering."""
    if not names:
        return pl.lit(False)
    # Whitespace-only cells count as content here: cheap, and validation reports them as blank.
    return pl.any_horizontal((pl.col(name).str.len_bytes() > 0).fill_null(False) for name in names)


def empty_table(file_format: FileFormat, encoding: str | None) -> SourceTable:
    """A table with no columns and no rows, for a blank file."""
    frame = pl.LazyFrame(schema={ROW: pl.Int64})
    return SourceTable(frame, file_format, encoding, [])
