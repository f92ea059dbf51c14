"""CSV, TSV and JSON Lines readers: header search, staging to Parquet, and where a bad row is."""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import polars as pl

from microdrama.errors import ReadError
from microdrama.ingest.readers.cells import as_text
from microdrama.ingest.readers.encoding import (
    SAMPLE_BYTES,
    carriage_returns_only,
    decoded_lines,
    sample_text,
    utf8_copy,
)
from microdrama.ingest.readers.table import (
    HEADER_SEARCH_LINES,
    MAX_COLUMNS,
    ROW,
    FileFormat,
    HeaderHint,
    HeaderRecord,
    SourceTable,
    empty_table,
    find_header,
    first_line,
    has_content,
    header_names,
    no_header,
)

_SEPARATORS = (",", "\t", ";")
_QUOTED = re.compile(r'"[^"]*"')


def sniff_separator(sample: str) -> str:
    """The separator found on the most of the top lines (quoted text ignored); comma on a tie."""
    lines = [_QUOTED.sub("", line) for line in sample.split("\n") if line.strip()]
    lines = lines[:HEADER_SEARCH_LINES]

    def score(separator: str) -> tuple[int, int]:
        counts = [line.count(separator) for line in lines]
        return sum(1 for count in counts if count), sum(counts)

    best = max(_SEPARATORS, key=score)
    return best if score(best) > (0, 0) else ","


def _split_lines(text: str, complete: bool) -> Iterator[str]:
    """Lines ended by \\n only (as Polars counts them), dropping a cut-off last line."""
    parts = text.split("\n")
    last = parts.pop()
    yield from (part + "\n" for part in parts)
    if complete and last:
        yield last


def _head_records(text_path: Path, separator: str) -> list[HeaderRecord]:
    """The first non-blank records at the top of a UTF-8 text file, with their line numbers."""
    with text_path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        complete = not handle.read(1)
    if not complete and b"\n" not in head:
        raise ReadError(
            f"{text_path.name}: the first line is longer than {SAMPLE_BYTES >> 20} MB, a header "
            f"of far more than {MAX_COLUMNS:,} columns; an import file has at most "
            f"{MAX_COLUMNS:,} columns"
        )
    text = head.decode("utf-8-sig", errors="replace")
    reader = csv.reader(_split_lines(text, complete), delimiter=separator)
    records: list[HeaderRecord] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append(HeaderRecord(start, reader.line_num, cells))
                if len(records) == HEADER_SEARCH_LINES:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # a broken quote near the top is reported by the full parse with its line
    return records


def open_delimited(
    path: Path,
    file_format: FileFormat,
    encoding: str,
    workdir: Path,
    hint: HeaderHint | None,
    expected: Sequence[str],
    types: Mapping[str, pl.DataType] | None = None,
) -> SourceTable:
    """Open a CSV or TSV file: find the header, then scan typed or stage as text Parquet."""
    cr_lines = carriage_returns_only(path)
    needs_copy = encoding not in ("utf-8", "utf-8-sig") or cr_lines
    text_path = utf8_copy(path, encoding, workdir, cr_lines=cr_lines) if needs_copy else path
    try:
        separator = sniff_separator(sample_text(text_path, "utf-8"))
        if file_format == "tsv":
            separator = "\t"
        records = _head_records(text_path, separator)
        if not records:
            return empty_table(file_format, encoding)
        header = find_header(records, hint)
        if header is None:
            where = f"the first {HEADER_SEARCH_LINES} non-blank lines"
            raise no_header(path, expected, where)
        names = header_names(path, header.cells, f"line {header.line}")
        if types and hint and not needs_copy and not _has_quotes(text_path):
            schema: dict[str, pl.DataType] = {
                name: types.get(hint(name) or "", pl.String()) for name in names
            }
            typed = _scan_typed(text_path, separator, schema, header.end_line)
            return SourceTable(typed, file_format, encoding, names, typed=True)
        staged = _stage_delimited(path, text_path, separator, names, header.end_line, workdir)
    finally:
        if text_path != path:
            text_path.unlink(missing_ok=True)
    return SourceTable(staged, file_format, encoding, names)


def _scan_delimited(
    text_path: Path, separator: str, names: list[str], header_end: int, extra: int
) -> pl.LazyFrame:
    padding = [f"__extra_{index}" for index in range(extra)]
    frame = pl.scan_csv(
        text_path,
        has_header=False,
        separator=separator,
        skip_lines=header_end,
        schema=dict.fromkeys([*names, *padding], pl.Utf8),
        raise_if_empty=False,
        infer_schema=False,
    ).drop(padding)
    if not _has_quotes(text_path):
        # No quotes, so no cell spans lines: a row's line is its position after the header.
        return (
            frame.with_row_index(ROW, offset=header_end + 1)
            .with_columns(pl.col(ROW).cast(pl.Int64))
            .filter(has_content(names))
        )
    # Polars keeps blank lines as empty rows, so a row's line is the header's end plus the lines
    # every earlier row spans (one, plus the newlines inside its quoted cells).
    newlines = pl.sum_horizontal(
        pl.col(name).str.count_matches("\n", literal=True).fill_null(0) for name in names
    )
    span = (newlines + 1).cast(pl.Int64)
    row = (span.cum_sum() - span + header_end + 1).alias(ROW)
    return frame.select(row, *names).filter(has_content(names))


