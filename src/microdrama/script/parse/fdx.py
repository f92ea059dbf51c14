"""Final Draft (.fdx) XML to a Script: paragraphs by Type, title page to metadata.

The XML is read with expat, the parser under `xml.etree.ElementTree`, through its handlers
rather than a tree, because only the handlers know the source line: every element's `line` is
the XML line where its `<Paragraph>` starts. A DOCTYPE or ENTITY declaration is refused outright,
so no entity expansion (billion laughs) or external fetch can happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from microdrama.errors import ScriptFormatError
from microdrama.script.document import Element, ElementKind, Episode, Scene, Script
from microdrama.script.parse.fountain import split_cue, split_heading
from microdrama.script.parse.zh_grammar import FOLD, Line, episode_header, known_heading

_CONTENT = ("FinalDraft", "Content", "Paragraph")
_TITLE_PAGE = ("FinalDraft", "TitlePage", "Content", "Paragraph")
_KINDS: dict[str, ElementKind] = {
    "Action": "action",
    "General": "action",
    "Shot": "action",
    "Transition": "transition",
    "Cast List": "note",
    "Lyrics": "other",
}
_ACTS = frozenset({"New Act", "End Of Act", "Act Break"})
_WRITTEN_BY = frozenset({"written by", "by", "screenplay by", "teleplay by", "story by"})


@dataclass(slots=True)
class _Paragraph:
    type: str
    number: str | None
    line: int
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.texts).strip()


class _Reader:
    """Expat handlers that keep the top-level script and title-page paragraphs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = expat.ParserCreate(encoding="UTF-8")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse
        self.stack: list[str] = []
        self.paragraph: _Paragraph | None = None
        self.depth = 0  # of the open paragraph's tag in the stack
        self.in_text = False
        self.body: list[_Paragraph] = []
        self.title_page: list[_Paragraph] = []

    def refuse(self, *_: object) -> None:
        raise ScriptFormatError(
            f"{self.name}: the file declares a DOCTYPE or entities, which a Final Draft file "
            "never does; it was not read"
        )

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if not self.stack and tag != "FinalDraft":
            raise ScriptFormatError(f"{self.name}: not a Final Draft file (root <{tag}>)")
        self.stack.append(tag)
        path = tuple(self.stack)
        if path in (_CONTENT, _TITLE_PAGE):
            line = self.parser.CurrentLineNumber
            self.paragraph = _Paragraph(attributes.get("Type", ""), attributes.get("Number"), line)
            self.depth = len(self.stack)
            (self.body if path == _CONTENT else self.title_page).append(self.paragraph)
        elif tag == "Text" and self.paragraph is not None:
            # Only the paragraph's own runs: SceneProperties nest paragraphs of their own.
            self.in_text = len(self.stack) == self.depth + 1

    def end(self, tag: str) -> None:
        if tag == "Text":
            self.in_text = False
        elif len(self.stack) == self.depth:
            self.paragraph = None
            self.depth = 0
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.in_text and self.paragraph is not None:
            self.paragraph.texts.append(text)


def parse_fdx(source: str | bytes, *, name: str = "script.fdx") -> Script:
    """Parse Final Draft XML; raise ScriptFormatError naming `name` when it is not readable."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    reader = _Reader(name)
    try:
        reader.parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ScriptFormatError(f"{name}: damaged Final Draft XML ({exc})") from exc
    return _build(reader.body, reader.title_page)


def _build(body: list[_Paragraph], title_page: list[_Paragraph]) -> Script:
    script = Script(title=None, format="fdx")
    written = [p for p in title_page if p.text]
    _read_title_page(script, [p.text for p in written])
    script.title_line = written[0].line if written else None
    episode = Episode(1, body[0].line if body else 1)
    script.episodes.append(episode)
    scene: Scene | None = None
    speaker: tuple[str, str | None] | None = None
    paren: str | None = None
    for paragraph in body:
        text = paragraph.text
        if paragraph.type in ("Scene Heading", "General", "Action", "Shot") and (
            chinese_episode := episode_header(
                Line(paragraph.line, text, text.translate(FOLD), False)
            )
        ):
            # 第1集 typed as a heading or a general paragraph opens an episode.
            if not episode.scenes:
                script.episodes.remove(episode)
            episode = Episode(chinese_episode[0], paragraph.line, chinese_episode[1])
            script.episodes.append(episode)
            scene = None
            speaker = paren = None
            continue
        if paragraph.type == "Scene Heading":
            scene = _scene(paragraph)
            episode.scenes.append(scene)
            speaker = paren = None
            continue
        if not text:
            continue
        element: Element | None = None
        if paragraph.type == "Character":
            speaker, paren = split_cue(text.removesuffix("^").strip()), None
        elif paragraph.type == "Parenthetical":
            paren = text
        elif paragraph.type == "Dialogue":
            name, extension = speaker or (None, None)
            element = Element("dialogue", text, paragraph.line, name, extension, paren)
            paren = None
        elif paragraph.type in _ACTS:
            element = Element("mark", text, paragraph.line, mark=paragraph.type)
        else:
            kind = _KINDS.get(paragraph.type, "other")
            if kind == "action":
                text = text.lstrip("△▲ \u3000")  # the Chinese action mark is not part of it
            element = Element(kind, text, paragraph.line)
            speaker = paren = None
        if element is not None:
            if scene is None:
                scene = Scene(None, element.line, "")
                episode.scenes.append(scene)
            scene.elements.append(element)
    if not episode.scenes:
        script.episodes.clear()
    return script


def _scene(paragraph: _Paragraph) -> Scene:
    """A Scene Heading paragraph: INT. HOUSE - DAY, or 1-1 日 内 咖啡厅 with its number."""
    text = paragraph.text
    interior, location, time = split_heading(text)
    number = paragraph.number
    if number is None:
        number = known_heading(text).number
    return Scene(number, paragraph.line, text, time, interior, location)


def _read_title_page(script: Script, lines: list[str]) -> None:
    """The first line is the title; the line after `Written by` the author; all of it kept."""
    if not lines:
        return
    script.title = lines[0]
    script.metadata["title"] = lines[0]
    script.metadata["title page"] = "\n".join(lines)
    for credit, author in zip(lines, lines[1:], strict=False):
        if credit.lower() in _WRITTEN_BY:
            script.metadata.setdefault("credit", credit)
            script.metadata.setdefault("author", author)
