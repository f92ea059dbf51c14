"""Script breakdown: scenes, characters, locations, estimated screen time and the paywall pick.

Day/night: a scene's time of day as written is mapped to ``day`` or ``night`` by `DAY_LIKE` and
`NIGHT_LIKE` (exact, else the first recognised word, else its first one or two ideographs);
anything else (连续, CONTINUOUS, LATER ...) is left unclassified. Dawn and dusk (清晨, 黄昏,
傍晚, 暮, DAWN, DUSK) count as day because they are shot in natural light; evening and the small
hours (晚上, 凌晨, EVENING) count as night because they are lit as night.

Characters: a name, its extension form (张三（OS）, JOHN (V.O.), JOHN (CONT'D)) and any trailing
bracketed description (林晚（25岁）) are one person; names are compared after NFKC (full-width to
half-width), whitespace folding and, for Latin letters, case folding. Nothing else is stripped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from microdrama.script.document import SCHEMA_VERSION, Element, Problem, Scene, Script
from microdrama.script.hooks import EpisodeHooks, PaywallSuggestion, episode_hooks, suggest_paywall
from microdrama.script.variants import simplified_table

DayNight = Literal["day", "night"]
Gettext = Callable[[str], str]

DAY_LIKE = frozenset(
    {
        *("日", "白天", "白日", "昼", "日间", "晨", "清晨", "早", "早晨", "早上", "上午"),
        *("中午", "正午", "午", "下午", "黎明", "拂晓", "黄昏", "傍晚", "暮", "薄暮"),
        *("DAY", "MORNING", "AFTERNOON", "NOON", "DAWN", "DUSK", "SUNRISE", "SUNSET"),
        *("MAGIC HOUR", "DAYTIME"),
    }
)
# The narrator speaks but is not a character: its lines count towards screen time only.
NARRATORS = frozenset(
    {"旁白", "解说", "画外解说", "画外音", "画外", "OS", "VO", "NARRATOR", "NARRATION"}
)
NIGHT_LIKE = frozenset(
    {
        *("夜", "夜晚", "夜间", "晚", "晚上", "深夜", "午夜", "半夜", "凌晨", "入夜"),
        *("NIGHT", "EVENING", "MIDNIGHT", "NIGHTTIME", "LATE NIGHT"),
    }
)
_GROUP_CUE = re.compile(r"[、，,&＆]")
_TIME_SPLIT = re.compile(r"[\s/|,，、()（）\[\]【】\-–—]+")
_TRAILING_BRACKETS = re.compile(r"\s*[(\[【][^()\[\]【】]*[)\]】]\s*$")
_SPACES = re.compile(r"\s+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_NOT_CJK = re.compile(rf"[^{_CJK}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_NOT_SPOKEN = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class BreakdownConfig:
    """Rates behind the screen-time estimate, the target episode length and the paywall range."""

    # ~240 characters a minute: the fast delivery of short dramas (TV drama runs ~180-200).
    dialogue_chars_per_second: float = 4.0
    # ~150 words a minute, the usual screenplay read-through pace (Fountain, FDX, English lines).
    dialogue_words_per_second: float = 2.5
    # An action line costs a beat to stage plus a little per character, capped because long
    # descriptions are written for the reader, not filmed at that length.
    action_line_seconds: float = 3.0
    action_char_seconds: float = 0.1
    action_char_cap_seconds: float = 5.0
    # Each scene costs one cut into it.
    scene_transition_seconds: float = 1.0
    episode_min_seconds: int = 60
    episode_max_seconds: int = 180
    paywall_first: int = 8
    paywall_last: int = 15

    def __post_init__(self) -> None:
        rates = (self.dialogue_chars_per_second, self.dialogue_words_per_second)
        if min(rates) <= 0:
            raise ValueError("dialogue rates must be positive")
        if self.episode_min_seconds > self.episode_max_seconds:
            raise ValueError("episode_min_seconds must not exceed episode_max_seconds")
        if not 1 <= self.paywall_first <= self.paywall_last:
            raise ValueError("the paywall range must be 1 <= first <= last")


@dataclass(frozen=True, slots=True)
class DurationFlag:
    """An episode estimated outside the target range."""

    code: Literal["too_short", "too_long"]
    message: str


@dataclass(frozen=True, slots=True)
class SceneBreakdown:
    """One scene's heading fields, cast and estimated screen time."""

    episode: int
    number: str | None
    line: int
    heading: str
    time_of_day: str | None
    day_night: DayNight | None
    interior: str | None
    location: str | None
    synopsis: str | None
    characters: tuple[str, ...]
    dialogue_lines: int
    estimated_ms: int


