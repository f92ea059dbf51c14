"""A panel's life: created with conflicts excluded, blind reviews, scores hidden until closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.accounts import service as accounts
from microdrama.accounts.models import User
from microdrama.catalog.models import Company
from microdrama.config import Settings
from microdrama.errors import PanelError
from microdrama.ingest.service import import_file
from microdrama.panels import service
from microdrama.review.models import ExpertReview

from ..ingest.test_service import WORKS_ZH

SCORES = {"values": 8.0, "artistry": 7.0, "production": 6.5, "innovation": 9.0}


@pytest.fixture
def people(session: Session, settings: Settings, tmp_path: Path) -> dict[str, User]:
    path = tmp_path / "works.csv"
    path.write_text(WORKS_ZH, encoding="utf-8")
    assert import_file(session, settings=settings, kind="works", path=path).ok
    xian = session.execute(select(Company).where(Company.name.like("西安%"))).scalar_one()
    made = {}
    for name, role in (("ana", "analyst"), ("e1", "expert"), ("e2", "expert"), ("e3", "expert")):
        made[name] = accounts.create_user(
            session, username=name, role_key=role, password="long-enough"
        )
    made["e1"].company_id = xian.id  # e1 works for W1's producer
    session.flush()
    return made


def test_a_panel_skips_experts_with_a_conflict_and_balances_the_rest(
    session: Session, people: dict[str, User]
) -> None:
    created = service.create_panel(
        session,
        name="十一月",
        period="2025-11",
        work_ids=["W1", "W2"],
        per_work=2,
        actor=people["ana"],
    )
    pairs = {(a.work.external_id, a.expert.username) for a in created.panel.assignments}
    assert ("W1", "e1") not in pairs
    assert len([p for p in pairs if p[0] == "W1"]) == 2 and created.short == []


def test_experts_see_only_their_own_scores_until_the_panel_closes(
    session: Session, people: dict[str, User]
) -> None:
    panel = service.create_panel(
        session, name="p", period="2025-11", work_ids=["W2"], per_work=3, actor=people["ana"]
    ).panel
    mine = {a.expert.username: a for a in panel.assignments}
    service.submit_review(
        session, assignment_id=mine["e2"].id, expert=people["e2"], scores=SCORES, comment="节奏紧凑"
    )
    service.submit_review(
        session, assignment_id=mine["e3"].id, expert=people["e3"], scores=SCORES, comment=None
    )
    seen_by_e2 = service.panel_reviews(session, panel=panel, viewer=people["e2"])
    assert [a.expert.username for a in seen_by_e2] == ["e2"]
    assert len(service.panel_reviews(session, panel=panel, viewer=people["ana"])) == 2
    service.close_panel(session, panel_id=panel.id, actor=people["ana"])
    assert len(service.panel_reviews(session, panel=panel, viewer=people["e2"])) == 2
    with pytest.raises(PanelError, match="closed"):
        service.submit_review(
            session, assignment_id=mine["e1"].id, expert=people["e1"], scores=SCORES, comment=None
        )
    stored = session.execute(select(ExpertReview)).scalars().all()
    assert len(stored) == 2 and {r.values for r in stored} == {8.0}


def test_an_expert_cannot_open_another_experts_assignment(
    session: Session, people: dict[str, User]
) -> None:
    panel = service.create_panel(
        session, name="p", period="2025-11", work_ids=["W2"], per_work=1, actor=people["ana"]
    ).panel
    other = next(u for u in ("e1", "e2", "e3") if u != panel.assignments[0].expert.username)
    with pytest.raises(Exception, match="no assignment"):
        service.assignment_for(session, assignment_id=panel.assignments[0].id, expert=people[other])


def test_scores_outside_one_to_ten_are_refused(session: Session, people: dict[str, User]) -> None:
    panel = service.create_panel(
        session, name="p", period="2025-11", work_ids=["W2"], per_work=1, actor=people["ana"]
    ).panel
    item = panel.assignments[0]
    with pytest.raises(PanelError, match="1 to 10"):
        service.submit_review(
            session,
            assignment_id=item.id,
            expert=item.expert,
            scores={**SCORES, "values": 11},
            comment=None,
        )


def test_panel_reliability_is_alpha_per_dimension(
    session: Session, people: dict[str, User]
) -> None:
    panel = service.create_panel(
        session, name="p", period="2025-11", work_ids=["W1", "W2"], per_work=2, actor=people["ana"]
    ).panel
    assert set(service.reliability(panel).values()) == {None}  # nothing submitted yet
    for item in panel.assignments:
        bump = 1.0 if item.work.external_id == "W1" else -1.0
        scores = {k: v + bump for k, v in SCORES.items()}
        service.submit_review(
            session, assignment_id=item.id, expert=item.expert, scores=scores, comment=None
        )
    alphas = service.reliability(panel)
    assert alphas["values"] == 1.0  # experts agree exactly on every work
