"""Analyst console for panels; the expert portal with a blind review form."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from microdrama.accounts.auth import SignedIn, require
from microdrama.catalog.service import most_played
from microdrama.catalog.vocab import genre_label
from microdrama.errors import MicrodramaError, PanelError
from microdrama.panels import service
from microdrama.review.models import DIMENSIONS
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, TranslatorDep
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)
_IDS = re.compile(r"[\s,，、;；]+")


@router.get("/panels", response_class=HTMLResponse, dependencies=[require("runs_index")])
def panels_page(request: Request, session: SessionDep, t: TranslatorDep) -> HTMLResponse:
    """Panels with their progress, and the form to create one."""
    return render(
        request,
        t,
        "panels/panels.html",
        panels=service.panels(session),
        experts=service.experts_available(session),
        error=None,
    )


@router.post(
    "/panels", response_class=HTMLResponse, dependencies=[require("runs_index"), CsrfChecked]
)
def create(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: SignedIn,
    name: Annotated[str, Form(max_length=200)],
    period: Annotated[str, Form(max_length=16)],
    works: Annotated[str, Form(max_length=200_000)] = "",
    top: Annotated[int, Form(ge=0, le=5000)] = 0,
    per_work: Annotated[int, Form(ge=1, le=15)] = 3,
) -> Response:
    """Create a panel for the listed works, or for the most played N."""
    ids = [w for w in _IDS.split(works.strip()) if w]
    if not ids and top:
        ids = most_played(session, limit=top)
    try:
        if not ids:
            raise PanelError(t.gettext("List the works to review, or how many top works."))
        created = service.create_panel(
            session, name=name, period=period, work_ids=ids, per_work=per_work, actor=user
        )
    except MicrodramaError as exc:
        return render(
            request,
            t,
            "panels/panels.html",
            status_code=422,
            panels=service.panels(session),
            experts=service.experts_available(session),
            error=str(exc),
        )
    return RedirectResponse(f"/panels/{created.panel.id}", status_code=303)


@router.get("/panels/{panel_id}", response_class=HTMLResponse, dependencies=[require("runs_index")])
def panel_page(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn, panel_id: int
) -> HTMLResponse:
    """A panel's works, experts, submitted reviews; close it when done."""
    panel = service.get_panel(session, panel_id=panel_id)
    reviews = service.panel_reviews(session, panel=panel, viewer=user)
    return render(
        request,
        t,
        "panels/panel.html",
        panel=panel,
        reviews=reviews,
        dimensions=DIMENSIONS,
        alpha=service.reliability(panel),
    )


@router.post("/panels/{panel_id}/close", dependencies=[require("runs_index"), CsrfChecked])
def close(session: SessionDep, user: SignedIn, panel_id: int) -> Response:
    """Close the panel: reviews become final and visible to every expert."""
    service.close_panel(session, panel_id=panel_id, actor=user)
    return RedirectResponse(f"/panels/{panel_id}", status_code=303)


@router.get("/reviews", response_class=HTMLResponse, dependencies=[require("reviews")])
def my_queue(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn
) -> HTMLResponse:
    """The expert's queue of works to review."""
    return render(
        request,
        t,
        "panels/queue.html",
        items=service.queue(session, expert=user),
        genre_label=genre_label,
    )


@router.get(
    "/reviews/{assignment_id}", response_class=HTMLResponse, dependencies=[require("reviews")]
)
def review_form(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn, assignment_id: int
) -> HTMLResponse:
    """The blind review form: the work without its producer or companies."""
    item = service.assignment_for(session, assignment_id=assignment_id, expert=user)
    others = [
        a
        for a in service.panel_reviews(session, panel=item.panel, viewer=user)
        if a.work_id == item.work_id and a.expert_user_id != user.id
    ]
    return render(
        request,
        t,
        "panels/review.html",
        item=item,
        dimensions=DIMENSIONS,
        others=others,
        genre_label=genre_label,
        error=None,
    )


@router.post(
    "/reviews/{assignment_id}",
    response_class=HTMLResponse,
    dependencies=[require("reviews"), CsrfChecked],
)
def submit(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: SignedIn,
    assignment_id: int,
    values: Annotated[float, Form(ge=1, le=10)],
    artistry: Annotated[float, Form(ge=1, le=10)],
    production: Annotated[float, Form(ge=1, le=10)],
    innovation: Annotated[float, Form(ge=1, le=10)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Save the scores and go back to the queue."""
    scores = {
        "values": values,
        "artistry": artistry,
        "production": production,
        "innovation": innovation,
    }
    try:
        service.submit_review(
            session, assignment_id=assignment_id, expert=user, scores=scores, comment=comment
        )
    except PanelError as exc:
        item = service.assignment_for(session, assignment_id=assignment_id, expert=user)
        return render(
            request,
            t,
            "panels/review.html",
            status_code=409,
            item=item,
            dimensions=DIMENSIONS,
            others=[],
            genre_label=genre_label,
            error=str(exc),
        )
    return RedirectResponse("/reviews", status_code=303)
