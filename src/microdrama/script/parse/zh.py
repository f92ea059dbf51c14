"""Chinese short-drama scripts (《剧名》, 第1集, 1-1 日 内 地点, △, 名字：台词, 【字幕：…】).

The grammar (patterns, vocabulary, headers) lives in `zh_grammar`; this module walks the lines:
front matter (title, 大纲, 人物小传) before the first header goes to metadata, then episodes,
scenes and elements. A line it cannot read becomes a Problem with its line number, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from microdrama.script.document import Element, Episode, Problem, Scene, Script
from microdrama.script.parse.zh_grammar import (
    ALONE_CUE,
    BIO,
    BRACKET,
    BRACKET_CUE,
    CAST_BLOCKS,
    CAST_LINE,
    CONTROL,
    DIALOGUE,
    END_MARK,
    EPISODE_LIKE,
    FOLD,
    FRONT_KEY,
    FRONT_SUFFIXES,
    FRONT_WORDS,
    MARK_WORDS,
    NOT_SPEAKERS,
    NOTE_WORDS,
    SCENE_NUMBER,
    SPEECH_VERBS,
    TITLE,
    TITLE_KEYS,
    VALUE_MARKS,
    WORD,
    Heading,
    Line,
    cast_names,
    episode_header,
    mark_name,
    prepare_lines,
    scene_heading,
    split_paren,
    unquote,
    valid_speaker,
)
from microdrama.script.parse.zh_speech import group, joined, next_speech, speech

_ACTION_MARKS = re.compile("[△▲]")


def has_zh_markers(text: str) -> bool:
    """Whether the text uses the Chinese convention: N-M or 第N场 scenes, △ or 人物：."""
    # 第N集 alone does not count: Chinese Fountain files use `# 第1集` sections too.
    for line in prepare_lines(text):
        fold = line.fold
        if fold[0] in "△▲" or CAST_LINE.match(fold):
            return True
        number = SCENE_NUMBER.match(fold)
        if number and not number["bare"] and scene_heading(line) is not None:
            return True
    return False


def parse_zh(text: str) -> Script:
    """Parse a Chinese short-drama script; lines it cannot read become Problems, never errors."""
    return _Parser(prepare_lines(text)).run()


@dataclass(slots=True)
class _OpenSpeech:
    """A speech whose cue stood alone (名字：), so its words run on until a blank line.

    Under a cue with words an unmarked line is read as action, as most scripts mean it
    (苏晴猛地睁开眼睛。).
    """

    element: Element
    last_line: int


def _excerpt(text: str) -> str:
    """The start of a line, for a Problem message."""
    return text if len(text) <= 30 else text[:30] + "…"


class _Parser:
    """One pass over prepared lines: front matter, then episodes, scenes and elements."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.script = Script(title=None, format="zh")
        self.episode: Episode | None = None
        self.explicit = False
        self.scene: Scene | None = None
        self.known: set[str] = set()
        self.pending_cast: list[str] = []
        self.awaiting: Element | None = None
        self.first_seen: dict[int, int] = {}
        # The open speech the previous line ended in, which the next line may continue.
        self.speech: _OpenSpeech | None = None

    def run(self) -> Script:
        start = self._body_start()
        self._front(self.lines[:start])
        for line in self.lines[start:]:
            self._line(line)
        self._flush()
        if not self.script.episodes and self.lines:
            message = "no episode (第1集) or scene (1-1 日 内 …) header, dialogue or △ action found"
            self.problem(self.lines[0].number, message)
        self.script.problems.sort(key=lambda problem: problem.line)
        return self.script

    def problem(self, line: int, message: str) -> None:
        self._flush()
        self.script.problems.append(Problem(line, message))

    def _body_start(self) -> int:
        """Lines before the first header are front matter; without headers, before the first cue."""
        for index, line in enumerate(self.lines):
            if episode_header(line) or scene_heading(line):
                return self._past_outline(index)
        for index, line in enumerate(self.lines):
            if line.fold[0] in "△▲" or BRACKET.fullmatch(line.fold):
                return index
            cue = DIALOGUE.match(line.fold)
            if cue and not line.md_heading and not (cue["ext"] or "").strip().isdigit():
                key = cue["name"].strip()
                if not self._opens_block(key, None, front_only=True) and valid_speaker(key):
                    return index
        return len(self.lines)

    def _past_outline(self, start: int) -> int:
        """A 分集大纲 lists 第1集：… 第N集：… before the script starts again at 第1集."""
        first = episode_header(self.lines[start])
        if first is None:
            return start
        body = start
        for index in range(start + 1, len(self.lines)):
            line = self.lines[index]
            if line.fold[0] in "△▲" or scene_heading(line):
                break
            episode = episode_header(line)
            if episode is not None and episode[0] == first[0]:
                body = index
        return body

    @staticmethod
    def _opens_block(key: str, current: str | None, *, front_only: bool = False) -> bool:
        if key in FRONT_WORDS or key.endswith(FRONT_SUFFIXES) or key in NOT_SPEAKERS:
            return True
        return not front_only and current not in CAST_BLOCKS and valid_speaker(key)

    def _front(self, lines: list[Line]) -> None:
        """Title, 大纲, 人物小传 … into metadata; bios teach the parser the character names."""
        key: str | None = None
        blocks: dict[str, list[str]] = {}
        for line in lines:
            title = TITLE.match(line.fold)
            found = FRONT_KEY.match(line.fold)
            if title and self.script.title is None:
                self.script.title = line.text[1:-1].strip()
                self.script.title_line = line.number
            elif found and not episode_header(line) and self._opens_block(found["key"], key):
                key = found["key"]
                value = line.text[found.start("value") :].strip()
                blocks.setdefault(key, []).extend([value] if value else [])
                if key in TITLE_KEYS and value and self.script.title is None:
                    self.script.title = value.strip("《》 ")
                    self.script.title_line = line.number
                if key in ("人物", "角色", "主要人物"):
                    self._learn(cast_names(line.fold[found.start("value") :], value))
            else:
                blocks.setdefault(key or "前言", []).append(line.text)
                if found and key in CAST_BLOCKS and valid_speaker(found["key"]):
                    self._learn([found["key"]])  # 林晚：女，24岁，设计师
            if "(" in line.fold:
                self._learn(m["name"] for m in BIO.finditer(line.fold))
        self.script.metadata.update({name: "\n".join(text) for name, text in blocks.items()})

    def _learn(self, names: Iterable[str]) -> None:
        for name in names:
            folded = name.translate(FOLD).strip()
            self.known.update({folded, folded.replace(" ", "")})

    def _line(self, line: Line) -> None:
        fold = line.fold
        if "\ufffd" in fold or CONTROL.search(fold):
            self.problem(line.number, f"unreadable characters on this line: {_excerpt(line.text)}")
        elif episode := episode_header(line):
            if not (episode[1] and END_MARK.match(episode[1].translate(FOLD))):
                self._open_episode(episode[0], episode[1], line.number)
        elif END_MARK.match(fold) or (TITLE.match(fold) and fold[1:-1] == self.script.title):
            return
        elif EPISODE_LIKE.match(fold):
            self.problem(line.number, f"an episode header without a number: {_excerpt(line.text)}")
        elif heading := scene_heading(line):
            self._open_scene(heading, line.number)
        elif cast := CAST_LINE.match(fold):
            group = "names" if cast["names"] is not None else "listed"
            self._cast(cast_names(cast[group], line.text[cast.start(group) :]))
        elif not WORD.search(fold):
            self.problem(line.number, f"no words on this line: {_excerpt(line.text)}")
        elif fold.count("【") != fold.count("】") or fold.count("[") != fold.count("]"):
            self.problem(line.number, f"a bracket 【 】 is not closed: {_excerpt(line.text)}")
        elif fold[0] == ":":
            self.problem(line.number, f"a colon with no speaker before it: {_excerpt(line.text)}")
        elif line.md_heading:
            self._add(Element("note", line.text, line.number))
        else:
            self._content_line(line)

    def _open_episode(self, number: int, title: str | None, line: int) -> None:
        self._flush()
        if number in self.first_seen:
            first = self.first_seen[number]
            self.problem(line, f"episode {number} appears again (first at line {first})")
        self.first_seen.setdefault(number, line)
        if self.episode is not None and not self.explicit and not self.episode.scenes:
            self.script.episodes.remove(self.episode)
        self.episode = Episode(number, line, title)
        self.explicit = True
        self.script.episodes.append(self.episode)
        self.scene = None
        self.pending_cast = []

    def _ensure_episode(self, line: int) -> Episode:
        if self.episode is None:
            self.episode = Episode(1, line)
            self.script.episodes.append(self.episode)
        return self.episode

    def _open_scene(self, heading: Heading, line: int) -> None:
        self._flush()
        episode = self._ensure_episode(line)
        if heading.episode not in (None, episode.number) and self.explicit:
            where = f"episode {heading.episode} but sits in episode {episode.number}"
            self.problem(line, f"scene {heading.number} is numbered for {where}")
        cast = list(dict.fromkeys(heading.cast or self.pending_cast))
        self._learn(cast)
        self.scene = Scene(heading.number, line, heading.text, heading.time, heading.interior)
        self.scene.location, self.scene.characters = heading.location, cast
        self.pending_cast = []
        episode.scenes.append(self.scene)

    def _cast(self, names: list[str]) -> None:
        self._learn(names)
        target = self.scene.characters if self.scene is not None else self.pending_cast
        target.extend(name for name in names if name not in target)

    def _add(self, element: Element) -> None:
        self._flush()
        self.speech = None
        episode = self._ensure_episode(element.line)
        if self.scene is None:
            self.scene = Scene(None, element.line, "", characters=self.pending_cast)
            self.pending_cast = []
            episode.scenes.append(self.scene)
        self.scene.elements.append(element)

    def _flush(self) -> None:
        """A `名字：` whose words never came is reported; `名字：（沉默）` is kept as it is."""
        if self.awaiting is not None:
            speaker, self.awaiting = self.awaiting, None
            if speaker.parenthetical:
                self._add(speaker)
            else:
                self.problem(speaker.line, f"{speaker.speaker}： is followed by no dialogue")

    def _continues_speech(self, line: Line, text: str) -> bool:
        """A line straight under a speech whose cue stood alone (名字：) is more of that speech,
        up to the first blank line; each line stays its own element, with its own number."""
        speech = self.speech
        if speech is None or speech.last_line != line.number - 1:
            return False
        before = speech.element
        element = Element("dialogue", unquote(text), line.number, before.speaker, before.extension)
        self._add(element)
        self.speech = _OpenSpeech(element, line.number)
        return True

    def _content_line(self, line: Line) -> None:
        """Action, dialogue and 【】 marks, several to a line when the writer ran them together."""
        if self._known_cue(line):
            return
        position = 0
        speaker: Element | None = None
        for bracket in BRACKET.finditer(line.fold):
            whole = bracket.start() == 0 and bracket.end() == len(line.fold)
            mark = self._mark(line, bracket, whole)
            if mark is not None and bracket.start() == 0 and mark.mark in VALUE_MARKS:
                rest = line.text[bracket.end() :].strip(" :：\t\u3000")
                if mark.text == mark.mark and rest and not BRACKET.search(line.fold, bracket.end()):
                    mark.text = rest  # 【字幕】三年后 is 【字幕：三年后】
                    self._add(mark)
                    return
            if mark is not None:
                speaker = self._piece(line, position, bracket.start(), speaker)
                self._add(mark)
                position = bracket.end()
        self._piece(line, position, len(line.fold), speaker)

    def _known_cue(self, line: Line) -> bool:
        """【林晚】台词, or 林晚 alone on a line before its words, for a name the script knows."""
        fold = line.fold
        if self.awaiting is not None:
            return False
        cue = BRACKET_CUE.match(fold) if fold[0] in "【[" else ALONE_CUE.match(fold)
        if cue is None or cue["name"].strip() not in self.known:
            return False
        name = line.text[cue.start("name") : cue.end("name")].strip()
        if fold[0] in "【[":
            element = Element("dialogue", "", line.number, name)
            rest = cue.start("rest")
            element.parenthetical, element.text = split_paren(line.text[rest:], fold[rest:])
            element.text = unquote(element.text)
        else:
            bracket = [(cue.start("ext") - 1, cue.end("ext") + 1)] if cue["ext"] else []
            element = speech(line.number, line.text, fold, name, bracket, self.known)
        if element.text:
            self._add(element)
        else:
            self._flush()
            self.awaiting = element
        return True

    def _mark(self, line: Line, bracket: re.Match[str], whole: bool) -> Element | None:
        group = "a" if bracket["a"] is not None else "b"
        fold = bracket[group]
        text = line.text[bracket.start(group) : bracket.end(group)]
        colon = fold.find(":")
        name = (fold[:colon] if colon >= 0 else fold).strip()
        if colon >= 0:
            usable = name in MARK_WORDS or (len(name) <= 6 and valid_speaker(name))
        else:
            usable = name in MARK_WORDS or (whole and 0 < len(name) <= 8)
        if not usable:
            return None
        label = (text[:colon] if colon >= 0 else text).strip()
        value = text[colon + 1 :].strip() if colon >= 0 else ""
        return Element("mark", value or label, line.number, mark=mark_name(label))

    def _piece(self, line: Line, start: int, end: int, speaker: Element | None) -> Element | None:
        """One stretch of a line between marks; returns the dialogue it ended in, if any."""
        fold = line.fold[start:end]
        lead = len(fold) - len(fold.lstrip())
        fold = fold.strip()
        text = line.text[start + lead : start + lead + len(fold)]
        if not fold:
            return speaker
        if fold[0] == "(" and fold[-1] == ")" and fold[1:-1].strip() in MARK_WORDS:
            label = text[1:-1].strip()
            self._add(Element("mark", label, line.number, mark=mark_name(label)))
            return None
        if fold[0] in "△▲":
            for action in _ACTION_MARKS.split(text):
                if action.strip():
                    self._add(Element("action", action.strip(), line.number))
            return None
        keyed = self._keyed(line.number, text, fold)
        if keyed is not None:
            elements, awaiting = keyed
            for element in elements:
                self._add(element)
            self.awaiting = awaiting
            return elements[-1] if elements and elements[-1].kind == "dialogue" else None
        if self.awaiting is not None or speaker is not None:
            open_cue = self.awaiting is not None
            element = self.awaiting or Element("dialogue", "", line.number)
            if speaker is not None and self.awaiting is None:
                element.speaker, element.extension = speaker.speaker, speaker.extension
            self.awaiting = None
            element.parenthetical, element.text = joined(
                element.parenthetical, *split_paren(text, fold)
            )
            element.line = line.number
            self._add(element)
            if open_cue:
                self.speech = _OpenSpeech(element, line.number)
            return element
        if start == 0 and end == len(line.fold) and self._continues_speech(line, text):
            return None
        self._add(Element("action", text, line.number))
        return None

    def _keyed(
        self, number: int, text: str, fold: str
    ) -> tuple[list[Element], Element | None] | None:
        """`名字：台词` (and others run on after it), `字幕：…` marks, `备注：…` notes."""
        cue = DIALOGUE.match(fold)
        if cue is None:
            return None
        key = cue["name"].strip()
        rest = text[cue.start("rest") :].strip()
        if key in MARK_WORDS:
            name = text[cue.start("name") : cue.end("name")].strip()
            return [Element("mark", rest or name, number, mark=mark_name(name))], None
        if key in NOTE_WORDS:
            return [Element("note", rest, number)], None
        if key in NOT_SPEAKERS or not (valid_speaker(key) or group(key, cue["ext"], self.known)):
            return None
        if key.endswith(SPEECH_VERBS) and key not in self.known:
            return None
        name = text[cue.start("name") : cue.end("name")].strip()
        spans = [(cue.start(group) - 1, cue.end(group) + 1) for group in ("ext", "paren")]
        brackets = [span for span, group in zip(spans, ("ext", "paren"), strict=True) if cue[group]]
        elements: list[Element] = []
        start = cue.start("rest")
        while True:
            following = next_speech(fold, start, self.known)
            end = following[0] if following else len(fold)
            element = speech(number, text, fold, name, brackets, self.known)
            element.parenthetical, element.text = joined(
                element.parenthetical, *split_paren(text[start:end], fold[start:end])
            )
            self.known.add((element.speaker or name).translate(FOLD))
            if following is None:
                if not element.text:
                    return elements, element  # the words follow on the next line
                return [*elements, element], None
            elements.append(element)
            begin, name_end, start, ext_span = following
            name = text[begin:name_end].strip()
            brackets = [(ext_span[0] - 1, ext_span[1] + 1)] if ext_span else []
