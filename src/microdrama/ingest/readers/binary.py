"""Parquet and XLSX readers: typed columns and sheet cells turned into numbered text rows."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import fastexcel
import polars as pl
from defusedxml import ElementTree

from microdrama.archives import ArchiveRefused, Limits, check_archive
from microdrama.errors import ReadError
from microdrama.ingest.readers.cells import as_text
from microdrama.ingest.readers.table import (
    ROW,
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

_SHEET_HEAD_ROWS = 200
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"


def open_parquet(path: Path) -> SourceTable:
    """Open a Parquet file: every column as text, rows numbered as if under a header."""
    try:
        frame = pl.scan_parquet(path)
        schema = frame.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise ReadError(f"{path.name}: cannot read the Parquet file: {first_line(exc)}") from None
    keys = list(schema)
    names = header_names(path, keys, "the column names")
    texts = [
        as_text(pl.col(key), schema[key]).alias(name) for key, name in zip(keys, names, strict=True)
    ]
    # No header row in Parquet; numbering as if there were one matches the CSV a user exported.
    table = _numbered(frame.select(texts), first=2).filter(has_content(names))
    return SourceTable(table, "parquet", None, names)


def _numbered(frame: pl.LazyFrame, *, first: int) -> pl.LazyFrame:
    numbered = frame.with_row_index(ROW, offset=first)
    return numbered.with_columns(pl.col(ROW).cast(pl.Int64))


# What a workbook may inflate to: a million rows of sixty columns, and no compression bomb.
XLSX_LIMITS = Limits(total_bytes=4 << 30, entry_bytes=4 << 30, sheet_cells=60_000_000)


def open_xlsx(path: Path, hint: HeaderHint | None, expected: Sequence[str]) -> SourceTable:
    """Open the first sheet of a workbook that has a header row near its top."""
    try:
        check_archive(path, XLSX_LIMITS)
    except ArchiveRefused as exc:
        raise ReadError(f"{path.name}: refused before reading: {exc}") from None
    try:
        reader = fastexcel.read_excel(path)
        sheets = list(reader.sheet_names)
        blank = True
        for sheet in sheets:
            records = [
                HeaderRecord(number, number, cells)
                for number, cells in enumerate(_rows(_sheet(reader, sheet, _SHEET_HEAD_ROWS)), 1)
                if any(cell.strip() for cell in cells)
            ]
            blank = blank and not records
            header = find_header(records, hint)
            if header is not None:
                _refuse_uncached_formulas(path, sheet)
                return _xlsx_table(path, _sheet(reader, sheet), header, sheet)
    except (fastexcel.FastExcelError, OSError) as exc:
        raise ReadError(f"{path.name}: cannot read the workbook: {first_line(exc)}") from None
    if blank:
        return empty_table("xlsx", None)
    raise no_header(path, expected, f"the top rows of sheets {', '.join(sheets)}")


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


def _xlsx_table(path: Path, sheet: pl.DataFrame, header: HeaderRecord, name: str) -> SourceTable:
    cells = (header.cells + [""] * sheet.width)[: sheet.width]
    names = header_names(path, cells, f"sheet {name} row {header.line}")
    data = sheet.slice(header.line)
    data.columns = names
    frame = _numbered(data.lazy(), first=header.line + 1).filter(has_content(names))
    return SourceTable(frame, "xlsx", None, names)


def _refuse_uncached_formulas(path: Path, sheet: str) -> None:
    """ReadError naming the cells of a sheet whose formulas were never calculated.

    A reader sees such a cell as empty, so its value would be imported as unknown without a
    word; Excel and WPS store the value when they save, a generating script often does not.
    """
    cells = uncached_formulas(path, sheet)
    if cells:
        shown = ", ".join(cells[:10]) + (f" … ({len(cells):,} cells)" if len(cells) > 10 else "")
        raise ReadError(
            f"{path.name}, sheet {sheet}: formulas without a calculated value in {shown}; "
            "open the file in Excel or WPS, let it calculate, and save it again"
        )


def uncached_formulas(path: Path, sheet: str) -> list[str]:
    """The cells (A1 style) of a sheet that hold a formula but no stored value."""
    with zipfile.ZipFile(path) as archive:
        target = _sheet_part(archive, sheet)
        if target is None:
            return []
        found: list[str] = []
        with archive.open(target) as handle:
            formula = value = False
            for event, element in ElementTree.iterparse(handle, events=("start", "end")):
                name = element.tag.rpartition("}")[2]
                if event == "start":
                    if name == "c":
                        formula = value = False
                    continue
                if name == "f":
                    formula = True
                elif name == "v" and (element.text or "") != "":
                    value = True
                elif name == "c":
                    if formula and not value:
                        found.append(element.get("r", "?"))
                    element.clear()
                elif name == "row":
                    element.clear()
        return found


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive path of a sheet named in the workbook (xl/worksheets/sheetN.xml)."""
    relationships = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    ids = {
        element.get("name"): element.get(relationships)
        for element in book.iter()
        if element.tag.rpartition("}")[2] == "sheet"
    }
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in rels.iter()
        if element.tag.rpartition("}")[2] == "Relationship"
    }
    target = targets.get(ids.get(sheet))
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
