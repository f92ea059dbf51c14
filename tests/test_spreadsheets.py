"""Every CSV export neutralises cells that a spreadsheet would run as a formula (OWASP)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from microdrama.spreadsheets import BOM, csv_lines, csv_text, safe_cell, safe_frame, write_csv

ATTACKS = ['=HYPERLINK("http://evil","看剧")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_that_would_run_as_a_formula_is_quoted(attack: str) -> None:
    assert safe_cell(attack) == "'" + attack


def test_ordinary_text_numbers_and_empty_cells_are_left_as_they_are() -> None:
    for value in ("霸总归来", "W000001", "", None, -5, 3.5, True):
        assert safe_cell(value) == value


def test_a_csv_of_rows_is_safe_and_opens_in_excel_with_chinese_intact() -> None:
    text = csv_text(
        [{"title": ATTACKS[0], "rank": -1, "data_only": False}], ["title", "rank", "data_only"]
    )
    assert text.startswith(BOM)
    (row,) = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert row == {"title": "'" + ATTACKS[0], "rank": "-1", "data_only": "false"}


def test_csv_lines_and_frames_are_made_safe_the_same_way(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(csv_lines([["scene", "place"], [1, "=cmd|' /C calc'!A0"]]))))
    assert rows[1] == ["1", "'=cmd|' /C calc'!A0"]
    frame = pl.DataFrame({"title": [*ATTACKS, "好剧", None], "plays": list(range(8))})
    safe = safe_frame(frame)
    assert safe["title"].to_list() == ["'" + a for a in ATTACKS] + ["好剧", None]
    assert safe["plays"].to_list() == list(range(8))
    write_csv(frame, tmp_path / "out.csv")
    written = pl.read_csv(tmp_path / "out.csv")
    assert all(not str(t).startswith(("=", "+", "-", "@")) for t in written["title"].drop_nulls())
