"""Open platform and vendor exports (CSV, TSV, XLSX, JSON Lines, Parquet) as all-text lazy tables.

Every table carries `__row`, the row number a user sees in the file, so validation errors can
point at a line. Text files are recognised by content and decoded from UTF-8 (with or without
BOM), GB18030/GBK or UTF-16; non-UTF-8 text is transcoded to a UTF-8 copy in chunks.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import charset_normalizer
import fastexcel
import polars as pl

from microdrama.errors import ReadError

__all__ = [
    "ROW",
    "FileFormat",
    "ReadError",
    "SourceTable",
    "detect_encoding",
    "detect_format",
    "open_table",
]

FileFormat = Literal["csv", "tsv", "xlsx", "jsonl", "parquet"]
HeaderHint = Callable[[str], str | None]

ROW = "__row"
# The header is looked for among this many non-blank lines (or sheet rows) at the top.
HEADER_SEARCH_LINES = 10
# A header row must name at least this many known columns, so a title line never qualifies.
HEADER_MIN_KNOWN = 2

_SAMPLE_BYTES = 1 << 20
_DETECT_BYTES = 64 << 10
_CHUNK_BYTES = 1 << 20
_SHEET_HEAD_ROWS = 200
_SEPARATORS = (",", "\t", ";")
_QUOTED = re.compile(r'"[^"]*"')
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"
# Lists (e.g. genres in JSON) are joined the way Chinese exports write them in one cell.
_LIST_JOINER = "、"
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
_CJK_CANDIDATES = ["gb18030", "gbk", "gb2312", "big5"]


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
class _Record:
    line: int
    end_line: int
    cells: list[str]


def detect_format(path: Path) -> FileFormat:
    """Tell the format from the bytes: zip → xlsx, PAR1 → parquet, `{` → jsonl, else delimited."""
    return _binary_format(path) or _text_format(path, detect_encoding(path))


def _binary_format(path: Path) -> FileFormat | None:
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
    sample = _sample_text(path, encoding)
    if sample.lstrip("\ufeff \t\r\n\u3000").startswith("{"):
        return "jsonl"
    return "tsv" if _sniff_separator(sample) == "\t" else "csv"


def detect_encoding(path: Path) -> str:
    """Tell a text file's encoding from its bytes: utf-8, utf-8-sig, utf-16, gb18030 or big5."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
        complete = not handle.read(1)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # Not final unless the sample is the whole file: a character cut at the edge is fine.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    sample = sample[:_DETECT_BYTES]
    if not complete or len(sample) == _DETECT_BYTES:
        # A newline byte never occurs inside a GB18030 or Big5 character, so cut there.
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    best = charset_normalizer.from_bytes(sample, cp_isolation=_CJK_CANDIDATES).best()
    if best is not None:
        name = codecs.lookup(best.encoding).name
        return "gb18030" if name in _GB_FAMILY else name
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(
            f"{path.name}: cannot tell the text encoding; save the file as UTF-8"
        ) from None
    return "gb18030"


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
        return _open_xlsx(path, header_hint, expected)
    if binary == "parquet":
        return _open_parquet(path)
    encoding = detect_encoding(path)
    file_format = _text_format(path, encoding)
    if file_format == "jsonl":
        return _open_jsonl(path, encoding, workdir)
    return _open_delimited(path, file_format, encoding, workdir, header_hint, expected, types)


# -- text files ---------------------------------------------------------------------------------


def _sample_text(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)


def _sniff_separator(sample: str) -> str:
    """The separator found on the most of the top lines (quoted text ignored); comma on a tie."""
    lines = [_QUOTED.sub("", line) for line in sample.split("\n") if line.strip()]
    lines = lines[:HEADER_SEARCH_LINES]

    def score(separator: str) -> tuple[int, int]:
        counts = [line.count(separator) for line in lines]
        return sum(1 for count in counts if count), sum(counts)

    best = max(_SEPARATORS, key=score)
    return best if score(best) > (0, 0) else ","


def _utf8_copy(path: Path, encoding: str, workdir: Path) -> Path:
    """Transcode to a UTF-8 file in workdir chunk by chunk; undecodable bytes raise ReadError."""
    target = workdir / f"{path.stem}-{uuid.uuid4().hex}.utf8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    try:
        with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
            while True:
                chunk = source.read(_CHUNK_BYTES)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    at = line + exc.object[: exc.start].count(b"\n")
                    raise ReadError(
                        f"{path.name}, line {at}: bytes that are not valid {encoding} text"
                    ) from None
                out.write(text)
                line += text.count("\n")
                if not chunk:
                    break
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _split_lines(text: str, complete: bool) -> Iterator[str]:
    """Lines ended by \\n only (as Polars counts them), dropping a cut-off last line."""
    parts = text.split("\n")
    last = parts.pop()
    yield from (part + "\n" for part in parts)
    if complete and last:
        yield last