@dataclass(frozen=True, slots=True)
class EpisodeBreakdown:
    """One episode's scenes, estimated length, ending and duration flag."""

    number: int
    title: str | None
    line: int
    scenes: tuple[SceneBreakdown, ...]
    dialogue_lines: int
    spoken_characters: int
    estimated_ms: int
    duration_flag: DurationFlag | None
    hooks: EpisodeHooks


@dataclass(frozen=True, slots=True)
class CharacterBreakdown:
    """One person across the script: lines, spoken characters, episodes and scenes."""

    name: str
    aliases: tuple[str, ...]
    lines: int
    spoken_characters: int
    lines_by_episode: dict[int, int]
    spoken_by_episode: dict[int, int]
    episodes: tuple[int, ...]
    scenes: int

    @property
    def first_episode(self) -> int | None:
        """The first episode the character appears in."""
        return self.episodes[0] if self.episodes else None

    @property
    def last_episode(self) -> int | None:
        """The last episode the character appears in."""
        return self.episodes[-1] if self.episodes else None


@dataclass(frozen=True, slots=True)
class LocationBreakdown:
    """One location: scene count with its day/night and interior/exterior split."""

    name: str
    scenes: int
    episodes: tuple[int, ...]
    day: int
    night: int
    unknown_time: int
    interior: int
    exterior: int
    interior_exterior: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The whole breakdown of a script."""

    title: str | None
    format: str
    config: BreakdownConfig
    episodes: tuple[EpisodeBreakdown, ...]
    characters: tuple[CharacterBreakdown, ...]
    locations: tuple[LocationBreakdown, ...]
    paywall: PaywallSuggestion
    problems: tuple[Problem, ...]
    schema_version: str = SCHEMA_VERSION

    @property
    def scenes(self) -> tuple[SceneBreakdown, ...]:
        """Every scene in script order."""
        return tuple(scene for episode in self.episodes for scene in episode.scenes)

    @property
    def estimated_ms(self) -> int:
        """Estimated screen time of the whole script."""
        return sum(episode.estimated_ms for episode in self.episodes)


def day_night(time_of_day: str | None) -> DayNight | None:
    """Classify a time of day as written (日, 夜, 黄昏, NIGHT ...) as day, night or unknown."""
    if not time_of_day:
        return None
    text = unicodedata.normalize("NFKC", time_of_day).strip().upper()
    text = text.translate(simplified_table())  # 晝, 晚間 as written in traditional scripts
    candidates = [text, *(t for t in _TIME_SPLIT.split(text) if t)]
    for token in candidates:
        # Ideographs may run on (夜雨, 清晨时分); Latin words must match whole.
        probes = (token, token[:2], token[:1]) if _HAS_CJK.match(token) else (token,)
        for probe in probes:
            if probe in DAY_LIKE:
                return "day"
            if probe in NIGHT_LIKE:
                return "night"
    return None


# Names repeat on every line, so their normal forms are worth remembering.
@lru_cache(maxsize=4096)
def display_name(name: str) -> str:
    """A character name without extension or description, in folded width and spacing."""
    text = unicodedata.normalize("NFKC", name).strip()
    while (stripped := _TRAILING_BRACKETS.sub("", text)) != text and stripped:
        text = stripped
    return _CJK_GAP.sub("", _SPACES.sub(" ", text))


@lru_cache(maxsize=4096)
def character_key(name: str) -> str:
    """The identity of a character name: display form, case-folded, traditional as simplified
    (陳思思 and 陈思思 are one person)."""
    return display_name(name).casefold().translate(simplified_table())


def _is_narrator(written: str) -> bool:
    """旁白, 旁白君, 画外音, OS …: a voice over the pictures, not a character."""
    name = display_name(written).upper().replace(".", "").translate(simplified_table())
    return name in NARRATORS or name.startswith("旁白")


def location_name(location: str) -> str:
    """A location in folded width and single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", location)).strip()


