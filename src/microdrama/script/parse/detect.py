"""Entry points: a script file, bytes or text in any supported format → a Script."""

from __future__ import annotations

import re
from pathlib import Path

from microdrama.errors import ReadError
from microdrama.script.document import Problem, Script
from microdrama.script.parse.fdx import parse_fdx
from microdrama.script.parse.fountain import parse_fountain
from microdrama.script.parse.sources import normalise_newlines, read_source
from microdrama.script.parse.zh import has_zh_markers, parse_zh

FORMATS = ("zh", "fountain", "fdx")

_SLUGLINE = re.compile(
    r"^[ \t]*(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E|INT|EXT|EST|内景|外景)[.。．\s]",
    re.M | re.I,
)
_TITLE_PAGE_KEY = re.compile(
    r"^\ufeff?(?:title|credit|author|authors|source|draft date|contact|标题|作者)[ \t]*[:：]",
    re.I,
)


def parse_file(path: Path) -> Script:
    """Read and parse a script file; the format comes from its name and content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    return parse_bytes(data, filename=path.name)


def parse_bytes(data: bytes, *, filename: str) -> Script:
    """Parse an uploaded script; only ScriptFormatError escapes, for a corrupt .docx or .fdx."""
    source = read_source(data, filename=filename)
    if source.format == "fdx":
        script = parse_fdx(source.text, name=filename)
    else:
        script = _parse(source.text, format="fountain" if source.format == "fountain" else None)
    script.problems[:0] = source.problems
    if not source.text.strip():
        script.problems.append(Problem(1, f"{filename} is empty: it holds no script text"))
    return _checked(script)


def parse_text(text: str, *, format: str | None = None) -> Script:
    """Parse script text as `zh`, `fountain` or `fdx`; None sniffs Chinese against Fountain."""
    return _checked(_parse(text, format=format))


def _checked(script: Script) -> Script:
    """Problems the whole script shows: episodes missing between two it has (第2集 → 第12集)."""
    numbers = sorted({episode.number: episode.line for episode in script.episodes}.items())
    for (before, _), (after, line) in zip(numbers, numbers[1:], strict=False):
        if after - before > 1:
            missing = f"{before + 1}" if after - before == 2 else f"{before + 1}–{after - 1}"
            message = f"episode {missing} missing: episode {after} follows episode {before}"
            script.problems.append(Problem(line, message))
    script.problems.sort(key=lambda problem: problem.line)
    return script


def _parse(text: str, *, format: str | None) -> Script:
    text = normalise_newlines(text)
    chosen = format or sniff_format(text)
    if chosen == "fountain":
        return parse_fountain(text)
    if chosen == "fdx":
        return parse_fdx(text)
    if chosen == "zh":
        return parse_zh(text)
    raise ValueError(f"unknown script format {format!r}; use one of {', '.join(FORMATS)}")


def sniff_format(text: str) -> str:
    """`fountain` for INT./EXT. sluglines or a title page without Chinese headers, else `zh`."""
    fountain = _SLUGLINE.search(text) or _TITLE_PAGE_KEY.match(text.lstrip("\n"))
    return "fountain" if fountain and not has_zh_markers(text) else "zh"