def _scan_typed(
    text_path: Path, separator: str, schema: dict[str, pl.DataType], header_end: int
) -> pl.LazyFrame:
    """Scan a quote-free file with column types; rows are numbered by line, blank rows dropped."""
    frame = pl.scan_csv(
        text_path,
        has_header=False,
        separator=separator,
        skip_lines=header_end,
        schema=schema,
        raise_if_empty=False,
        encoding="utf8",
    )
    return (
        frame.with_row_index(ROW, offset=header_end + 1)
        .with_columns(pl.col(ROW).cast(pl.Int64))
        .filter(pl.any_horizontal(pl.col(name).is_not_null() for name in schema))
    )


def _has_quotes(path: Path) -> bool:
    """True when the file has a double quote anywhere (only quoted cells can span lines)."""
    with path.open("rb") as handle:
        return any(b'"' in block for block in iter(lambda: handle.read(1 << 22), b""))


def _stage_delimited(
    path: Path,
    text_path: Path,
    separator: str,
    names: list[str],
    header_end: int,
    workdir: Path,
) -> pl.LazyFrame:
    target = workdir / f"{path.stem}-{uuid.uuid4().hex}.parquet"
    frame = _scan_delimited(text_path, separator, names, header_end, extra=0)
    try:
        frame.sink_parquet(target)
    except pl.exceptions.PolarsError as exc:
        target.unlink(missing_ok=True)
        # Polars does not say where; a slow pass finds the line, or finds only empty extra cells.
        extra = _diagnose_delimited(path, text_path, separator, len(names), header_end, exc)
        frame = _scan_delimited(text_path, separator, names, header_end, extra)
        try:
            frame.sink_parquet(target)
        except pl.exceptions.PolarsError as again:
            target.unlink(missing_ok=True)
            raise ReadError(f"{path.name}: cannot read the file: {first_line(again)}") from None
    return pl.scan_parquet(target)


def _diagnose_delimited(
    path: Path,
    text_path: Path,
    separator: str,
    width: int,
    header_end: int,
    exc: Exception,
) -> int:
    """Raise ReadError naming the bad line; or return how many empty trailing cells rows have."""
    widest = width
    with text_path.open("rb") as handle:
        lines = decoded_lines(path, handle)
        for _ in range(header_end):
            next(lines, None)
        reader = csv.reader(lines, delimiter=separator, strict=True)
        start = header_end + 1
        try:
            for cells in reader:
                if len(cells) > width:
                    if any(cell.strip() for cell in cells[width:]):
                        raise ReadError(
                            f"{path.name}, line {start}: {len(cells)} cells but the header "
                            f"names {width} columns"
                        )
                    widest = max(widest, len(cells))
                start = reader.line_num + header_end + 1
        except csv.Error as error:
            raise ReadError(f"{path.name}, line {start}: {error}") from None
    if widest == width:
        raise ReadError(f"{path.name}: cannot read the file: {first_line(exc)}")
    return widest - width


# -- JSON Lines -------------------------------------------------------------------------------


def open_jsonl(path: Path, encoding: str, workdir: Path) -> SourceTable:
    """Open a JSON Lines file: one row per object, values as text, staged as Parquet."""
    text_path = utf8_copy(path, encoding, workdir) if encoding != "utf-8" else path
    target = workdir / f"{path.stem}-{uuid.uuid4().hex}.parquet"
    try:
        lines = pl.scan_lines(text_path, name="__line").with_row_index("__number", offset=1)
        records = lines.filter(pl.col("__line").str.strip_chars() != "")
        if records.select(pl.len()).collect().item() == 0:
            return empty_table("jsonl", encoding)
        try:
            schema = pl.scan_ndjson(text_path, infer_schema_length=None).collect_schema()
            keys = list(schema)
            names = header_names(path, keys, "the JSON keys")
            decoded = pl.col("__line").str.json_decode(pl.Struct(schema)).alias("__record")
            frame = (
                records.select(pl.col("__number").cast(pl.Int64).alias(ROW), decoded)
                .unnest("__record")
                .select(
                    ROW,
                    *(
                        as_text(pl.col(key), schema[key]).alias(name)
                        for key, name in zip(keys, names, strict=True)
                    ),
                )
                .filter(has_content(names))
            )
            frame.sink_parquet(target)
        except pl.exceptions.PolarsError as exc:
            target.unlink(missing_ok=True)
            _diagnose_jsonl(path, text_path)
            raise ReadError(f"{path.name}: cannot read the file: {first_line(exc)}") from None
    finally:
        if text_path != path:
            text_path.unlink(missing_ok=True)
    return SourceTable(pl.scan_parquet(target), "jsonl", encoding, names)


def _diagnose_jsonl(path: Path, text_path: Path) -> None:
    """Raise ReadError naming the first line that is not a JSON object."""
    with text_path.open("rb") as handle:
        for number, line in enumerate(decoded_lines(path, handle), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReadError(f"{path.name}, line {number}: not valid JSON ({exc.msg})") from None
            if not isinstance(value, dict):
                raise ReadError(f"{path.name}, line {number}: expected a JSON object {{…}}")
