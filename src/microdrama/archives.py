"""Office files are zip archives: look at what they would inflate to before a reader does.

A 6 MB workbook can inflate to gigabytes, a 1.2 MB Word file to 440 MB of XML, and a 1.6 KB
workbook can declare a sheet of 17 billion cells that a reader then tries to allocate. The
checks here read only the archive's directory and the first bytes of each sheet.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Beyond this many inflated bytes, an entry must not inflate more than MAX_RATIO times.
RATIO_FLOOR = 16 << 20
MAX_RATIO = 100
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+\d+:)?([A-Z]+)(\d+)"')


class ArchiveRefused(ValueError):
    """An archive that would inflate past a limit; the message says which entry and why."""


@dataclass(frozen=True)
class Limits:
    """What an archive may inflate to."""

    total_bytes: int  # all entries together
    entry_bytes: int  # any one entry
    sheet_cells: int = 0  # declared cells of one worksheet (0: not a workbook)


def check_archive(source: Path | IO[bytes], limits: Limits) -> None:
    """ArchiveRefused when the archive inflates past the limits (or declares a huge sheet).

    Not a zip at all is left to the reader, whose own message is clearer.
    """
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        return
    with archive:
        entries = archive.infolist()
        total = sum(entry.file_size for entry in entries)
        if total > limits.total_bytes:
            raise ArchiveRefused(
                f"it would inflate to {total >> 20} MB, more than {limits.total_bytes >> 20} MB"
            )
        for entry in entries:
            _check_entry(entry, limits)
        if limits.sheet_cells:
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    _check_sheet(archive, entry, limits.sheet_cells)


def _check_entry(entry: zipfile.ZipInfo, limits: Limits) -> None:
    if entry.file_size > limits.entry_bytes:
        raise ArchiveRefused(
            f"{entry.filename} would inflate to {entry.file_size >> 20} MB, "
            f"more than {limits.entry_bytes >> 20} MB"
        )
    ratio = entry.file_size / max(entry.compress_size, 1)
    if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
        raise ArchiveRefused(
            f"{entry.filename} would inflate {ratio:.0f} times ({entry.file_size >> 20} MB): "
            "that is a compression bomb, not a spreadsheet or a document"
        )


def _check_sheet(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> None:
    with archive.open(entry) as handle:
        head = handle.read(64 << 10)
    found = _DIMENSION.search(head)
    if found is None:
        return
    columns, rows = _column_number(found.group(2).decode()), int(found.group(3))
    if columns * rows > limit:
        ref = (found.group(1) or b"").decode() + found.group(2).decode() + found.group(3).decode()
        raise ArchiveRefused(
            f"{entry.filename} declares {rows:,} rows × {columns:,} columns ({ref}), more than "
            f"{limit:,} cells; save only the used range again"
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number
