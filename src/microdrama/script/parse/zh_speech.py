"""Speeches in Chinese scripts: who speaks (名字（OS）（冷笑）：), together, and mid-line cues."""

from __future__ import annotations

import unicodedata

from microdrama.script.document import Element
from microdrama.script.parse.zh_grammar import (
    BOUNDARY,
    FOLD,
    GROUP_SPLIT,
    TOGETHER,
    VOICE_SPEAKERS,
    is_extension,
    normalise_extension,
    unquote,
    valid_speaker,
)


def joined(direction: str | None, parenthetical: str | None, words: str) -> tuple[str | None, str]:
    """A direction from the cue and one from the words together, and the words unquoted."""
    both = (direction or "") + (parenthetical or "")
    return both or None, unquote(words)


def speech(
    number: int, text: str, fold: str, name: str, brackets: list[tuple[int, int]], known: set[str]
) -> Element:
    """A speech's speaker, extension and direction from 名字（OS）（冷笑） as written."""
    element = Element("dialogue", "", number, name)
    directions: list[str] = []
    for first, last in brackets:
        inner = fold[first + 1 : last - 1].strip()
        if not inner:
            continue
        if element.extension is None and is_extension(inner):
            # As written (畫外音 stays 畫外音); only Latin ones are normalised (o.s. → OS).
            written = unicodedata.normalize("NFKC", text[first + 1 : last - 1]).strip()
            element.extension = normalise_extension(written)
        elif name.translate(FOLD) in VOICE_SPEAKERS and inner in known:
            # 画外音（林晚）： is 林晚 heard off screen.
            element.speaker = text[first + 1 : last - 1].strip()
            element.extension = normalise_extension(name.translate(FOLD))
        else:
            directions.append(text[first:last])
    element.parenthetical = "".join(directions) or None
    return element


def group(key: str, bracket: str | None, known: set[str]) -> bool:
    """林晚、顾辰（同时）：: two to four speakers, known or marked as speaking together."""
    names = [name.strip() for name in GROUP_SPLIT.split(key)]
    together = bracket is not None and bracket.strip() in TOGETHER
    return 1 < len(names) <= 4 and all(
        valid_speaker(name) and (together or name in known) for name in names
    )


def next_speech(
    fold: str, start: int, known: set[str]
) -> tuple[int, int, int, tuple[int, int] | None] | None:
    """Where a known name followed by a colon starts a new speech inside this line."""
    colon = fold.find(":", start)
    while colon != -1:
        end = colon
        while end > start and fold[end - 1] == " ":
            end -= 1
        ext_span = None
        if end > start and fold[end - 1] == ")":
            opening = fold.rfind("(", max(start, end - 14), end - 1)
            if opening != -1:
                ext_span, end = (opening + 1, end - 1), opening
        for size in range(min(10, end - start), 0, -1):
            begin = end - size
            if fold[begin:end] in known and (begin == start or fold[begin - 1] in BOUNDARY):
                return begin, end, colon + 1, ext_span
        colon = fold.find(":", colon + 1)
    return None
