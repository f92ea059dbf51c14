"""Blind means blind through every route: a reviewing expert meets no company of a work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.catalog.models import Company
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.ingest.service import import_file
from microdrama.panels import service as panels

from ..ingest.test_service import WORKS_ZH

Clients = dict[str, dict[str, str]]


@pytest.fixture
def world(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> Iterator[tuple[TestClient, Clients, int]]:
    path = tmp_path / "works.csv"
    path.write_text(WORKS_ZH, encoding="utf-8")
    headers: Clients = {}
    with unit_of_work(sessions) as session:
        assert import_file(session, settings=settings, kind="works", path=path).committed
        xian = session.scalars(select(Company).where(Company.name.like("西安%"))).one()
        users = {}
        for name, role in (("ana", "analyst"), ("zhang", "expert"), ("liu", "producer")):
            users[name] = accounts.create_user(
                session, username=name, role_key=role, password="long-enough"
            )
        users["liu"].company_id = xian.id
        session.flush()
        for name, user in users.items():
            headers[name] = {
                "authorization": f"Bearer {accounts.create_token(session, user=user, name='t')}"
            }
        panel = panels.create_panel(
            session, name="p", period="2025-11", work_ids=["W1"], per_work=1, actor=users["ana"]
        ).panel
        company_id = xian.id
    with TestClient(create_app(settings)) as client:
        yield client, headers, company_id
    del panel


def test_the_experts_queue_gives_no_catalogue_id_to_follow(
    world: tuple[TestClient, Clients, int],
) -> None:
    client, headers, _ = world
    (item,) = client.get("/api/v1/reviews", headers=headers["zhang"]).json()
    assert item["work_id"] is None and item["title"] == "闪婚后霸总天天宠我"
    staff = client.get(f"/api/v1/panels/{item['panel_id']}/assignments", headers=headers["ana"])
    assert staff.json()[0]["work_id"] == "W1"


def test_a_work_shows_an_expert_no_companies_or_credits_but_shows_others(
    world: tuple[TestClient, Clients, int],
) -> None:
    client, headers, _ = world
    seen = client.get("/api/v1/works/W1", headers=headers["zhang"]).json()
    assert seen["companies"] == [] and seen["credits"] == []
    page = client.get("/works/W1", headers=headers["zhang"]).text
    assert "西安星河" not in page
    assert client.get("/api/v1/works/W1", headers=headers["ana"]).json()["companies"]
    assert "西安星河" in client.get("/works/W1").text  # the public catalogue is unchanged


def test_an_expert_cannot_list_a_companys_works_or_read_reports(
    world: tuple[TestClient, Clients, int],
) -> None:
    client, headers, company_id = world
    expert = headers["zhang"]
    assert client.get("/companies/西安星河影视文化有限公司", headers=expert).status_code == 403
    assert client.get(f"/api/v1/works?company={company_id}", headers=expert).status_code == 403
    assert client.get("/works?company=星河", headers=expert).status_code == 403
    assert client.get("/api/v1/reports", headers=expert).status_code == 403
    assert client.get("/api/v1/works?company=星河", headers=headers["ana"]).json()["total"] == 1


def test_expert_identities_and_leniency_are_for_analysts(
    world: tuple[TestClient, Clients, int],
) -> None:
    client, headers, _ = world
    path = "/api/v1/index/experts?period=2025-11"
    assert client.get(path).status_code == 401
    for who in ("zhang", "liu"):
        assert client.get(path, headers=headers[who]).status_code == 403
    assert client.get(path, headers=headers["ana"]).status_code == 404  # no run yet: allowed