def _head_records(text_path: Path, separator: str) -> list[_Record]:
    """The first non-blank records at the top of a UTF-8 text file, with their line numbers."""
    with text_path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
        complete = not handle.read(1)
    text = head.decode("utf-8-sig", errors="replace")
    reader = csv.reader(_split_lines(text, complete), delimiter=separator)
    records: list[_Record] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append(_Record(start, reader.line_num, cells))
                if len(records) == HEADER_SEARCH_LINES:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # a broken quote near the top is reported by the full parse with its line
    return records


def _find_header(records: list[_Record], hint: HeaderHint | None) -> _Record | None:
    if hint is None:
        return records[0] if records else None
    for record in records[:HEADER_SEARCH_LINES]:
        known = sum(1 for cell in record.cells if cell.strip() and hint(_clean_header(cell)))
        if known >= HEADER_MIN_KNOWN:
            return record
    return None


def _clean_header(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").strip()


def _header_names(path: Path, cells: Sequence[str | None], where: str) -> list[str]:
    """Trimmed header names; blank ones become column_N; repeats raise ReadError."""
    names = [_clean_header(cell or "") or f"column_{index}" for index, cell in enumerate(cells, 1)]
    counts = Counter([ROW, *names])
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise ReadError(
            f"{path.name}, {where}: the header repeats column names: {', '.join(repeated)}"
        )
    return names


def _no_header(path: Path, expected: Sequence[str], where: str) -> ReadError:
    wanted = (
        f"expected columns such as {', '.join(expected[:6])}"
        if expected
        else "expected a row naming at least two known columns"
    )
    return ReadError(f"{path.name}: no header row found in {where}; {wanted}")


def _open_delimited(
    path: Path,
    file_format: FileFormat,
    encoding: str,
    workdir: Path,
    hint: HeaderHint | None,
    expected: Sequence[str],
    types: Mapping[str, pl.DataType] | None = None,
) -> SourceTable:
    needs_copy = encoding not in ("utf-8", "utf-8-sig")
    text_path = _utf8_copy(path, encoding, workdir) if needs_copy else path
    try:
        separator = _sniff_separator(_sample_text(text_path, "utf-8"))
        if file_format == "tsv":
            separator = "\t"
        records = _head_records(text_path, separator)
        if not records:
            return _empty(file_format, encoding)
        header = _find_header(records, hint)
        if header is None:
            where = f"the first {HEADER_SEARCH_LINES} non-blank lines"
            raise _no_header(path, expected, where)
        names = _header_names(path, header.cells, f"line {header.line}")
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
            .filter(_has_content(names))
        )
    # Polars keeps blank lines as empty rows, so a row's line is the header's end plus the lines
    # every earlier row spans (one, plus the newlines inside its quoted cells).
    newlines = pl.sum_horizontal(
        pl.col(name).str.count_matches("\n", literal=True).fill_null(0) for name in names
    )
    span = (newlines + 1).cast(pl.Int64)
    row = (span.cum_sum() - span + header_end + 1).alias(ROW)
    return frame.select(row, *names).filter(_has_content(names))


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
            raise ReadError(f"{path.name}: cannot read the file: {_first_line(again)}") from None
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
        lines = _decoded_lines(path, handle)
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
        raise ReadError(f"{path.name}: cannot read the file: {_first_line(exc)}")
    return widest - width


def _decoded_lines(path: Path, handle: Iterator[bytes]) -> Iterator[str]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}, line {number}: bytes that are not valid UTF-8") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _has_content(names: Sequence[str]) -> pl.Expr:
    """True for rows with any non-blank cell; blank rows are dropped after numbering."""
    if not names:
        return pl.lit(False)
    # Whitespace-only cells count as content here: cheap, and validation reports them as blank.
    return pl.any_horizontal((pl.col(name).str.len_bytes() > 0).fill_null(False) for name in names)


def _empty(file_format: FileFormat, encoding: str | None) -> SourceTable:
    frame = pl.LazyFrame(schema={ROW: pl.Int64})
    return SourceTable(frame, file_format, encoding, [])


# -- JSON Lines -------------------------------------------------------------------------------


def _open_jsonl(path: Path, encoding: str, workdir: Path) -> SourceTable:
    text_path = _utf8_copy(path, encoding, workdir) if encoding != "utf-8" else path
    target = workdir / f"{path.stem}-{uuid.uuid4().hex}.parquet"
    try:
        lines = pl.scan_lines(text_path, name="__line").with_row_index("__number", offset=1)
        records = lines.filter(pl.col("__line").str.strip_chars() != "")
        if records.select(pl.len()).collect().item() == 0:
            return _empty("jsonl", encoding)
        try:
            schema = pl.scan_ndjson(text_path, infer_schema_length=None).collect_schema()
            keys = list(schema)
            names = _header_names(path, keys, "the JSON keys")
            decoded = pl.col("__line").str.json_decode(pl.Struct(schema)).alias("__record")
            frame = (
                records.select(pl.col("__number").cast(pl.Int64).alias(ROW), decoded)
                .unnest("__record")
                .select(
                    ROW,
                    *(
                        _as_text(pl.col(key), schema[key]).alias(name)
                        for key, name in zip(keys, names, strict=True)
                    ),
                )
                .filter(_has_content(names))
            )
            frame.sink_parquet(target)
        except pl.exceptions.PolarsError as exc:
            target.unlink(missing_ok=True)
            _diagnose_jsonl(path, text_path)
            raise ReadError(f"{path.name}: cannot read the file: {_first_line(exc)}") from None
    finally:
        if text_path != path:
            text_path.unlink(missing_ok=True)
    return SourceTable(pl.scan_parquet(target), "jsonl", encoding, names)


