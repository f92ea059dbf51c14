"""Panels and reviews over the API, with the same role rules as the pages."""

from __future__ import annotations

from fastapi import APIRouter

from microdrama.accounts.auth import SignedIn, is_blind, require
from microdrama.panels import service
from microdrama.panels.models import Assignment, Panel
from microdrama.panels.schemas import AssignmentRead, PanelCreate, PanelRead, ReviewScores
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["panels"])


def _panel(panel: Panel) -> PanelRead:
    return PanelRead(
        id=panel.id,
        name=panel.name,
        period=panel.period,
        status=panel.status,
        created_by=panel.created_by,
        created_at=panel.created_at,
        assignments=len(panel.assignments),
        submitted=sum(1 for a in panel.assignments if a.submitted_at is not None),
    )


def _assignment(item: Assignment, *, visible: bool, blind: bool = False) -> AssignmentRead:
    scores = None
    if visible and item.review is not None:
        scores = ReviewScores(
            values=item.review.values,
            artistry=item.review.artistry,
            production=item.review.production,
            innovation=item.review.innovation,
            comment=item.review.comment,
        )
    return AssignmentRead(
        id=item.id,
        panel_id=item.panel_id,
        work_id=None if blind else item.work.external_id,
        title=item.work.title,
        expert=item.expert.username,
        submitted_at=item.submitted_at,
        scores=scores,
    )


@router.get("/panels", response_model=list[PanelRead], dependencies=[require("runs_index")])
def list_panels(session: SessionDep) -> list[PanelRead]:
    """Every panel with its progress (analysts)."""
    return [_panel(p) for p in service.panels(session)]


@router.post(
    "/panels",
    response_model=PanelRead,
    status_code=201,
    dependencies=[require("runs_index"), CsrfChecked],
)
def create_panel(session: SessionDep, user: SignedIn, body: PanelCreate) -> PanelRead:
    """Create a panel; experts are assigned least-loaded first, conflicts excluded."""
    created = service.create_panel(
        session,
        name=body.name,
        period=body.period,
        work_ids=body.work_ids,
        per_work=body.per_work,
        actor=user,
    )
    return _panel(created.panel)


@router.get(
    "/panels/{panel_id}/assignments",
    response_model=list[AssignmentRead],
    dependencies=[require("runs_index")],
)
def panel_assignments(session: SessionDep, user: SignedIn, panel_id: int) -> list[AssignmentRead]:
    """A panel's assignments with every submitted score (analysts)."""
    panel = service.get_panel(session, panel_id=panel_id)
    return [_assignment(a, visible=True) for a in panel.assignments]


@router.get("/reviews", response_model=list[AssignmentRead], dependencies=[require("reviews")])
def my_reviews(session: SessionDep, user: SignedIn) -> list[AssignmentRead]:
    """The expert's own queue, with their own scores."""
    return [
        _assignment(a, visible=True, blind=is_blind(user))
        for a in service.queue(session, expert=user)
    ]


@router.post(
    "/reviews/{assignment_id}",
    response_model=AssignmentRead,
    dependencies=[require("reviews"), CsrfChecked],
)
def submit_review(
    session: SessionDep, user: SignedIn, assignment_id: int, body: ReviewScores
) -> AssignmentRead:
    """Submit or change the expert's scores while the panel is open."""
    service.submit_review(
        session,
        assignment_id=assignment_id,
        expert=user,
        scores=body.model_dump(exclude={"comment"}),
        comment=body.comment,
    )
    item = service.assignment_for(session, assignment_id=assignment_id, expert=user)
    return _assignment(item, visible=True, blind=is_blind(user))