def _speakers(element: Element) -> list[str]:
    """The speakers of a dialogue line as written; a group cue names several."""
    names = [n for n in _GROUP_CUE.split(element.speaker or "") if n.strip()]
    if len(names) < 2:
        return [_written(element)]
    return [_written(replace(element, speaker=name.strip())) for name in names]


def _written(element: Element) -> str:
    speaker = element.speaker or ""
    if not element.extension:
        return speaker
    if _HAS_CJK.search(speaker):
        return f"{speaker}（{element.extension}）"
    return f"{speaker} ({element.extension})"


def _element_seconds(element: Element, spoken: int, config: BreakdownConfig) -> float:
    if element.kind == "dialogue":
        ideographs = len(_NOT_CJK.sub("", element.text))
        # Only letters and digits outside the ideographs can form words.
        words = len(_WORD.findall(element.text)) if spoken > ideographs else 0
        return (
            ideographs / config.dialogue_chars_per_second + words / config.dialogue_words_per_second
        )
    if element.kind == "action":
        extra = min(spoken * config.action_char_seconds, config.action_char_cap_seconds)
        return config.action_line_seconds + extra
    # Marks (字幕, 卡点 ...), transitions and notes take no screen time of their own.
    return 0.0


@dataclass(slots=True)
class _Tally:
    name: str
    aliases: dict[str, None] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)
    spoken: dict[int, int] = field(default_factory=dict)
    episodes: set[int] = field(default_factory=set)
    scenes: int = 0


@dataclass(slots=True)
class _Place:
    name: str
    scenes: int = 0
    episodes: dict[int, None] = field(default_factory=dict)
    time: dict[str, int] = field(default_factory=dict)
    interior: dict[str, int] = field(default_factory=dict)


def _tally(tallies: dict[str, _Tally], written: str) -> tuple[str, _Tally]:
    key = character_key(written)
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = _Tally(display_name(written))
    tally.aliases[written.strip()] = None
    return key, tally


def _scene(
    episode_number: int,
    scene: Scene,
    tallies: dict[str, _Tally],
    config: BreakdownConfig,
) -> tuple[SceneBreakdown, int]:
    present: dict[str, _Tally] = {}
    for listed in scene.characters:
        key, tally = _tally(tallies, listed)
        present.setdefault(key, tally)
    seconds = config.scene_transition_seconds
    dialogue = spoken_total = 0
    for element in scene.elements:
        counted = element.kind in ("dialogue", "action")
        spoken = len(_NOT_SPOKEN.sub("", element.text)) if counted else 0
        seconds += _element_seconds(element, spoken, config)
        if element.kind == "dialogue" and element.speaker:
            # A group cue (林晚、顾辰：…) is a line for each of them.
            for written in _speakers(element):
                if _is_narrator(written):
                    continue
                key, tally = _tally(tallies, written)
                present.setdefault(key, tally)
                tally.lines[episode_number] = tally.lines.get(episode_number, 0) + 1
                tally.spoken[episode_number] = tally.spoken.get(episode_number, 0) + spoken
            dialogue += 1
        spoken_total += spoken
    for tally in present.values():
        tally.episodes.add(episode_number)
        tally.scenes += 1
    result = SceneBreakdown(
        episode=episode_number,
        number=scene.number,
        line=scene.line,
        heading=scene.heading,
        time_of_day=scene.time_of_day,
        day_night=day_night(scene.time_of_day),
        interior=scene.interior,
        location=location_name(scene.location) if scene.location else None,
        synopsis=scene.synopsis,
        characters=tuple(tally.name for tally in present.values()),
        dialogue_lines=dialogue,
        estimated_ms=round(seconds * 1000),
    )
    return result, spoken_total


