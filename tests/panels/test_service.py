"""A panel's life: created with conflicts excluded, blind reviews, scores hidden until closed."""

from __future__ import annotations

from datetime import date
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


def _reviewed_panel(session: Session, people: dict[str, User], period: str) -> int:
    panel = service.create_panel(
        session, name="p", period=period, work_ids=["W2"], per_work=2, actor=people["ana"]
    ).panel
    for item in panel.assignments:
        service.submit_review(
            session, assignment_id=item.id, expert=item.expert, scores=SCORES, comment=None
        )
    return panel.id


def test_an_open_panels_reviews_are_held_back_from_the_index_until_it_closes(
    session: Session, people: dict[str, User]
) -> None:
    from microdrama.index.service import review_counts, reviews_frame

    panel_id = _reviewed_panel(session, people, "2025-11")
    until = date(2025, 11, 30)
    assert reviews_frame(session, until=until).is_empty()
    assert review_counts(session, until=until) == {"used": 0, "open_panel": 2, "after_period": 0}
    service.close_panel(session, panel_id=panel_id, actor=people["ana"])
    assert reviews_frame(session, until=until).height == 2
    assert review_counts(session, until=until) == {"used": 2, "open_panel": 0, "after_period": 0}


def test_a_review_made_after_its_panels_period_counts_for_that_period(
    session: Session, people: dict[str, User]
) -> None:
    from microdrama.index.service import review_counts

    panel_id = _reviewed_panel(session, people, "2025-10")  # reviewed "today", long after
    service.close_panel(session, panel_id=panel_id, actor=people["ana"])
    dates = set(session.scalars(select(ExpertReview.reviewed_on)))
    assert dates == {date(2025, 10, 31)}
    assert review_counts(session, until=date(2025, 10, 31))["used"] == 2
    assert review_counts(session, until=date(2025, 10, 30)) == {
        "used": 0,
        "open_panel": 0,
        "after_period": 2,
    }
    assert service.review_date("2025-12", today=date(2025, 12, 5)) == date(2025, 12, 5)
    assert service.review_date("all", today=date(2025, 12, 5)) == date(2025, 12, 5)


def test_an_index_over_all_days_counts_reviews_dated_after_the_last_day_of_data(
    session: Session, people: dict[str, User]
) -> None:
    from microdrama.index.method.periods import Period
    from microdrama.index.service import review_window, reviews_frame

    panel_id = _reviewed_panel(session, people, "2025-10")
    service.close_panel(session, panel_id=panel_id, actor=people["ana"])
    data_end_before_the_review = Period("all", date(2025, 9, 1), date(2025, 10, 30))
    assert review_window(data_end_before_the_review) is None
    assert reviews_frame(session, until=review_window(data_end_before_the_review)).height == 2