def _diagnose_jsonl(path: Path, text_path: Path) -> None:
    """Raise ReadError naming the first line that is not a JSON object."""
    with text_path.open("rb") as handle:
        for number, line in enumerate(_decoded_lines(path, handle), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReadError(f"{path.name}, line {number}: not valid JSON ({exc.msg})") from None
            if not isinstance(value, dict):
                raise ReadError(f"{path.name}, line {number}: expected a JSON object {{…}}")


# -- Parquet and XLSX ---------------------------------------------------------------------------


def _open_parquet(path: Path) -> SourceTable:
    try:
        frame = pl.scan_parquet(path)
        schema = frame.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise ReadError(f"{path.name}: cannot read the Parquet file: {_first_line(exc)}") from None
    keys = list(schema)
    names = _header_names(path, keys, "the column names")
    texts = [
        _as_text(pl.col(key), schema[key]).alias(name)
        for key, name in zip(keys, names, strict=True)
    ]
    # No header row in Parquet; numbering as if there were one matches the CSV a user exported.
    table = _numbered(frame.select(texts), first=2).filter(_has_content(names))
    return SourceTable(table, "parquet", None, names)


def _numbered(frame: pl.LazyFrame, *, first: int) -> pl.LazyFrame:
    numbered = frame.with_row_index(ROW, offset=first)
    return numbered.with_columns(pl.col(ROW).cast(pl.Int64))


def _open_xlsx(path: Path, hint: HeaderHint | None, expected: Sequence[str]) -> SourceTable:
    try:
        reader = fastexcel.read_excel(path)
        sheets = list(reader.sheet_names)
        blank = True
        for sheet in sheets:
            records = [
                _Record(number, number, cells)
                for number, cells in enumerate(_rows(_sheet(reader, sheet, _SHEET_HEAD_ROWS)), 1)
                if any(cell.strip() for cell in cells)
            ]
            blank = blank and not records
            header = _find_header(records, hint)
            if header is not None:
                return _xlsx_table(path, _sheet(reader, sheet), header, sheet)
    except (fastexcel.FastExcelError, OSError) as exc:
        raise ReadError(f"{path.name}: cannot read the workbook: {_first_line(exc)}") from None
    if blank:
        return _empty("xlsx", None)
    raise _no_header(path, expected, f"the top rows of sheets {', '.join(sheets)}")


def _sheet(reader: fastexcel.ExcelReader, sheet: str, n_rows: int | None = None) -> pl.DataFrame:
    # skip_rows=0 keeps leading empty rows, so frame row i is sheet row i + 1.
    loaded = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string", n_rows=n_rows)
    frame = loaded.to_polars()
    # Date cells arrive as datetimes at midnight; a date is what the user typed.
    return frame.select(
        pl.col(name).cast(pl.Utf8).str.replace(_MIDNIGHT, "$1") for name in frame.columns
    )


def _rows(frame: pl.DataFrame) -> Iterator[list[str]]:
    for values in frame.iter_rows():
        yield [value or "" for value in values]


def _xlsx_table(path: Path, sheet: pl.DataFrame, header: _Record, name: str) -> SourceTable:
    cells = (header.cells + [""] * sheet.width)[: sheet.width]
    names = _header_names(path, cells, f"sheet {name} row {header.line}")
    data = sheet.slice(header.line)
    data.columns = names
    frame = _numbered(data.lazy(), first=header.line + 1).filter(_has_content(names))
    return SourceTable(frame, "xlsx", None, names)


# -- typed values to text -----------------------------------------------------------------------

_EXPONENT = r"^(?P<sign>-?)(?P<int>\d+)(?:\.(?P<frac>\d+))?e(?P<exp>[+-]?\d+)$"
# Below 2**53 every integral float is exact, so it prints as the integer it is.
_EXACT_INTEGERS = float(2**53)


def _as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A typed column as the text an export would show: ISO dates, numbers without exponents."""
    if dtype == pl.Utf8:
        return expr
    if dtype.is_float():
        return _float_text(expr)
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
        inner = _as_text(pl.element(), inner_type)
        listed = expr if isinstance(dtype, pl.List) else expr.arr.to_list()
        return listed.list.eval(inner).list.join(_LIST_JOINER)
    if isinstance(dtype, pl.Struct):
        return expr.struct.json_encode()
    return expr.cast(pl.Utf8, strict=False)


def _float_text(expr: pl.Expr) -> pl.Expr:
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
