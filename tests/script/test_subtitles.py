"""Subtitle files reviewed cue by cue: SubRip and WebVTT, tags stripped, line numbers kept."""

from __future__ import annotations

from pathlib import Path

from microdrama.script.service import review_subtitles
from microdrama.script.subtitles import subtitle_lines
from tests.cli.test_cli import cli

SRT = (
    "1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>林晚：好久不见。</i>\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,500\r\n{\\an8}我要把你开膛破肚！\r\n"
)
VTT = (
    "WEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:03.000\n不要打人。\n\n"
    "00:04.000 --> 00:05.000\n你好\n"
)


def test_srt_cues_keep_their_file_line_numbers_without_tags() -> None:
    assert subtitle_lines(SRT.encode("gb18030")) == [
        (3, "林晚：好久不见。"),
        (7, "我要把你开膛破肚！"),
    ]


def test_vtt_headers_notes_and_timings_are_not_text() -> None:
    assert subtitle_lines(VTT.encode()) == [(6, "不要打人。"), (9, "你好")]


def test_a_gory_subtitle_blocks_and_names_its_line() -> None:
    findings = review_subtitles(SRT.encode())
    assert [(f.line, f.severity) for f in findings if f.severity == "block"] == [(7, "block")]


def test_the_cli_reviews_subtitles_with_exit_code_one_on_a_block(tmp_path: Path) -> None:
    path = tmp_path / "ep01.srt"
    path.write_text(SRT, encoding="utf-8")
    result = cli("script", "review", str(path), data=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"line": 7' in result.stdout
