"""Create panels, give experts their queues, take blind reviews, close panels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from microdrama.accounts.models import User
from microdrama.accounts.roles import role
from microdrama.accounts.service import audit
from microdrama.catalog.models import Work, WorkCompany
from microdrama.db.base import utcnow
from microdrama.errors import NotFoundError, PanelClosed, PanelError, PeriodError
from microdrama.index.method.periods import parse_period
from microdrama.panels.assignment import assign
from microdrama.panels.models import Assignment, Panel
from microdrama.review.models import DIMENSIONS, Expert, ExpertReview


@dataclass(frozen=True)
class PanelCreated:
    """A new panel and the works that could not get enough experts."""

    panel: Panel
    short: list[str]


def experts_available(session: Session) -> list[User]:
    """Active users whose role reviews, by name."""
    users = session.execute(select(User).where(User.active.is_(True)).order_by(User.username))
    return [u for u in users.scalars() if role(u.role).reviews]


def create_panel(
    session: Session,
    *,
    name: str,
    period: str,
    work_ids: list[str],
    per_work: int,
    actor: User,
) -> PanelCreated:
    """A panel for the works, each given `per_work` experts, least loaded first, no conflicts."""
    if not 1 <= per_work <= 15:
        raise PanelError("each work needs 1 to 15 experts")
    found = dict(
        session.execute(
            select(Work.external_id, Work.id).where(Work.external_id.in_(work_ids))
        ).all()
    )
    missing = [w for w in work_ids if w not in found]
    if missing:
        raise NotFoundError(f"unknown works: {', '.join(missing[:10])}")
    experts = experts_available(session)
    if not experts:
        raise PanelError("no active expert accounts: create users with the expert role first")
    companies = {e.id: e.company_id for e in experts if e.company_id is not None}
    conflicts: dict[int, set[int]] = {}
    if companies:
        rows = session.execute(
            select(WorkCompany.company_id, WorkCompany.work_id).where(
                WorkCompany.company_id.in_(set(companies.values())),
                WorkCompany.work_id.in_(found.values()),
            )
        ).all()
        by_company: dict[int, set[int]] = {}
        for company_id, work_id in rows:
            by_company.setdefault(company_id, set()).add(work_id)
        conflicts = {e: by_company.get(c, set()) for e, c in companies.items()}
    load = dict(
        session.execute(
            select(Assignment.expert_user_id, func.count())
            .join(Panel, Panel.id == Assignment.panel_id)
            .where(Panel.status == "open", Assignment.submitted_at.is_(None))
            .group_by(Assignment.expert_user_id)
        ).all()
    )
    ordered = list(dict.fromkeys(found[w] for w in work_ids))
    pairs, short = assign(
        ordered, [e.id for e in experts], per_work=per_work, conflicts=conflicts, load=load
    )
    panel = Panel(name=name.strip() or period, period=period, created_by=actor.username)
    panel.assignments = [Assignment(work_id=w, expert_user_id=e) for w, e in pairs]
    session.add(panel)
    session.flush()
    audit(
        session,
        actor=actor.username,
        user_id=actor.id,
        action="panel.create",
        target=f"panel {panel.id}",
        detail={"works": len(ordered), "per_work": per_work},
    )
    external = {v: k for k, v in found.items()}
    return PanelCreated(panel=panel, short=[external[w] for w in short])


def panels(session: Session) -> list[Panel]:
    """All panels, newest first, with their assignments."""
    query = select(Panel).order_by(Panel.id.desc()).options(selectinload(Panel.assignments))
    return list(session.execute(query).scalars())


def get_panel(session: Session, *, panel_id: int) -> Panel:
    """A panel; NotFoundError when there is none."""
    panel = session.get(Panel, panel_id)
    if panel is None:
        raise NotFoundError(f"no panel #{panel_id}")
    return panel


def queue(session: Session, *, expert: User) -> list[Assignment]:
    """The expert's assignments, open panels first, unsubmitted first."""
    rows = session.execute(
        select(Assignment)
        .join(Panel)
        .where(Assignment.expert_user_id == expert.id)
        .order_by(Panel.status.desc(), Assignment.submitted_at.is_not(None), Assignment.id)
        .options(
            selectinload(Assignment.work).selectinload(Work.genres), selectinload(Assignment.panel)
        )
    )
    return list(rows.scalars())


