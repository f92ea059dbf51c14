"""Fountain 1.1 screenplays (https://fountain.io/syntax), English or Chinese, to a Script."""

from __future__ import annotations

import re
from dataclasses import dataclass

from microdrama.script.document import Element, Episode, Scene, Script
from microdrama.script.parse.zh_grammar import known_heading, normalise_extension, zh_number

_TITLE_KEY = re.compile(r"^(?P<key>[^\s:：][^:：]{0,40}?)\s*[:：](?P<value>.*)$")
_HEADING = re.compile(
    r"^(?P<prefix>int\.?\s*/\s*ext|ext\.?\s*/\s*int|i\s*/\s*e|int|ext|est"
    r"|内外景|外内景|内景|外景)(?:[.。．]+\s*|\s+)(?P<rest>\S.*)$",
    re.I,
)
_FORCED_HEADING = re.compile(r"^\.(?P<rest>[^.\s].*)$")
_SCENE_NUMBER = re.compile(r"\s*#(?P<number>[\w.\-]{1,20})#\s*$")
_TIME_SEPARATORS = (" - ", " – ", " — ", " -- ")
_EN_TIME = re.compile(
    r"^(?:DAY|NIGHT|MORNING|EVENING|AFTERNOON|DAWN|DUSK|SUNSET|SUNRISE|NOON|MIDNIGHT"
    r"|CONTINUOUS|LATER|MOMENTS LATER|A MOMENT LATER|SAME|SAME TIME)\b",
    re.I,
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_CAPITAL = re.compile(r"[A-Z]")
_PREFIX_NOISE = re.compile(r"[\s.]")
_CJK_TIME_MAX = 4
_PAGE_BREAK = re.compile(r"^={3,}$")
_SECTION = re.compile(r"^(?P<depth>#{1,6})\s*(?P<text>.*)$")
_EPISODE_SECTION = re.compile(
    r"^(?:第\s*(?P<zh>[0-9]{1,6}|[零〇一二两三四五六七八九十百千]{1,8})\s*集"
    r"|(?:episode|ep\.?)\s*(?P<en>[0-9]{1,6})(?![0-9]))\s*[:：\-—.]?\s*(?P<title>.*)$",
    re.I,
)
_CENTERED = re.compile(r"^>\s*(?P<text>.*?)\s*<$")
_KNOWN_TRANSITION = re.compile(
    r"^(?:FADE IN:?|FADE OUT\.?|FADE TO BLACK\.?|CUT TO BLACK\.?|淡入[:：。]?|淡出[:：。]?)$", re.I
)
_PARENTHETICAL = re.compile(r"^[(（].*[)）]$")
_CUE_EXTENSIONS = re.compile(r"(?:\s*[(（](?P<ext>[^()（）]{0,30})[)）])+\s*")
_EXTENSION = re.compile(r"[(（](?P<ext>[^()（）]{0,30})[)）]")
_CJK_CUE_FORBIDDEN = frozenset("，。！？：；、…—“”‘’《》「」,.!?:;\"'")
_CJK_CUE_MAX = 12
# Bounded so that a long line full of unmatched `*` cannot make the search quadratic.
_EMPHASIS = re.compile(r"(\*{1,3}|_)(?=\S)(?P<inner>.{1,400}?)(?<=\S)\1")
_ESCAPED = {"\\*": "\ue000", "\\_": "\ue001"}
_CONTINUATIONS = frozenset({"CONT'D", "CONTD", "CONT", "CONTINUED", "续"})
_INTERIORS = {"int": "内", "ext": "外", "est": "外", "内景": "内", "外景": "外"}


@dataclass(slots=True)
class Cue:
    """A character cue: the name as written, its most telling extension, and the dual mark."""

    speaker: str
    extension: str | None
    dual: bool


def strip_emphasis(text: str) -> str:
    """`*italic*`, `**bold**`, `***both***` and `_underline_` marks off; `\\*` kept as `*`."""
    if "*" not in text and "_" not in text:
        return text
    for escaped, placeholder in _ESCAPED.items():
        text = text.replace(escaped, placeholder)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\g<inner>", text)
    return text.replace("\ue000", "*").replace("\ue001", "_")


def split_heading(text: str) -> tuple[str | None, str | None, str | None]:
    """(interior 内/外/内外, location, time as written) from `INT. HOUSE - DAY` and kin."""
    interior = None
    rest = text.strip()
    match = _HEADING.match(rest)
    if match:
        prefix = _PREFIX_NOISE.sub("", match["prefix"]).lower()
        interior = _INTERIORS.get(prefix, "内外")
        rest = match["rest"]
    cut = max(rest.rfind(separator) for separator in _TIME_SEPARATORS)
    if cut >= 0:
        width = next(len(s) for s in _TIME_SEPARATORS if rest.startswith(s, cut))
        location, time = rest[:cut], rest[cut + width :]
    elif "-" in rest and _short_time(rest.rpartition("-")[2].strip()):
        location, _, time = rest.rpartition("-")
    elif "," in rest and _EN_TIME.match(rest.rpartition(",")[2].strip()):
        location, _, time = rest.rpartition(",")
    elif match is None and _CJK.search(rest):
        # 1-1 日 内 咖啡厅, 天台 夜: a heading in the Chinese convention inside Fountain or FDX.
        chinese = known_heading(rest)
        if chinese.time or chinese.interior:
            return chinese.interior, chinese.location, chinese.time
        location, time = rest, ""
    else:
        location, time = rest, ""
    return interior, location.strip(" -–—,") or None, time.strip() or None


def _short_time(tail: str) -> bool:
    if _CJK.search(tail):
        return len(tail) <= _CJK_TIME_MAX
    return bool(_EN_TIME.match(tail))


def split_cue(text: str) -> tuple[str, str | None]:
    """`JIM (O.S.)`, `EDWARD (V.O.)(CONT'D)`, `小王（续）` → name and one normalised extension."""
    opening = min((i for i in (text.find("("), text.find("（")) if i >= 0), default=len(text))
    extensions = [normalise_extension(m["ext"]) for m in _EXTENSION.finditer(text, opening)]
    known = [ext for ext in extensions if ext]
    telling = [ext for ext in known if ext not in _CONTINUATIONS]
    chosen = telling or known
    return text[:opening].strip(), chosen[0] if chosen else None


def character_cue(line: str) -> Cue | None:
    """The line as a character cue (upper case, `@forced`, or a short Chinese name), else None."""
    text = strip_emphasis(line.strip())
    forced = text.startswith("@")
    text = text[1:] if forced else text
    dual = text.endswith("^")
    text = text[:-1].rstrip() if dual else text
    opening = min((i for i in (text.find("("), text.find("（")) if i >= 0), default=len(text))
    if opening < len(text) and not _CUE_EXTENSIONS.fullmatch(text, opening):
        return None
    name, extension = split_cue(text)
    if not name or name.startswith("!"):
        return None
    if not forced:
        if _CJK.search(name):
            if len(name) > _CJK_CUE_MAX or _CJK_CUE_FORBIDDEN & set(name):
                return None
        elif name != name.upper() or not _LATIN_CAPITAL.search(name) or name.endswith(":"):
            return None
    return Cue(name, extension, dual)


def parse_fountain(text: str) -> Script:
    """Parse Fountain text; notes become note elements, boneyard and sections are dropped."""
    return _Parser(text).run()


def _cut_spans(text: str, opening: str, closing: str) -> tuple[str, list[tuple[int, str]]]:
    """Text with every `opening…closing` span blanked (newlines kept) and the spans' contents."""
    parts: list[str] = []
    spans: list[tuple[int, str]] = []
    position = 0
    line = 1
    while (start := text.find(opening, position)) >= 0:
        end = text.find(closing, start + len(opening))
        if end < 0:
            break
        line += text.count("\n", position, start)
        inner = text[start + len(opening) : end]
        spans.append((line, inner.strip()))
        parts += [text[position:start], "\n" * inner.count("\n")]
        line += inner.count("\n")
        position = end + len(closing)
    parts.append(text[position:])
    return "".join(parts), spans


class _Parser:
    """A walk over the lines with one line of look-ahead, as the Fountain rules need."""

    def __init__(self, text: str) -> None:
        text, _ = _cut_spans(text.removeprefix("\ufeff"), "/*", "*/")
        text, self.notes = _cut_spans(text, "[[", "]]")
        self.lines = text.split("\n")
        self.script = Script(title=None, format="fountain")
        self.episode: Episode | None = None
        self.scene: Scene | None = None
        self.after_heading = False

    def run(self) -> Script:
        index = self._title_page()
        previous_blank = True
        while index < len(self.lines):
            line = self.lines[index].strip()
            if not line or _PAGE_BREAK.match(line):
                previous_blank = True
                index += 1
                continue
            index = self._block(index, line, previous_blank)
            previous_blank = False
        for note_line, note in self.notes:
            self._place_note(note_line, note)
        return self.script

    def _title_page(self) -> int:
        """`Key: value` lines (values may go on on indented lines) up to the first blank line."""
        index = 0
        while index < len(self.lines) and not self.lines[index].strip():
            index += 1
        first = _TITLE_KEY.match(self.lines[index]) if index < len(self.lines) else None
        if first is None or _KNOWN_TRANSITION.match(self.lines[index].strip()):
            return 0
        if _HEADING.match(self.lines[index].strip()):
            return 0
        key = ""
        metadata = self.script.metadata
        key_lines: dict[str, int] = {}
        while index < len(self.lines) and self.lines[index].strip():
            raw = self.lines[index]
            match = _TITLE_KEY.match(raw)
            if match and raw[0] not in " \t":
                key = match["key"].strip().lower()
                metadata[key] = strip_emphasis(match["value"].strip())
                key_lines.setdefault(key, index + 1)
            elif key:
                value = strip_emphasis(raw.strip())
                metadata[key] = f"{metadata[key]}\n{value}" if metadata[key] else value
            index += 1
        for key in ("title", "标题", "片名", "剧名"):
            if metadata.get(key):
                self.script.title = " ".join(metadata[key].split("\n")).strip("《》 ")
                self.script.title_line = key_lines.get(key)
                break
        return index

    def _next_blank(self, index: int) -> bool:
        return index + 1 >= len(self.lines) or not self.lines[index + 1].strip()

    def _block(self, index: int, line: str, previous_blank: bool) -> int:
        """Read the element starting at `index`; return the index after it."""
        number = index + 1
        heading = _FORCED_HEADING.match(line) or _HEADING.match(line)
        centered = _CENTERED.match(line)
        if line.startswith("!"):
            return self._paragraph(index, line[1:])
        if line.startswith("#"):
            self._section(_SECTION.match(line), number)
        elif line.startswith("="):
            if self.scene is not None and self.after_heading and self.scene.synopsis is None:
                self.scene.synopsis = line[1:].strip()
                return index + 1
        elif line.startswith("~"):
            self._add(Element("other", strip_emphasis(line[1:].strip()), number))
        elif heading and previous_blank:
            self._open_scene(line, number, forced=not _HEADING.match(line))
            self.after_heading = True
            return index + 1
        elif centered:
            self._add(Element("action", strip_emphasis(centered["text"]), number))
        elif line.startswith(">"):
            self._add(Element("transition", strip_emphasis(line[1:].strip()), number))
        elif previous_blank and self._next_blank(index) and self._is_transition(line):
            self._add(Element("transition", strip_emphasis(line), number))
        elif previous_blank and not self._next_blank(index) and (cue := character_cue(line)):
            return self._dialogue(index, cue)
        else:
            return self._paragraph(index, line)
        self.after_heading = False
        return index + 1

    @staticmethod
    def _is_transition(line: str) -> bool:
        plain = strip_emphasis(line)
        return (plain.isupper() and plain.endswith("TO:")) or bool(_KNOWN_TRANSITION.match(plain))

    def _paragraph(self, index: int, first: str) -> int:
        """An action paragraph: this line and the ones after it up to a blank line."""
        lines = [first.strip()]
        end = index + 1
        while end < len(self.lines) and self.lines[end].strip():
            lines.append(self.lines[end].strip())
            end += 1
        self._add(Element("action", strip_emphasis("\n".join(lines)), index + 1))
        return end

    def _dialogue(self, index: int, cue: Cue) -> int:
        """Dialogue lines and parentheticals under a cue, up to a blank line."""
        words: list[str] = []
        paren: str | None = None
        paren_line = text_line = 0
        end = index + 1
        # A line of exactly two spaces is a deliberate empty line inside dialogue.
        while end < len(self.lines) and (self.lines[end].strip() or self.lines[end] == "  "):
            line = strip_emphasis(self.lines[end].strip())
            if _PARENTHETICAL.match(line):
                if words or paren is not None:
                    self._speech(cue, words, paren, text_line or paren_line)
                words, paren, paren_line, text_line = [], line, end + 1, 0
            else:
                text_line = text_line or end + 1
                words.append(line.removeprefix("~").strip())
            end += 1
        self._speech(cue, words, paren, text_line or paren_line or index + 1)
        return end

    def _speech(self, cue: Cue, words: list[str], paren: str | None, line: int) -> None:
        text = "\n".join(words).strip()
        self._add(Element("dialogue", text, line, cue.speaker, cue.extension, paren))

    def _section(self, match: re.Match[str] | None, line: int) -> None:
        """`# 第1集` / `# Episode 1` opens an episode; other sections only structure the outline."""
        episode = _EPISODE_SECTION.match(match["text"].strip()) if match else None
        if episode is None:
            return
        number = zh_number(episode["zh"] or episode["en"])
        if number is None:
            return
        if self.episode is not None and not self.episode.scenes:
            self.script.episodes.remove(self.episode)
        self.episode = Episode(number, line, episode["title"].strip() or None)
        self.script.episodes.append(self.episode)
        self.scene = None

    def _episode(self, line: int) -> Episode:
        if self.episode is None:
            self.episode = Episode(1, line)
            self.script.episodes.append(self.episode)
        return self.episode

    def _open_scene(self, line: str, number: int, *, forced: bool) -> None:
        heading = line[1:] if forced else line
        scene_number = _SCENE_NUMBER.search(heading)
        if scene_number:
            heading = heading[: scene_number.start()]
        heading = strip_emphasis(heading.strip())
        interior, location, time = split_heading(heading)
        label = scene_number["number"] if scene_number else None
        self.scene = Scene(label, number, heading, time, interior, location)
        self._episode(number).scenes.append(self.scene)

    def _add(self, element: Element) -> None:
        self.after_heading = False
        if self.scene is None:
            self.scene = Scene(None, element.line, "")
            self._episode(element.line).scenes.append(self.scene)
        self.scene.elements.append(element)

    def _place_note(self, line: int, text: str) -> None:
        """A [[note]] goes into the scene it was written in, in line order."""
        scenes = [scene for _, scene in self.script.scenes() if scene.line <= line]
        if not scenes:
            self.script.metadata.setdefault("notes", "")
            self.script.metadata["notes"] = (self.script.metadata["notes"] + "\n" + text).strip()
            return
        elements = scenes[-1].elements
        position = next((i for i, e in enumerate(elements) if e.line > line), len(elements))
        elements.insert(position, Element("note", text, line))
