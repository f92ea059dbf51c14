"""The script document model every format parses into: Script → Episode → Scene → Element."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Bump when the exported breakdown/document shape changes (exports carry it).
SCHEMA_VERSION = "script-1"

ElementKind = Literal["action", "dialogue", "mark", "transition", "note", "other"]


@dataclass(slots=True)
class Element:
    """One line-level unit of a scene, with the source line it came from (1-based)."""

    kind: ElementKind
    text: str
    line: int
    # Dialogue only: the speaker as written (without extension) and e.g. "OS", "VO", "CONT'D".
    speaker: str | None = None
    extension: str | None = None
    # Dialogue only: a parenthetical such as （哭） or (beat).
    parenthetical: str | None = None
    # Marks only: the mark's name, e.g. "字幕", "闪回", "闪回结束", "卡点", "反转", "付费点".
    mark: str | None = None


@dataclass(slots=True)
class Scene:
    """A scene: heading fields as written plus its elements."""

    number: str | None
    line: int
    heading: str
    time_of_day: str | None = None  # as written: 日, 夜, 晨, 黄昏, DAY, NIGHT ...
    interior: str | None = None  # "内", "外" or "内外"
    location: str | None = None
    synopsis: str | None = None
    characters: list[str] = field(default_factory=list)  # listed on a 人物： line
    elements: list[Element] = field(default_factory=list)


@dataclass(slots=True)
class Episode:
    """An episode (a script without episode headers has one, number 1)."""

    number: int
    line: int
    title: str | None = None
    scenes: list[Scene] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """A line the parser could not understand, kept instead of failing."""

    line: int
    message: str


@dataclass(slots=True)
class Script:
    """A parsed script in any supported format."""

    title: str | None
    format: str  # "zh", "fountain", "fdx"
    episodes: list[Episode] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    title_line: int | None = None  # the source line the title was read from

    def scenes(self) -> list[tuple[Episode, Scene]]:
        """Every scene with its episode, in script order."""
        return [(episode, scene) for episode in self.episodes for scene in episode.scenes]
