"""Sections one domain adds to another domain's page, so that neither page imports the other.

A page names its slots ("work", "dashboard") and renders what `page_sections` returns where the
slot stands; a domain higher up offers a section for a slot, and `create_app` registers it with
`add_section`. The work page thus shows the Star Index without the catalogue knowing the index,
and the scene bank or the rights register can add theirs the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from markupsafe import Markup

# Called with the request and the slot's keyword arguments; None when it has nothing to show.
PageSection = Callable[..., Markup | None]


def add_section(app: FastAPI, slot: str, section: PageSection) -> None:
    """Show `section` in every page slot named `slot`, after the sections added before it."""
    if not hasattr(app.state, "sections"):
        app.state.sections = {}
    registry: dict[str, list[PageSection]] = app.state.sections
    registry.setdefault(slot, []).append(section)


def page_sections(request: Request, slot: str, **context: Any) -> list[Markup]:
    """The rendered sections of a slot, in the order they were added."""
    registry: dict[str, list[PageSection]] = getattr(request.app.state, "sections", {})
    rendered = (section(request, **context) for section in registry.get(slot, []))
    return [markup for markup in rendered if markup is not None]
