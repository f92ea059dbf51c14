"""Uploaded bytes to script text: encodings, line ends, Word files, refused formats."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from microdrama.errors import ReadError, ScriptFormatError
from microdrama.script.parse import parse_bytes, parse_file, parse_text, sniff_format
from microdrama.script.parse.sources import decode_text, read_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "scripts"

SCRIPT = "《测试》\n第1集：开始\n1-1 日 内 客厅\n人物：甲、乙\n△甲坐着。\n甲：（笑）你好！\n"


@pytest.fixture
def samples() -> Path:
    """The shared script samples in /work/shared, or a skip when they are not there."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared script samples are not at {SHARED}")
    return SHARED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_is_decoded_from_every_encoding_a_chinese_writer_saves_in(encoding: str) -> None:
    text, problems = decode_text(SCRIPT.encode(encoding))
    assert (text, problems) == (SCRIPT, [])


def test_a_gb18030_script_parses_like_its_utf8_original() -> None:
    gbk = parse_bytes(SCRIPT.encode("gb18030"), filename="剧本.txt")
    utf8 = parse_bytes(SCRIPT.encode("utf-8"), filename="剧本.txt")
    assert gbk == utf8
    assert gbk.scenes()[0][1].elements[1].parenthetical == "（笑）"


def test_undecodable_bytes_are_replaced_and_reported_on_their_line() -> None:
    data = "第1集\n1-1 日 内 客厅\n".encode() + b"\xff\xfe\xfd bad\n" + "△甲。".encode()
    text, problems = decode_text(data)
    assert "\ufffd" in text
    assert [problem.line for problem in problems] == [3]
    script = parse_bytes(data, filename="bad.txt")
    assert [problem.line for problem in script.problems] == [3, 3]


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_crlf_and_cr_line_ends_keep_line_numbers(ending: str) -> None:
    data = SCRIPT.replace("\n", ending).encode()
    script = parse_bytes(data, filename="a.txt")
    assert [e.line for _, s in script.scenes() for e in s.elements] == [5, 6]


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("《表格剧》")
    document.add_paragraph("第1集：开场")
    document.add_paragraph("1-1 夜 外 天台")
    document.add_paragraph("△风很大。")
    table = document.add_table(rows=2, cols=2)
    speeches = [("甲", "你来了。"), ("乙", "（冷笑）我一直在。")]
    for row, (name, words) in zip(table.rows, speeches, strict=True):
        row.cells[0].text, row.cells[1].text = name, words
    paragraph = document.add_paragraph("甲：那就")
    paragraph.add_run().add_break()
    paragraph.add_run("【卡点】")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_file_reads_paragraphs_tables_and_soft_breaks_in_order() -> None:
    source = read_source(docx_bytes(), filename="table.docx")
    assert source.format == "docx"
    assert source.text.split("\n") == [
        "《表格剧》",
        "第1集：开场",
        "1-1 夜 外 天台",
        "△风很大。",
        "甲：你来了。",
        "乙：（冷笑）我一直在。",
        "甲：那就",
        "【卡点】",
    ]
    script = parse_bytes(docx_bytes(), filename="table.docx")
    assert script.format == "zh" and script.title == "表格剧"
    kinds = [(e.kind, e.speaker or e.mark) for _, s in script.scenes() for e in s.elements]
    assert kinds == [("action", None), ("dialogue", "甲"), ("dialogue", "乙")] + [
        ("dialogue", "甲"),
        ("mark", "卡点"),
    ]


def corrupt_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"definitely not a zip", "剧本.docx", "剧本.docx: not a readable Word"),
        (corrupt_docx(), "剧本.docx", "剧本.docx: "),
        (docx_bytes()[:500], "cut.docx", "cut.docx: "),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old.doc", "old.doc: this is an old Word"),
        (b"%PDF-1.7 ...", "script.pdf", "script.pdf: PDF scripts cannot be read"),
        (b"{\\rtf1 hello}", "script.rtf", "script.rtf: RTF cannot be read"),
        (b"just some text", "script.fdx", "script.fdx: not a Final Draft"),
        (b"<FinalDraft><Content>", "script.fdx", "script.fdx: damaged Final Draft XML"),
    ],
)
def test_corrupt_or_unreadable_files_raise_a_format_error_naming_the_file(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(ScriptFormatError, match=message):
        parse_bytes(data, filename=filename)


def test_the_format_comes_from_the_content_when_the_name_says_nothing(samples: Path) -> None:
    fdx = (samples / "fdx" / "TestFDX-FD.fdx").read_bytes()
    assert parse_bytes(fdx, filename="upload.txt").format == "fdx"
    fountain = (samples / "fountain" / "Brick-and-Steel.fountain").read_bytes()
    assert parse_bytes(fountain, filename="upload.txt").format == "fountain"
    assert parse_bytes(fountain, filename="upload").format == "fountain"


@pytest.mark.parametrize(
    ("relative", "script_format", "episodes", "scenes"),
    [
        ("zh/moyin_campus-gate-raw.txt", "zh", 1, 1),
        ("zh/moyin_demo_guanlan-shaonv_rawScript.txt", "zh", 1, 5),
        ("zh/moyin_SCRIPT_FORMAT_EXAMPLE_gege.md", "zh", 1, 4),
        ("zh/afterwriting_sc.fountain", "fountain", 1, 2),
        ("zh/afterwriting-cn_maozhuren-de-richang.fountain", "fountain", 1, 10),
        ("fountain/Brick-and-Steel.fountain", "fountain", 1, 8),
        ("fdx/TestFDX-FD.fdx", "fdx", 1, 2),
    ],
)
def test_every_shared_sample_parses_from_its_file_without_problems(
    samples: Path, relative: str, script_format: str, episodes: int, scenes: int
) -> None:
    script = parse_file(samples / relative)
    assert (script.format, len(script.episodes), len(script.scenes())) == (
        script_format,
        episodes,
        scenes,
    )
    assert script.problems == []


def test_a_missing_file_is_a_read_error() -> None:
    with pytest.raises(ReadError, match="nothing-here.txt: cannot be read"):
        parse_file(FIXTURES / "nothing-here.txt")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INT. HOUSE - DAY\n\nHe waits.", "fountain"),
        ("Title: X\nAuthor: Y\n\n一些文字", "fountain"),
        ("外景. 城市 - 清晨\n\n很安静。", "fountain"),
        ("# 第1集\n\n内景. 客厅 - 日\n\n小王\n你好。", "fountain"),
        ("第1集\n1-1 日 内 客厅\n△INT. is written here.", "zh"),
        ("甲：你好。", "zh"),
        ("Title: X\n\n1-1 日 内 客厅\n△甲。", "zh"),
    ],
)
def test_text_without_a_format_is_sniffed_as_fountain_or_chinese(text: str, expected: str) -> None:
    assert sniff_format(text) == expected
    assert parse_text(text).format == expected


def test_an_unknown_format_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown script format 'pdf'"):
        parse_text("x", format="pdf")
