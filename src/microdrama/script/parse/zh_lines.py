"""Line clean-up for Chinese scripts: markdown, Word debris (bullets, page numbers), odd spaces.

Every cleaned line keeps its source line number and a folded twin of the same length (full
width to half width, traditional to simplified), so a match in the folded text slices the text
as written at the same offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from microdrama.script.variants import simplified_table

# Full-width ASCII and the ideographic space folded to ASCII one code point for one; the
# no-break, thin and zero-width spaces Word leaves behind fold to a plain space.
FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
FOLD |= dict.fromkeys((160, *range(8192, 8204), 8239, 8287, 65279), 32)
# Traditional characters fold to simplified ones (第1場 內/夜 is 第1场 内/夜), one for one too.
FOLD |= simplified_table()

_STRIP = " \t\r\u3000\ufeff\u00a0\u200b"
_RULE = re.compile(r"^[-*_=—~]{3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_QUOTE = re.compile(r"^(?:>\s*)+")
_MD_LIST = re.compile(r"^[-*+]\s+")
_MD_STARTS = frozenset("#>-*+_=—~|")
# `#卡点#`: a topic-style tag, read as the mark 【卡点】 rather than a markdown heading.
_HASH_TAG = re.compile(r"^#([^#\s]{1,10})#$")
# Page furniture copied out of Word or a PDF: 第 3 页, 第3页/共20页, - 3 -, —3—, 3/10, Page 3.
_PAGE_NUMBER = re.compile(
    r"^(?:第\s*[0-9]{1,4}\s*页(?:\s*[,/，、]?\s*共\s*[0-9]{1,4}\s*页)?"
    r"|[-—–]\s*[0-9]{1,4}\s*[-—–]|[0-9]{1,4}\s*/\s*[0-9]{1,4}|[0-9]{1,4}"
    r"|page\s*[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?)$",
    re.I,
)
# Word's bullet glyphs; △ and ▲ are the script's own action marks and stay.
_BULLETS = frozenset("●•◆◇■□○◎►▶➢➤✓√※☆★♦◦▪▫·")
_DECORATION = frozenset("=-—~*★☆◆◇■□●○")
_PROSE = frozenset("。！？!?…，,")


@dataclass(slots=True)
class Line:
    """A non-blank script line after clean-up, with its 1-based source line number."""

    number: int
    text: str  # markdown and Word noise removed, otherwise as written
    fold: str  # the same text width-folded: same length, same offsets
    md_heading: bool


def _undecorate(line: str) -> str:
    """`=== 第1集 ===`, `★第1集★`, `——第1集——` → `第1集`."""
    if len(line) > 2 and line[0] in _DECORATION and line[-1] in _DECORATION:
        inner = line.strip("".join(_DECORATION) + _STRIP)
        if not inner or _PROSE & set(inner):
            return line  # ——你给我站住！—— is a broken-off speech, not a framed title
        if (line[0] != line[1] or line[-1] != line[-2]) and line[0] in "-—~*":
            return line  # a single dash or star each side is prose (— 他来了 —), not a frame
        return inner
    return line


def prepare_lines(text: str) -> list[Line]:
    """Lines with markdown (headings, quotes, bold, rules, tables, fences) and Word debris off."""
    lines: list[Line] = []
    fenced = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(_STRIP)
        if line.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not line or _PAGE_NUMBER.match(line.translate(FOLD).strip()):
            continue
        tag = _HASH_TAG.match(line)
        if tag:
            lines.append(Line(number, line, f"【{tag[1]}】".translate(FOLD), False))
            continue
        heading = None
        if line[0] in _MD_STARTS:
            if _RULE.match(line.replace(" ", "")) or (line[0] == "|" and line[-1] == "|"):
                continue
            line = _undecorate(line)
            heading = _MD_HEADING.match(line)
            if heading:
                line = line[heading.end() :]
            line = _MD_LIST.sub("", _MD_QUOTE.sub("", line))
        elif line[0] in _DECORATION:
            line = _undecorate(line)
        if line and line[0] in _BULLETS:
            line = line.lstrip("".join(_BULLETS) + _STRIP)
        if "*" in line or "_" in line or "~" in line:
            line = line.replace("**", "").replace("__", "").replace("~~", "").strip(_STRIP)
            if len(line) > 2 and line[0] == "*" and line[-1] == "*":
                line = line[1:-1].strip()
        if line:
            lines.append(Line(number, line, line.translate(FOLD), heading is not None))
    return lines
