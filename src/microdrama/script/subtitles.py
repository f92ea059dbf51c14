"""Subtitle files (SubRip .srt, WebVTT .vtt) to numbered text lines for the compliance review."""

from __future__ import annotations

import re

from microdrama.script.parse.sources import decode_text, normalise_newlines

SUBTITLE_SUFFIXES = (".srt", ".vtt")
_TIMING = re.compile(
    r"^\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
_TAG = re.compile(r"<[^>]{1,40}>|\{\\[^}]{0,40}\}")  # <i>, <font …>, {\an8}


def subtitle_lines(data: bytes) -> list[tuple[int, str]]:
    """The spoken text of each cue line with its line number in the file (tags removed)."""
    text, _ = decode_text(data)
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(normalise_newlines(text).split("\n"), start=1):
        line = raw.strip().lstrip("\ufeff")
        if (
            not line
            or _CUE_NUMBER.match(line)
            or _TIMING.match(line)
            or line.startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))
        ):
            continue
        spoken = _TAG.sub("", line).strip()
        if spoken:
            lines.append((number, spoken))
    return lines
