"""Opening real export files: formats and encodings by content, headers, and user row numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from microdrama.errors import MicrodramaError
from microdrama.ingest.columns import canonical_name
from microdrama.ingest.readers import (
    ReadError,
    SourceTable,
    detect_encoding,
    detect_format,
    open_table,
)
from microdrama.ingest.readers.cells import float_text
from microdrama.ingest.readers.encoding import CHUNK_BYTES, SAMPLE_BYTES


def rows(table: SourceTable) -> list[dict[str, str | int | None]]:
    return table.frame.collect().to_dicts()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_gbk_csv_with_chinese_headers_is_decoded(tmp_path: Path):
    source = write(
        tmp_path / "metrics.csv",
        "作品ID,平台,日期,播放量\nW001,红果短剧,2025-10-01,1.2万\nW002,抖音,2025-10-01,3500\n",
        "gbk",
    )
    table = open_table(source, workdir=tmp_path / "work", header_hint=canonical_name)
    assert (table.format, table.encoding) == ("csv", "gb18030")
    assert table.headers == ["作品ID", "平台", "日期", "播放量"]
    assert rows(table) == [
        {"__row": 2, "作品ID": "W001", "平台": "红果短剧", "日期": "2025-10-01", "播放量": "1.2万"},
        {"__row": 3, "作品ID": "W002", "平台": "抖音", "日期": "2025-10-01", "播放量": "3500"},
    ]
    assert table.frame.collect_schema() == pl.Schema(
        {"__row": pl.Int64, "作品ID": pl.Utf8, "平台": pl.Utf8, "日期": pl.Utf8, "播放量": pl.Utf8}
    )


def test_utf8_bom_csv_gives_headers_without_the_bom(tmp_path: Path):
    source = write(tmp_path / "works.csv", "\ufeff作品ID,剧名\nW1,霸总归来\n")
    table = open_table(source, workdir=tmp_path)
    assert table.encoding == "utf-8-sig"
    assert table.headers == ["作品ID", "剧名"]
    assert rows(table) == [{"__row": 2, "作品ID": "W1", "剧名": "霸总归来"}]


def test_utf16_csv_with_a_bom_is_transcoded(tmp_path: Path):
    source = write(tmp_path / "works.csv", "\ufeff作品ID,剧名\r\nW1,霸总归来\r\n", "utf-16-le")
    table = open_table(source, workdir=tmp_path / "work")
    assert table.encoding == "utf-16"
    assert rows(table) == [{"__row": 2, "作品ID": "W1", "剧名": "霸总归来"}]
    assert [path.suffix for path in (tmp_path / "work").iterdir()] == [".parquet"]


def test_tsv_is_recognised_by_content_not_by_extension(tmp_path: Path):
    source = write(tmp_path / "ratings.csv", "作品ID\t平台\t评分\t评分人数\nW1\t抖音\t8,5\t1,234\n")
    table = open_table(source, workdir=tmp_path)
    assert table.format == "tsv"
    assert rows(table) == [
        {"__row": 2, "作品ID": "W1", "平台": "抖音", "评分": "8,5", "评分人数": "1,234"}
    ]


def test_semicolon_separated_text_is_read_as_csv(tmp_path: Path):
    source = write(tmp_path / "x.txt", "作品ID;剧名\nW1;甲\n")
    table = open_table(source, workdir=tmp_path)
    assert (table.format, table.headers) == ("csv", ["作品ID", "剧名"])


def test_row_numbers_count_title_blank_lines_and_multiline_cells(tmp_path: Path):
    text = (
        "2025年10月短剧数据报表\n"  # 1
        "\n"  # 2
        "作品ID,剧名,简介\n"  # 3: header
        "W1,甲,短\n"  # 4
        "\n"  # 5
        'W2,乙,"第一行\n第二行"\n'  # 6-7
        ",,\n"  # 8: empty cells only
        "W3,丙,\n"  # 9
    )
    source = write(tmp_path / "works.csv", text)
    table = open_table(source, workdir=tmp_path, header_hint=canonical_name)
    assert table.headers == ["作品ID", "剧名", "简介"]
    assert [(row["__row"], row["作品ID"]) for row in rows(table)] == [
        (4, "W1"),
        (6, "W2"),
        (9, "W3"),
    ]


def test_crlf_line_ends_do_not_leak_into_cells_or_numbering(tmp_path: Path):
    source = write(tmp_path / "w.csv", '作品ID,剧名\r\nW1,"a\r\nb"\r\n\r\nW2,c\r\n')
    assert rows(open_table(source, workdir=tmp_path)) == [
        {"__row": 2, "作品ID": "W1", "剧名": "a\r\nb"},
        {"__row": 5, "作品ID": "W2", "剧名": "c"},
    ]


def test_without_a_hint_the_first_non_blank_line_is_the_header(tmp_path: Path):
    source = write(tmp_path / "w.csv", "\n\n作品ID,剧名\nW1,甲\n")
    table = open_table(source, workdir=tmp_path)
    assert table.headers == ["作品ID", "剧名"]
    assert rows(table)[0]["__row"] == 4


def test_a_file_without_a_recognisable_header_is_refused(tmp_path: Path):
    source = write(tmp_path / "w.csv", "月报\nfoo,bar\n1,2\n")
    with pytest.raises(ReadError, match=r"w\.csv: no header row found.*such as 作品ID, 剧名"):
        open_table(
            source, workdir=tmp_path, header_hint=canonical_name, expected=["作品ID", "剧名"]
        )


def test_repeated_header_names_are_refused_by_name(tmp_path: Path):
    source = write(tmp_path / "w.csv", "作品ID,剧名, 剧名 ,播放量,播放量\nW1,a,b,1,2\n")
    with pytest.raises(ReadError, match="line 1: the header repeats column names: 剧名, 播放量"):
        open_table(source, workdir=tmp_path)


def test_blank_header_cells_get_positional_names(tmp_path: Path):
    source = write(tmp_path / "w.csv", "作品ID,,剧名\nW1,x,甲\n")
    assert open_table(source, workdir=tmp_path).headers == ["作品ID", "column_2", "剧名"]


def test_a_row_with_more_cells_than_the_header_is_reported_with_its_line(tmp_path: Path):
    source = write(tmp_path / "w.csv", "报表\n作品ID,剧名\nW1,甲\nW2,乙,多余\n")
    with pytest.raises(ReadError, match=r"w\.csv, line 4: 3 cells but the header names 2"):
        open_table(source, workdir=tmp_path, header_hint=canonical_name)
    assert list(tmp_path.glob("*.parquet")) == []


def test_trailing_empty_cells_beyond_the_header_are_tolerated(tmp_path: Path):
    source = write(tmp_path / "w.csv", "作品ID,剧名\nW1,甲,,\nW2,乙\n")
    assert [row["__row"] for row in rows(open_table(source, workdir=tmp_path))] == [2, 3]


def test_an_unclosed_quote_is_reported_with_its_line(tmp_path: Path):
    source = write(tmp_path / "w.csv", '作品ID,剧名\nW1,甲\nW2,"乙\n')
    with pytest.raises(ReadError, match=r"w\.csv, line 3"):
        open_table(source, workdir=tmp_path)


@pytest.mark.parametrize("content", ["", "\n\n", "作品ID,剧名\n"], ids=["empty", "blank", "header"])
def test_empty_and_header_only_files_give_zero_rows(tmp_path: Path, content: str):
    source = write(tmp_path / "w.csv", content)
    table = open_table(source, workdir=tmp_path, header_hint=canonical_name)
    assert table.frame.collect().height == 0
    assert table.frame.collect_schema()["__row"] == pl.Int64


def test_xlsx_with_a_title_row_gives_dates_and_plain_numbers_as_text(tmp_path: Path):
    source = tmp_path / "metrics.xlsx"
    book = xlsxwriter.Workbook(source)
    sheet = book.add_worksheet("数据")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write(0, 0, "2025年10月短剧数据报表")
    sheet.write_row(2, 0, ["作品ID", "日期", "播放量", "完播率", "上线时间", "付费"])
    sheet.write(3, 0, "W1")
    sheet.write_datetime(3, 1, dt.datetime(2025, 10, 1), day)
    sheet.write_number(3, 2, 12000.0)
    sheet.write_number(3, 3, 0.41)
    sheet.write_datetime(3, 4, dt.datetime(2025, 10, 1, 8, 30), stamp)
    sheet.write_boolean(3, 5, True)
    sheet.write_number(5, 0, 1001)
    sheet.write_datetime(5, 1, dt.datetime(2025, 10, 2), day)
    sheet.write_number(5, 2, 1e20)
    sheet.write_number(5, 3, 1e-7)
    book.close()

    table = open_table(source, workdir=tmp_path, header_hint=canonical_name)
    assert (table.format, table.encoding) == ("xlsx", None)
    assert table.headers == ["作品ID", "日期", "播放量", "完播率", "上线时间", "付费"]
    assert rows(table) == [
        {
            "__row": 4,
            "作品ID": "W1",
            "日期": "2025-10-01",
            "播放量": "12000",
            "完播率": "0.41",
            "上线时间": "2025-10-01 08:30:00",
            "付费": "true",
        },
        {
            "__row": 6,
            "作品ID": "1001",
            "日期": "2025-10-02",
            "播放量": "100000000000000000000",
            "完播率": "0.0000001",
            "上线时间": None,
            "付费": None,
        },
    ]


def test_xlsx_header_is_taken_from_the_first_sheet_that_has_one(tmp_path: Path):
    source = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(source)
    book.add_worksheet("说明").write(0, 0, "本表由平台导出")
    data = book.add_worksheet("数据")
    data.write_row(0, 0, ["作品ID", "剧名"])
    data.write_row(1, 0, ["W1", "甲"])
    book.close()
    table = open_table(source, workdir=tmp_path, header_hint=canonical_name)
    assert rows(table) == [{"__row": 2, "作品ID": "W1", "剧名": "甲"}]


def test_jsonl_values_become_text_and_keep_their_line_numbers(tmp_path: Path):
    lines = [
        {"作品ID": "W1", "播放量": 12000, "完播率": 0.41, "付费": True},
        None,
        {"作品ID": "W2", "播放量": 12000.0, "题材": ["都市", "逆袭"], "日期": "2025-10-01"},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) if line else "  " for line in lines)
    table = open_table(write(tmp_path / "m.jsonl", text + "\n"), workdir=tmp_path)
    assert table.format == "jsonl"
    assert [
        (row["__row"], row["作品ID"], row["播放量"], row["完播率"], row["题材"])
        for row in rows(table)
    ] == [(1, "W1", "12000", "0.41", None), (3, "W2", "12000", None, "都市、逆袭")]


def test_an_invalid_json_line_is_reported_with_its_line_number(tmp_path: Path):
    source = write(tmp_path / "m.jsonl", '{"a": 1}\n\n{"a": 2\n')
    with pytest.raises(ReadError, match=r"m\.jsonl, line 3: not valid JSON"):
        open_table(source, workdir=tmp_path)


def test_parquet_columns_become_text_numbered_as_if_under_a_header(tmp_path: Path):
    source = tmp_path / "data.bin"
    pl.DataFrame(
        {
            "作品ID": ["W1", "W2"],
            "播放量": [12000.0, 1e20],
            "完播率": [0.41, float("nan")],
            "点赞": [5, None],
            "日期": [dt.date(2025, 10, 1), dt.date(2025, 10, 2)],
            "时间": [dt.datetime(2025, 10, 1), dt.datetime(2025, 10, 1, 8, 30)],
        }
    ).write_parquet(source)
    table = open_table(source, workdir=tmp_path)
    assert (table.format, table.encoding) == ("parquet", None)
    assert rows(table) == [
        {
            "__row": 2,
            "作品ID": "W1",
            "播放量": "12000",
            "完播率": "0.41",
            "点赞": "5",
            "日期": "2025-10-01",
            "时间": "2025-10-01",
        },
        {
            "__row": 3,
            "作品ID": "W2",
            "播放量": "100000000000000000000",
            "完播率": None,
            "点赞": None,
            "日期": "2025-10-02",
            "时间": "2025-10-01 08:30:00",
        },
    ]


def test_floats_print_without_exponents_or_trailing_zeros():
    cells = [0.0, -12000.0, 12000.5, 1e-7, -2.5e-5, 1.5e17, 123456789.125, float("inf")]
    frame = pl.DataFrame({"x": cells})
    texts = frame.select(float_text(pl.col("x")).alias("x"))["x"].to_list()
    assert texts == [
        "0",
        "-12000",
        "12000.5",
        "0.0000001",
        "-0.000025",
        "150000000000000000",
        "123456789.125",
        "inf",
    ]


def test_formats_are_detected_by_content_not_extension(tmp_path: Path):
    parquet = tmp_path / "a.csv"
    pl.DataFrame({"a": [1]}).write_parquet(parquet)
    book = tmp_path / "b.csv"
    xlsxwriter.Workbook(book).close()
    jsonl = write(tmp_path / "c.xlsx", '\n  {"a": 1}\n')
    assert [detect_format(path) for path in (parquet, book, jsonl)] == [
        "parquet",
        "xlsx",
        "jsonl",
    ]


def test_an_old_xls_workbook_is_refused_with_advice(tmp_path: Path):
    source = tmp_path / "old.xlsx"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ReadError, match=r"old\.xlsx.*save it as \.xlsx"):
        open_table(source, workdir=tmp_path)


def test_read_errors_are_microdrama_errors():
    assert issubclass(ReadError, MicrodramaError)


def test_encodings_are_told_from_the_bytes(tmp_path: Path):
    assert detect_encoding(write(tmp_path / "a", "id,title\n1,x\n")) == "utf-8"
    assert detect_encoding(write(tmp_path / "b", "\ufeff剧名\n")) == "utf-8-sig"
    assert detect_encoding(write(tmp_path / "c", "剧名,平台\n霸总,抖音\n", "gbk")) == "gb18030"
    assert detect_encoding(write(tmp_path / "d", "\ufeff剧名\n", "utf-16-be")) == "utf-16"


def test_a_utf8_character_cut_at_the_sample_edge_is_still_utf8(tmp_path: Path):
    # "剧" is three bytes; starting it one byte before the edge cuts it in the sample.
    padding = "a" * (SAMPLE_BYTES - 1)
    source = write(tmp_path / "w.csv", padding + "剧\n")
    assert detect_encoding(source) == "utf-8"


def gb18030_lines(count: int) -> list[str]:
    """Rows mixing one-, two- and four-byte GB18030 characters in varied lengths."""
    words = ["霸总", "𠮷野家", "逆袭", "A", "€", "重生之我在短剧当主角", "😀"]
    return [f"W{i},{words[i % 7] * (i % 5 + 1)},{i}" for i in range(count)]


def test_a_multi_megabyte_gb18030_file_transcodes_across_chunk_boundaries(tmp_path: Path):
    lines = gb18030_lines(120_000)
    body = ("\n".join(lines) + "\n").encode("gb18030")
    chunk = CHUNK_BYTES
    # Spaces after the header (trimmed away) slide the chunk edges into a character.
    headers = (f"作品ID,剧名,播放量{' ' * pad}\n".encode("gb18030") for pad in range(40))
    data = next(head + body for head in headers if _cuts_a_character(head + body, chunk))
    assert len(data) > 3 * chunk
    source = tmp_path / "big.csv"
    source.write_bytes(data)

    table = open_table(source, workdir=tmp_path / "work", header_hint=canonical_name)
    frame = table.frame.collect()
    assert table.encoding == "gb18030"
    assert frame.height == len(lines)
    assert frame["剧名"].to_list() == [line.split(",")[1] for line in lines]
    assert frame["__row"].to_list() == list(range(2, len(lines) + 2))
    assert [path.suffix for path in (tmp_path / "work").iterdir()] == [".parquet"]


def _cuts_a_character(data: bytes, edge: int) -> bool:
    try:
        data[:edge].decode("gb18030")
    except UnicodeDecodeError:
        return True
    return False


def test_undecodable_bytes_name_the_file_the_encoding_and_the_line(tmp_path: Path):
    good = "\n".join(gb18030_lines(60_000)).encode("gb18030")
    source = tmp_path / "bad.csv"
    source.write_bytes("作品ID,剧名,播放量\n".encode("gbk") + good + b"\nW9,\xff\xff,1\n")
    with pytest.raises(ReadError, match=r"bad\.csv, line 60002: .*not valid gb18030"):
        open_table(source, workdir=tmp_path / "work")
    assert list((tmp_path / "work").iterdir()) == []


def test_invalid_utf8_after_the_sample_is_reported_with_its_line(tmp_path: Path):
    body = "".join(f"W{i},霸总归来第{i}集\n" for i in range(80_000)).encode()
    assert len(body) > SAMPLE_BYTES
    source = tmp_path / "bad.csv"
    source.write_bytes("作品ID,剧名\n".encode() + body + b"W,\xff\n")
    with pytest.raises(ReadError, match=r"bad\.csv, line 80002: .*not valid UTF-8"):
        open_table(source, workdir=tmp_path)
