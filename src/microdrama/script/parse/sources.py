"""Uploaded script bytes to text: the format from name and content, the encoding, the line ends."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from docx import Document
from docx.table import Table

from microdrama.archives import ArchiveRefused, Limits, check_archive
from microdrama.errors import ScriptFormatError
from microdrama.script.document import Problem

# "text" means plain text whose convention (Chinese or Fountain) the parser sniffs.
SourceFormat = Literal["docx", "fdx", "fountain", "text"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .doc (and .xls): no text without Word itself
_PDF_MAGIC = b"%PDF"
_RTF_MAGIC = b"{\\rtf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_FDX_SNIFF_BYTES = 2048
# A two-column table row whose first cell is at most this long reads as `name：line`.
_TABLE_NAME_MAX = 10
_NAME_PUNCTUATION = frozenset(":：,，。.!！?？;；、()（）[]【】《》\"'“”‘’")


@dataclass(slots=True)
class Source:
    """Decoded script text, the format it came in, and what went wrong while decoding."""

    format: SourceFormat
    text: str
    problems: list[Problem] = field(default_factory=list)


def read_source(data: bytes, *, filename: str) -> Source:
    """Tell the format from the name and the bytes, then return the text with `\\n` line ends."""
    name = PurePath(filename).name or "script"
    suffix = PurePath(filename).suffix.lower()
    head = data[:_FDX_SNIFF_BYTES]
    if data.startswith(_ZIP_MAGIC) or suffix == ".docx":
        return Source("docx", "\n".join(docx_lines(data, filename=name)))
    _refuse_binary(head, name)
    text, problems = decode_text(data)
    if suffix == ".fdx" or _looks_like_fdx(head):
        if not text.lstrip("\ufeff \t\n").startswith("<"):
            raise ScriptFormatError(f"{name}: not a Final Draft (.fdx) file: it is not XML")
        return Source("fdx", text, problems)
    if suffix == ".fountain" or suffix == ".spmd":
        return Source("fountain", text, problems)
    return Source("text", text, problems)


def decode_text(data: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030; else UTF-8 with U+FFFD and a Problem."""
    if data.startswith(_UTF16_BOMS):
        try:
            return normalise_newlines(data.decode("utf-16")), []
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return normalise_newlines(data.decode(encoding)), []
        except UnicodeDecodeError:
            continue
    text = normalise_newlines(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    line = text.count("\n", 0, text.find("\ufffd")) + 1
    message = (
        "the file is neither UTF-8 nor GB18030: bytes that could not be read were replaced "
        "with \ufffd (first on this line); save it as UTF-8 and upload it again"
    )
    return text, [Problem(line, message)]


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so every parser counts lines the same way."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# What a Word file may inflate to: far more than any script's text, far less than a bomb.
DOCX_LIMITS = Limits(total_bytes=256 << 20, entry_bytes=128 << 20)


def docx_lines(data: bytes, *, filename: str) -> list[str]:
    """The body of a Word file in order, one paragraph (or soft line break) a line, tables too."""
    try:
        check_archive(io.BytesIO(data), DOCX_LIMITS)
    except ArchiveRefused as exc:
        raise ScriptFormatError(f"{filename}: refused before reading: {exc}") from None
    try:
        document = Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.extend(normalise_newlines(block.text).split("\n"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ScriptFormatError(
            f"{filename}: not a readable Word (.docx) file ({exc}); open it in Word or WPS "
            "and save it again as .docx"
        ) from exc
    except Exception as exc:
        # python-docx and lxml raise many unrelated types on a damaged package; the user
        # needs one message naming the file, not a traceback.
        raise ScriptFormatError(
            f"{filename}: the Word (.docx) file is damaged ({type(exc).__name__}); "
            "open it in Word or WPS and save it again"
        ) from exc
    return lines


def _table_lines(table: Table) -> list[str]:
    """Rows top to bottom; a `name | line` row becomes `name：line`, other cells one per line."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = normalise_newlines(cell.text).strip()
            # A merged cell is returned once per grid column it spans.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if len(cells) == 2 and _is_short_name(cells[0]) and "\n" not in cells[1]:
            lines.append(f"{cells[0]}：{cells[1]}")
        else:
            for text in cells:
                lines.extend(text.split("\n"))
    return lines


def _is_short_name(text: str) -> bool:
    """A cell that reads as a speaker: short, one line, no punctuation."""
    return len(text) <= _TABLE_NAME_MAX and not (_NAME_PUNCTUATION & set(text))


def _looks_like_fdx(head: bytes) -> bool:
    """Final Draft XML, whatever the file is called."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and b"<FinalDraft" in head


def _refuse_binary(head: bytes, name: str) -> None:
    """Formats that look like scripts to a user but hold no text we can read."""
    if head.startswith(_OLE_MAGIC):
        raise ScriptFormatError(
            f"{name}: this is an old Word .doc file; open it in Word or WPS and save it as .docx"
        )
    if head.startswith(_PDF_MAGIC):
        raise ScriptFormatError(
            f"{name}: PDF scripts cannot be read; upload .docx, .fdx, .fountain or .txt"
        )
    if head.startswith(_RTF_MAGIC):
        raise ScriptFormatError(f"{name}: RTF cannot be read; save the script as .docx or .txt")
