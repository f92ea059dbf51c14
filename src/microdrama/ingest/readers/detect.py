"""Open platform and vendor exports (CSV, TSV, XLSX, JSON Lines, Parquet) as all-text lazy tables.

Every table carries `__row`, the row number a user sees in the file, so validation errors can
point at a line. Text files are recognised by content and decoded from UTF-8 (with or without
BOM), GB18030/GBK or UTF-16; non-UTF-8 text is transcoded to a UTF-8 copy in chunks.

This module is the entry point; the readers live beside it: `text` (CSV, TSV, JSON Lines),
`binary` (Parquet, XLSX), with `encoding` (bytes to UTF-8), `cells` (typed values to text) and
`table` (the returned table, header and row helpers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from microdrama.errors import ReadError
from microdrama.ingest.readers.binary import open_parquet, open_xlsx
from microdrama.ingest.readers.encoding import detect_encoding, sample_text
from microdrama.ingest.readers.table import FileFormat, HeaderHint, SourceTable
from microdrama.ingest.readers.text import open_delimited, open_jsonl, sniff_separator


def detect_format(path: Path) -> FileFormat:
    """Tell the format from the bytes: zip → xlsx, PAR1 → parquet, `{` → jsonl, else delimited."""
    return _binary_format(path) or _text_format(path, detect_encoding(path))


def _binary_format(path: Path) -> FileFormat | None:
    """xlsx or parquet by magic bytes, None for text; an old .xls raises ReadError."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"PAR1"):
        return "parquet"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            f"{path.name}: this is an old Excel .xls workbook; open it in Excel or WPS "
            "and save it as .xlsx"
        )
    return None


def _text_format(path: Path, encoding: str) -> FileFormat:
    """jsonl when the text starts with `{`, else tsv or csv by the sniffed separator."""
    sample = sample_text(path, encoding)
    if sample.lstrip("\ufeff \t\r\n\u3000").startswith("{"):
        return "jsonl"
    return "tsv" if sniff_separator(sample) == "\t" else "csv"


def open_table(
    path: Path,
    *,
    workdir: Path,
    header_hint: HeaderHint | None = None,
    expected: Sequence[str] = (),
    types: Mapping[str, pl.DataType] | None = None,
) -> SourceTable:
    """Open a file as text columns plus `__row`; malformed files raise ReadError up front.

    With `header_hint` (header text → canonical name or None), the header is the first of the
    top non-blank rows naming at least two known columns; `expected` only words the error.
    CSV, TSV and JSON Lines are parsed into a staging Parquet file under `workdir`.

    With `types` (canonical name → dtype) and a plain UTF-8 delimited file, the columns are
    scanned with those types instead, lazily and unstaged: the fast lane for clean exports. Its
    frame raises a PolarsError on collection when a cell does not fit its type; the caller then
    opens the file again without `types`.
    """
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    workdir.mkdir(parents=True, exist_ok=True)
    binary = _binary_format(path)
    if binary == "xlsx":
        return open_xlsx(path, header_hint, expected)
    if binary == "parquet":
        return open_parquet(path)
    encoding = detect_encoding(path)
    file_format = _text_format(path, encoding)
    if file_format == "jsonl":
        return open_jsonl(path, encoding, workdir)
    return open_delimited(path, file_format, encoding, workdir, header_hint, expected, types)
