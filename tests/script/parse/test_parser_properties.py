"""Properties: any text parses without raising and points only at its own lines; any bytes too."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microdrama.errors import ScriptFormatError
from microdrama.script.document import Script
from microdrama.script.parse import parse_bytes, parse_text
from microdrama.script.parse.sources import normalise_newlines

# Pieces a script is made of, so random text often looks like one and reaches deep branches.
PIECES = [
    *"第1集 第十二集： 【第3集】 第1场 场景2： 日 夜 内 外 / · 黄昏 △ ▲ 【 】 [ ] ［ ］".split(),
    *"： : （ ） ( ) OS 人物： 甲 乙 马一花 字幕 闪回 卡点 ， 。 、 ** # > < --- ```".split(),
    *"@ ^ ~ ! = === [[ ]] /* */ CUT TO: JOHN (V.O.) 1-1".split(),
    *["INT. ", "EXT. ", " - DAY", "Title: ", " ", "\t", "   ", "\n", "\n\n", "\r\n", "\r"],
    *["\ufeff", "\ufffd", "\x00"],
]
SCRIPTISH = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=60).map("".join)
TEXTS = SCRIPTISH | st.text(max_size=300)
FILENAMES = st.sampled_from(["a.txt", "a.md", "a.fountain", "a.fdx", "a.docx", "a", "a.doc"])
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_lines_inside(script: Script, text: str) -> None:
    count = len(normalise_newlines(text).split("\n"))
    for episode in script.episodes:
        assert 1 <= episode.line <= count
        for scene in episode.scenes:
            assert 1 <= scene.line <= count
            for element in scene.elements:
                assert 1 <= element.line <= count
    for problem in script.problems:
        assert 1 <= problem.line <= count


@PROPERTY
@given(TEXTS)
def test_any_text_parses_as_chinese_without_raising_and_within_its_lines(text: str) -> None:
    assert_lines_inside(parse_text(text, format="zh"), text)


@PROPERTY
@given(TEXTS)
def test_any_text_parses_as_fountain_without_raising_and_within_its_lines(text: str) -> None:
    assert_lines_inside(parse_text(text, format="fountain"), text)


@PROPERTY
@given(TEXTS)
def test_any_text_with_a_sniffed_format_parses_within_its_lines(text: str) -> None:
    script = parse_text(text)
    assert script.format in ("zh", "fountain")
    assert_lines_inside(script, text)


@PROPERTY
@given(st.binary(max_size=400) | SCRIPTISH.map(str.encode), FILENAMES)
def test_any_bytes_raise_nothing_but_a_script_format_error(data: bytes, filename: str) -> None:
    try:
        script = parse_bytes(data, filename=filename)
    except ScriptFormatError as exc:
        assert filename in str(exc)
    else:
        assert script.format in ("zh", "fountain", "fdx")
