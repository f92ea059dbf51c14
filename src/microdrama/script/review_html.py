"""The compliance review as a standalone HTML page: findings listed and highlighted in the text."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from microdrama.script.service import Analysis, review_dict, review_lines

Gettext = Callable[[str], str]


def highlight(text: str, matches: list[str]) -> Markup:
    """The text escaped, with every matched term wrapped in <mark>."""
    out = str(escape(text))
    for match in sorted({m for m in matches if m}, key=len, reverse=True):
        safe = str(escape(match))
        out = out.replace(safe, f"<mark>{safe}</mark>")
    return Markup(out)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight
    return env


def review_html(analysis: Analysis, *, gettext: Gettext | None = None, lang: str = "zh-CN") -> str:
    """A standalone page: counts, the findings table, and the script with findings marked."""
    _ = gettext or (lambda message: message)
    return (
        _environment()
        .get_template("review.html")
        .render(_=_, lang=lang, review=review_dict(analysis), lines=review_lines(analysis))
    )
