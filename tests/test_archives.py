"""Office files that would inflate past reason are refused before any reader inflates them."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from docx import Document

from microdrama.archives import ArchiveRefused, Limits, check_archive
from microdrama.errors import ReadError, ScriptFormatError
from microdrama.ingest import readers
from microdrama.script.parse.sources import docx_lines

BOMB_BYTES = 40 << 20  # inflated; it compresses to a few tens of kilobytes


def _workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["work_id", "title"])
    sheet.write_row(1, 0, ["W1", "好剧"])
    book.close()
    return path


def _rewritten(source: Path, target: Path, *, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry.filename, replace.get(entry.filename, old.read(entry.filename)))
    return target


def test_a_workbook_declaring_seventeen_billion_cells_is_refused_and_the_process_lives(
    tmp_path: Path,
) -> None:
    plain = _workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert huge != sheet
    bomb = _rewritten(plain, tmp_path / "bomb.xlsx", replace={"xl/worksheets/sheet1.xml": huge})
    # In a child process: were the check missing, the reader would abort the interpreter.
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from microdrama.ingest import readers\n"
            "try:\n readers.open_table(Path(sys.argv[1]), workdir=Path(sys.argv[2]))\n"
            "except readers.ReadError as exc: print(exc)",
            str(bomb),
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-500:]
    assert "1,048,576 rows × 16,384 columns" in child.stdout and "bomb.xlsx" in child.stdout


def test_a_workbook_that_is_a_compression_bomb_is_refused(tmp_path: Path) -> None:
    plain = _workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * BOMB_BYTES)
    bomb = _rewritten(plain, tmp_path / "zip.xlsx", replace={"xl/worksheets/sheet1.xml": padded})
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(ReadError, match="compression bomb"):
        readers.open_table(bomb, workdir=tmp_path / "work")


def test_a_plain_workbook_still_reads(tmp_path: Path) -> None:
    table = readers.open_table(_workbook(tmp_path / "ok.xlsx"), workdir=tmp_path / "work")
    assert table.frame.collect().height == 1


def _docx(extra: bytes = b"") -> bytes:
    document = Document()
    document.add_paragraph("第1集")
    document.add_paragraph("甲：你好")
    buffer = io.BytesIO()
    document.save(buffer)
    if not extra:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            if entry.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + extra)
            new.writestr(entry.filename, data)
    return out.getvalue()


def test_a_word_file_that_inflates_to_a_bomb_is_refused_before_parsing() -> None:
    data = _docx(b" " * BOMB_BYTES)
    assert len(data) < 1 << 20
    with pytest.raises(ScriptFormatError, match="compression bomb"):
        docx_lines(data, filename="bomb.docx")
    assert "甲：你好" in docx_lines(_docx(), filename="ok.docx")


def test_the_limits_name_the_entry_and_the_size() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("big.bin", b"x" * (3 << 20))
    with pytest.raises(ArchiveRefused, match="big.bin would inflate to 3 MB"):
        check_archive(
            io.BytesIO(buffer.getvalue()), Limits(total_bytes=10 << 20, entry_bytes=2 << 20)
        )
    with pytest.raises(ArchiveRefused, match="more than 1 MB"):
        check_archive(
            io.BytesIO(buffer.getvalue()), Limits(total_bytes=1 << 20, entry_bytes=9 << 20)
        )
    check_archive(io.BytesIO(b"not a zip"), Limits(total_bytes=1, entry_bytes=1))  # reader's to say