def _flag(ms: int, config: BreakdownConfig, gettext: Gettext) -> DurationFlag | None:
    seconds = round(ms / 1000)
    if ms < config.episode_min_seconds * 1000:
        message = gettext("Estimated {seconds} s, shorter than the {limit} s target")
        return DurationFlag(
            "too_short", message.format(seconds=seconds, limit=config.episode_min_seconds)
        )
    if ms > config.episode_max_seconds * 1000:
        message = gettext("Estimated {seconds} s, longer than the {limit} s target")
        return DurationFlag(
            "too_long", message.format(seconds=seconds, limit=config.episode_max_seconds)
        )
    return None


def _place(places: dict[str, _Place], scene: SceneBreakdown) -> None:
    if scene.location is None:
        return
    place = places.get(scene.location)
    if place is None:
        place = places[scene.location] = _Place(scene.location)
    place.scenes += 1
    place.episodes[scene.episode] = None
    time = scene.day_night or "unknown"
    place.time[time] = place.time.get(time, 0) + 1
    inside = scene.interior or "unknown"
    place.interior[inside] = place.interior.get(inside, 0) + 1


def breakdown(
    script: Script,
    config: BreakdownConfig | None = None,
    *,
    gettext: Gettext | None = None,
) -> Breakdown:
    """Break a parsed script down into scenes, characters, locations, timings and hooks."""
    config = config or BreakdownConfig()
    _ = gettext or (lambda message: message)
    tallies: dict[str, _Tally] = {}
    places: dict[str, _Place] = {}
    episodes: list[EpisodeBreakdown] = []
    episodic = script.format == "zh" or len(script.episodes) > 1
    for episode in script.episodes:
        scenes: list[SceneBreakdown] = []
        spoken = 0
        for scene in episode.scenes:
            result, scene_spoken = _scene(episode.number, scene, tallies, config)
            scenes.append(result)
            _place(places, result)
            spoken += scene_spoken
        ms = sum(scene.estimated_ms for scene in scenes)
        episodes.append(
            EpisodeBreakdown(
                number=episode.number,
                title=episode.title,
                line=episode.line,
                scenes=tuple(scenes),
                dialogue_lines=sum(scene.dialogue_lines for scene in scenes),
                spoken_characters=spoken,
                estimated_ms=ms,
                # A feature or pilot screenplay without episode markers is not a short-drama
                # episode: judging its length against 1–3 minutes would only mislead.
                duration_flag=_flag(ms, config, _) if episodic else None,
                hooks=episode_hooks(episode),
            )
        )
    characters = [
        CharacterBreakdown(
            name=tally.name,
            aliases=tuple(tally.aliases),
            lines=sum(tally.lines.values()),
            spoken_characters=sum(tally.spoken.values()),
            lines_by_episode=dict(sorted(tally.lines.items())),
            spoken_by_episode=dict(sorted(tally.spoken.items())),
            episodes=tuple(sorted(tally.episodes)),
            scenes=tally.scenes,
        )
        for tally in tallies.values()
    ]
    # Most lines first; sorted() is stable, so equal counts keep first-appearance order.
    characters.sort(key=lambda c: -c.lines)
    locations = sorted(
        (
            LocationBreakdown(
                name=place.name,
                scenes=place.scenes,
                episodes=tuple(place.episodes),
                day=place.time.get("day", 0),
                night=place.time.get("night", 0),
                unknown_time=place.time.get("unknown", 0),
                interior=place.interior.get("内", 0),
                exterior=place.interior.get("外", 0),
                interior_exterior=place.interior.get("内外", 0),
            )
            for place in places.values()
        ),
        key=lambda location: -location.scenes,
    )
    paywall = suggest_paywall(
        [episode.hooks for episode in episodes],
        first=config.paywall_first,
        last=config.paywall_last,
        gettext=gettext,
    )
    return Breakdown(
        title=script.title,
        format=script.format,
        config=config,
        episodes=tuple(episodes),
        characters=tuple(characters),
        locations=tuple(locations),
        paywall=paywall,
        problems=tuple(script.problems),
    )
