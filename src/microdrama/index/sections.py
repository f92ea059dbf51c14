"""The index's sections on other domains' pages: a work's index and the dashboard's top 10.

`create_app` adds them to the catalogue's "work" and "dashboard" slots (web.sections).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from microdrama.accounts.auth import reads_unpublished
from microdrama.catalog.filters import WorkFilter
from microdrama.errors import NotFoundError
from microdrama.i18n import Translator
from microdrama.index import ranking as rankings
from microdrama.index.charts import radar_options
from microdrama.index.service import RunSelector, list_runs
from microdrama.web.templating import render_fragment

DASHBOARD_TOP = 10


def latest_explanation(
    session: Session, *, work_id: str, published_only: bool
) -> dict[str, Any] | None:
    """The newest visible run's explanation of a work (None when no run holds it)."""
    for run in list_runs(session, published_only=published_only):
        try:
            return rankings.explanation(
                session,
                work_id=work_id,
                run=RunSelector(period=run.period, published_only=published_only),
            )
        except NotFoundError:
            continue
    return None


def work_section(
    request: Request, *, session: Session, translator: Translator, work_id: str
) -> Markup | None:
    """A work's rank, score, dimensions, radar, rank history and integrity flags."""
    published_only = not reads_unpublished(request.state.user)
    index = latest_explanation(session, work_id=work_id, published_only=published_only)
    if index is None:
        return None
    labels = {name: translator.gettext(name.capitalize()) for name in index["dimensions"]}
    index["radar"] = radar_options(index, labels=labels)
    history = rankings.rank_history(session, work_id=work_id, published_only=published_only)
    return render_fragment(
        request, translator, "index/_work_section.html", index=index, history=history
    )


def dashboard_section(
    request: Request, *, session: Session, translator: Translator, month: str
) -> Markup:
    """The month's top of the Star Index, or a line saying none is published yet."""
    try:
        selector = RunSelector(
            period=month, published_only=not reads_unpublished(request.state.user)
        )
        top = rankings.ranking(session, run=selector, where=WorkFilter(), top=DASHBOARD_TOP)
    except NotFoundError:
        top = None
    return render_fragment(request, translator, "index/_dashboard_top.html", top=top, month=month)