def assignment_for(session: Session, *, assignment_id: int, expert: User) -> Assignment:
    """One of the expert's own assignments (another expert's is not found)."""
    found = session.get(Assignment, assignment_id)
    if found is None or found.expert_user_id != expert.id:
        raise NotFoundError(f"no assignment #{assignment_id} for you")
    return found


def submit_review(
    session: Session,
    *,
    assignment_id: int,
    expert: User,
    scores: dict[str, float],
    comment: str | None,
) -> ExpertReview:
    """Record the expert's scores (1–10 on each dimension) for an assignment of an open panel."""
    item = assignment_for(session, assignment_id=assignment_id, expert=expert)
    if not item.panel.state.accepts_reviews:
        raise PanelClosed("this panel is closed; reviews can no longer change")
    for dimension in DIMENSIONS:
        value = scores.get(dimension)
        if value is None or not 1 <= value <= 10:
            raise PanelError(f"{dimension} needs a score from 1 to 10")
    expert_row = _expert_record(session, expert)
    review = item.review or ExpertReview(
        work_id=item.work_id,
        expert_id=expert_row.id,
        reviewed_on=review_date(item.panel.period, today=date.today()),
    )
    for dimension in DIMENSIONS:
        setattr(review, dimension, float(scores[dimension]))
    review.final = item.panel.state.feeds_index
    review.comment = (comment or "").strip()[:2000] or None
    session.add(review)
    session.flush()
    item.review, item.submitted_at = review, utcnow()
    audit(
        session,
        actor=expert.username,
        user_id=expert.id,
        action="review.submit",
        target=f"assignment {item.id}",
    )
    return review


def review_date(period: str, *, today: date) -> date:
    """The day a panel review counts on: it belongs to the panel's period, so a review made
    after the period ended is dated the period's last day, and counts for that period."""
    try:
        window = parse_period(period)
    except PeriodError:
        return today  # `all`, or a panel named before periods were checked
    return min(today, window.end)


def _expert_record(session: Session, user: User) -> Expert:
    found = session.execute(select(Expert).where(Expert.user_id == user.id)).scalar_one_or_none()
    if found is None:
        found = Expert(external_id=user.username, name=user.display_name, user_id=user.id)
        session.add(found)
        session.flush()
    return found


def panel_reviews(session: Session, *, panel: Panel, viewer: User) -> list[Assignment]:
    """The panel's reviews a user may see: all for analysts, own until closed for experts."""
    granted = role(viewer.role)
    items = [a for a in panel.assignments if a.review is not None]
    if granted.runs_index or panel.state.scores_visible:
        return items
    return [a for a in items if a.expert_user_id == viewer.id]


def close_panel(session: Session, *, panel_id: int, actor: User) -> Panel:
    """Close a panel: no more reviews, and every expert's scores become visible."""
    panel = get_panel(session, panel_id=panel_id)
    panel.status, panel.closed_at = "closed", utcnow()
    for item in panel.assignments:
        if item.review is not None:
            item.review.final = panel.state.feeds_index
    audit(
        session,
        actor=actor.username,
        user_id=actor.id,
        action="panel.close",
        target=f"panel {panel.id}",
    )
    return panel


def reliability(panel: Panel) -> dict[str, float | None]:
    """Krippendorff's alpha (interval) per dimension over the panel's submitted reviews."""
    import krippendorff
    import numpy as np

    reviewed = [a for a in panel.assignments if a.review is not None]
    experts = sorted({a.expert_user_id for a in reviewed})
    works = sorted({a.work_id for a in reviewed})
    out: dict[str, float | None] = {}
    for dimension in DIMENSIONS:
        matrix = np.full((len(experts), len(works)), np.nan)
        for item in reviewed:
            matrix[experts.index(item.expert_user_id), works.index(item.work_id)] = getattr(
                item.review, dimension
            )
        pairable = (np.sum(~np.isnan(matrix), axis=0) >= 2).sum()
        values = matrix[~np.isnan(matrix)]
        if pairable == 0 or np.unique(values).size < 2:
            out[dimension] = None
            continue
        out[dimension] = round(
            float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")), 3
        )
    return out
