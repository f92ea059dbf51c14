"""Files that used to import wrong without a word: now read right, or refused naming why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy.orm import Session

from microdrama.catalog.models import Platform
from microdrama.config import Settings
from microdrama.errors import ReadError
from microdrama.ingest import readers
from microdrama.ingest.columns import canonical_name
from microdrama.ingest.readers.binary import uncached_formulas
from microdrama.ingest.service import import_file


def _open(path: Path, tmp_path: Path) -> readers.SourceTable:
    return readers.open_table(path, workdir=tmp_path / "work", header_hint=canonical_name)


def test_a_utf8_file_with_a_few_gbk_lines_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    utf8 = "work_id,title,platform\nW1,好剧,快手\nW2,好剧,红果短剧\nW3,又一部,抖音\n"
    path.write_bytes(utf8.encode() + "W4,坏剧,快手\n".encode("gbk") + "W5,好,快手\n".encode())
    with pytest.raises(ReadError, match=r"mixed.csv: line 5 is not UTF-8 .* mixes two encodings"):
        _open(path, tmp_path)


def test_a_whole_gbk_file_is_still_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("作品ID,剧名,平台\nW1,好剧,快手\nW2,坏剧,抖音\n".encode("gbk"))
    table = _open(path, tmp_path)
    assert table.encoding == "gb18030"
    assert table.frame.collect()["平台"].to_list() == ["快手", "抖音"]


def test_lines_ended_by_carriage_returns_alone_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes("work_id,title\rW1,好剧\rW2,坏剧\r".encode())
    table = _open(path, tmp_path)
    assert table.headers == ["work_id", "title"]
    assert table.frame.collect()["title"].to_list() == ["好剧", "坏剧"]


def test_a_file_of_a_million_columns_is_refused_as_such(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    names = ["work_id", "title", *(f"c{i}" for i in range(1_000_000))]
    path.write_text(",".join(names) + "\n" + ",".join(["W1", "x"] + ["1"] * 1_000_000) + "\n")
    with pytest.raises(ReadError, match="at most 1,000 columns"):
        _open(path, tmp_path)
    narrow = tmp_path / "wide2.csv"
    narrow.write_text(",".join(["work_id", "title", *(f"c{i}" for i in range(1499))]) + "\nW1\n")
    with pytest.raises(ReadError, match="1,501 columns"):
        _open(narrow, tmp_path)


def test_formulas_without_a_calculated_value_are_refused_naming_their_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["work_id", "platform", "date", "plays"])
    sheet.write_row(1, 0, ["W1", "红果短剧", "2025-10-01"])
    sheet.write_formula(1, 3, "=1000*2", None, "")  # an empty saved value, as scripts write
    sheet.write_row(2, 0, ["W2", "红果短剧", "2025-10-01"])
    sheet.write_formula(2, 3, "=500*2", None, 1000)  # a calculated one is fine
    book.close()
    assert uncached_formulas(path, "数据") == ["D2"]
    with pytest.raises(ReadError, match=r"sheet 数据: formulas without a calculated value in D2"):
        _open(path, tmp_path)


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31", "2014-12-31"])
def test_dates_outside_the_plausible_range_are_errors_of_their_rows(
    session: Session, settings: Settings, tmp_path: Path, day: str
) -> None:
    works = tmp_path / "works.csv"
    works.write_text("work_id,title\nW1,好剧\n", encoding="utf-8")
    assert import_file(session, settings=settings, kind="works", path=works).committed
    path = tmp_path / "metrics.csv"
    path.write_text(f"work_id,platform,date,plays\nW1,快手,2025-10-01,5\nW1,快手,{day},5\n")
    report = import_file(session, settings=settings, kind="metrics", path=path)
    assert not report.committed
    (error,) = report.errors
    assert error.row == 3 and error.column == "date" and "is outside 2015-01-01 to" in error.reason
    narrower = settings.model_copy(update={"earliest_date": date(2025, 10, 2)})
    early = import_file(session, settings=narrower, kind="metrics", path=path)
    assert {e.row for e in early.errors} == {2, 3}
    assert session.query(Platform).filter(Platform.name == "快手").count() <= 1
