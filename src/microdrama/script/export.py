"""Breakdown exports: JSON, scene list and character matrix CSV, USS and a standalone HTML report.

USS is the Universal Schedule Standard (github.com/UniversalScheduleStandard, docs/docs.md and
samples/small_sample_schedule.uss), an open JSON format for breakdowns and schedules. What
`to_uss` follows from its documentation: the root ``universalScheduleStandard`` object with every
header key (``version`` is the USS version), ``breakdowns`` of type ``scene`` whose ``elements``
list element ids, ``categories`` with ``ucid`` numbers from the Universal Category
Identification Standard (Set 0, INT/EXT 1, Day/Night 2, Cast Members 100), ``elements`` with all
their keys, empty ``calendars`` and ``stripboards`` (a breakdown, not a schedule), ids as
24-hex-digit strings, and custom keys prefixed with ``_``. What could not be confirmed: the
version string (the documented sample says 0.9.0, a later sample says ``ussVersion`` 1.0.0 with
``duration`` instead of ``time``); we write ``version`` = `USS_VERSION` and the documented keys.
Short dramas have no page counts, so ``pages`` is null; ``time`` (time to *shoot*) is null too,
and the estimated *screen* time travels as ``_estimatedSeconds``. Heading values (内/外, 日/夜,
the set) are written as they appear in the script, as the standard's own example does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from microdrama.script.breakdown import Breakdown, EpisodeBreakdown, SceneBreakdown
from microdrama.script.document import Script
from microdrama.spreadsheets import csv_lines

USS_VERSION = "1.0.0"
# Universal Category Identification Standard numbers.
_UCID = {"Set": 0, "INT/EXT": 1, "Day/Night": 2, "Cast Members": 100}
Gettext = Callable[[str], str]


def _seconds(ms: int) -> float:
    return round(ms / 1000, 1)


def _scene_dict(scene: SceneBreakdown) -> dict[str, Any]:
    return {
        "number": scene.number,
        "line": scene.line,
        "heading": scene.heading,
        "time_of_day": scene.time_of_day,
        "day_night": scene.day_night,
        "interior": scene.interior,
        "location": scene.location,
        "characters": list(scene.characters),
        "dialogue_lines": scene.dialogue_lines,
        "estimated_seconds": _seconds(scene.estimated_ms),
        "synopsis": scene.synopsis,
    }


def _episode_dict(episode: EpisodeBreakdown) -> dict[str, Any]:
    hooks = episode.hooks
    flag = episode.duration_flag
    return {
        "number": episode.number,
        "title": episode.title,
        "line": episode.line,
        "estimated_seconds": _seconds(episode.estimated_ms),
        "duration_flag": {"code": flag.code, "message": flag.message} if flag else None,
        "dialogue_lines": episode.dialogue_lines,
        "spoken_characters": episode.spoken_characters,
        "ends_on_hook": hooks.ends_on_hook,
        "hook_kind": hooks.hook_kind,
        "hook_line": hooks.evidence_line,
        "hook_text": hooks.evidence_text,
        "reversal_density": round(hooks.reversal_density, 2),
        "conflict_density": round(hooks.conflict_density, 2),
        "hook_score": round(hooks.score, 3),
        "paywall_mark_line": hooks.paywall_mark_line,
        "scenes": [_scene_dict(scene) for scene in episode.scenes],
    }


def _totals(result: Breakdown) -> dict[str, Any]:
    scenes = result.scenes
    count = len(result.episodes)
    return {
        "episodes": count,
        "scenes": len(scenes),
        "characters": len(result.characters),
        "locations": len(result.locations),
        "dialogue_lines": sum(e.dialogue_lines for e in result.episodes),
        "estimated_seconds": _seconds(result.estimated_ms),
        "average_episode_seconds": _seconds(result.estimated_ms // count) if count else 0.0,
        "episodes_off_target": sum(1 for e in result.episodes if e.duration_flag),
        "episodes_ending_on_hook": sum(1 for e in result.episodes if e.hooks.ends_on_hook),
        "day_scenes": sum(1 for s in scenes if s.day_night == "day"),
        "night_scenes": sum(1 for s in scenes if s.day_night == "night"),
        "interior_scenes": sum(1 for s in scenes if s.interior == "内"),
        "exterior_scenes": sum(1 for s in scenes if s.interior == "外"),
        "interior_exterior_scenes": sum(1 for s in scenes if s.interior == "内外"),
    }


def to_json_dict(script: Script, result: Breakdown) -> dict[str, Any]:
    """The breakdown as a JSON-ready dict in a fixed key order."""
    paywall = result.paywall
    return {
        "schema_version": result.schema_version,
        "title": script.title,
        "format": script.format,
        "metadata": dict(sorted(script.metadata.items())),
        "config": asdict(result.config),
        "totals": _totals(result),
        "episodes": [_episode_dict(episode) for episode in result.episodes],
        "characters": [
            {
                "name": c.name,
                "aliases": list(c.aliases),
                "lines": c.lines,
                "spoken_characters": c.spoken_characters,
                "episodes": list(c.episodes),
                "first_episode": c.first_episode,
                "last_episode": c.last_episode,
                "scenes": c.scenes,
                "lines_by_episode": {str(k): v for k, v in c.lines_by_episode.items()},
            }
            for c in result.characters
        ],
        "locations": [
            {
                "name": loc.name,
                "scenes": loc.scenes,
                "episodes": list(loc.episodes),
                "day": loc.day,
                "night": loc.night,
                "unknown_time": loc.unknown_time,
                "interior": loc.interior,
                "exterior": loc.exterior,
                "interior_exterior": loc.interior_exterior,
            }
            for loc in result.locations
        ],
        "paywall_suggestion": {
            "episode": paywall.episode,
            "reason": paywall.reason,
            "basis": paywall.basis,
            "explanation": paywall.explanation,
            "line": paywall.line,
        },
        "problems": [{"line": p.line, "message": p.message} for p in result.problems],
    }


def _csv(rows: list[list[Any]]) -> str:
    return csv_lines(rows)


def scene_list_csv(result: Breakdown) -> str:
    """One row per scene: where, when, who, and the estimated seconds."""
    header = [
        "episode",
        "scene",
        "line",
        "time_of_day",
        "interior",
        "location",
        "characters",
        "estimated_seconds",
    ]
    rows = [
        [
            s.episode,
            s.number or "",
            s.line,
            s.time_of_day or "",
            s.interior or "",
            s.location or "",
            "、".join(s.characters),
            _seconds(s.estimated_ms),
        ]
        for s in result.scenes
    ]
    return _csv([header, *rows])


def character_matrix_csv(result: Breakdown) -> str:
    """Characters by episode: dialogue lines spoken in each episode, and the total."""
    numbers = [episode.number for episode in result.episodes]
    header = ["character", *(str(n) for n in numbers), "total"]
    rows = [
        [c.name, *(c.lines_by_episode.get(n, 0) for n in numbers), c.lines]
        for c in result.characters
    ]
    return _csv([header, *rows])


def _uss_id(*parts: str) -> str:
    # Stable ids let an importer recognise a re-exported scene; 24 hex digits look like the
    # BSON ObjectIds the standard recommends.
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def _uss_element(
    element_id: str, name: str, created: str | None, board_id: str = ""
) -> dict[str, Any]:
    return {
        "id": element_id,
        "created": created,
        "doodDropAllow": False,
        "doodDropDays": 0,
        "doodHoldAllow": False,
        "doodInclude": bool(board_id),
        "elementId": board_id,
        "elementIdLock": False,
        "events": [],
        "linkedElements": [],
        "name": name,
    }


def _scene_label(scene: SceneBreakdown, index: int) -> str:
    number = scene.number or str(index)
    # 1-2 already names its episode; 第2场 numbering restarts every episode and does not.
    return number if number.startswith(f"{scene.episode}-") else f"{scene.episode}-{number}"


def to_uss(
    script: Script,
    result: Breakdown,
    *,
    created: datetime | None = None,
    author: str | None = None,
    company: str | None = None,
    source: str = "microdrama",
) -> dict[str, Any]:
    """The breakdown as a Universal Schedule Standard object (a breakdown, no schedule)."""
    project = script.title or ""
    stamp = None
    if created is not None:
        stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
            f"{created.microsecond // 1000:03d}Z"
        )
    elements: dict[tuple[str, str], dict[str, Any]] = {}
    members: dict[str, list[str]] = {name: [] for name in _UCID}

    def element(category: str, name: str, board_id: str = "") -> str:
        key = (category, name)
        if key not in elements:
            element_id = _uss_id(project, "element", category, name)
            elements[key] = _uss_element(element_id, name, stamp, board_id)
            members[category].append(element_id)
        return str(elements[key]["id"])

    # Cast board numbers follow the breakdown's order: most lines first, as boards number them.
    for number, character in enumerate(result.characters, start=1):
        element("Cast Members", character.name, str(number))
    breakdowns = []
    for episode in result.episodes:
        for index, scene in enumerate(episode.scenes, start=1):
            label = _scene_label(scene, index)
            ids = [
                *([element("INT/EXT", scene.interior)] if scene.interior else []),
                *([element("Set", scene.location)] if scene.location else []),
                *([element("Day/Night", scene.time_of_day)] if scene.time_of_day else []),
                *(element("Cast Members", name) for name in scene.characters),
            ]
            breakdowns.append(
                {
                    "id": _uss_id(project, "breakdown", label, str(scene.line)),
                    "comments": None,
                    "created": stamp,
                    "description": scene.synopsis or scene.heading,
                    "elements": ids,
                    "pages": None,
                    "scene": label,
                    "scriptPage": None,
                    "time": None,
                    "type": "scene",
                    "_episode": scene.episode,
                    "_episodeTitle": episode.title,
                    "_line": scene.line,
                    "_estimatedSeconds": _seconds(scene.estimated_ms),
                }
            )
    categories = [
        {
            "id": _uss_id(project, "category", name),
            "created": stamp,
            "elements": members[name],
            "name": name,
            "ucid": ucid,
        }
        for name, ucid in _UCID.items()
    ]
    return {
        "universalScheduleStandard": {
            "id": _uss_id(project, "breakdown-file"),
            "author": author,
            "company": company,
            "created": stamp,
            "description": f"{project} breakdown ({result.schema_version})",
            "episode": None,
            "episodeName": None,
            "name": f"{project} breakdown",
            "project": project,
            "schedColor": None,
            "schedDate": None,
            "scriptColor": None,
            "scriptDate": None,
            "season": None,
            "source": source,
            "version": USS_VERSION,
            "breakdowns": breakdowns,
            "calendars": [],
            "categories": categories,
            "elements": list(elements.values()),
            "stripboards": [],
        }
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _clock(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


ENGLISH_INT_EXT = {"内": "INT.", "外": "EXT.", "内外": "INT./EXT."}


def to_html(
    script: Script,
    result: Breakdown,
    *,
    gettext: Gettext | None = None,
    lang: str = "zh-CN",
) -> str:
    """A standalone HTML report: totals, episodes, scenes, character matrix, locations, problems."""
    _ = gettext or (lambda message: message)
    hook_labels = {
        "marked": _("Cliffhanger mark"),
        "reveal": _("Reveal"),
        "interrupted": _("Interrupted line"),
        "question": _("Unanswered question"),
    }
    template = _environment().get_template("breakdown.html")
    return template.render(
        _=_,
        hook_labels=hook_labels,
        lang=lang,
        title=script.title or "",
        result=result,
        totals=_totals(result),
        clock=_clock,
        seconds=_seconds,
        numbers=[episode.number for episode in result.episodes],
        # English readers expect screenplay abbreviations and commas.
        int_ext=ENGLISH_INT_EXT if lang.startswith("en") else {},
        separator=", " if lang.startswith("en") else "、",
    )
