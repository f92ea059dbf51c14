"""Importing through the web: the page's check-then-confirm flow and the API."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work

from ..ingest.test_service import WORKS_ZH


@pytest.fixture
def analyst(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with unit_of_work(sessions) as session:
        accounts.create_user(session, username="li", role_key="analyst", password="long-enough")
    with TestClient(create_app(settings)) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        client.post(
            "/login",
            data={"username": "li", "password": "long-enough", "csrf_token": token.group(1)},
        )
        yield client


def csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/imports").text)
    assert found
    return found.group(1)


def test_the_page_checks_a_file_before_importing_it(analyst: TestClient) -> None:
    files = {"file": ("作品.csv", WORKS_ZH.encode("gbk"), "text/csv")}
    checked = analyst.post(
        "/imports", data={"kind": "works", "csrf_token": csrf(analyst)}, files=files
    )
    assert checked.status_code == 200 and 'name="pending"' in checked.text
    assert analyst.get("/api/v1/works").json()["total"] == 0
    pending = re.search(r'name="pending" value="([^"]+)"', checked.text)
    assert pending
    done = analyst.post(
        "/imports", data={"kind": "works", "pending": pending.group(1), "csrf_token": csrf(analyst)}
    )
    assert done.status_code == 200
    assert analyst.get("/api/v1/works").json()["total"] == 2
    assert "committed" in analyst.get("/imports").text


def test_a_bad_file_shows_every_error_and_imports_nothing(analyst: TestClient) -> None:
    bad = "work_id,title,episodes\nW1,好剧,八十\nW2,,80\n"
    page = analyst.post(
        "/imports",
        data={"kind": "works", "csrf_token": csrf(analyst)},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    assert "八十" in page.text and "pending" not in page.text
    assert analyst.get("/api/v1/works").json()["total"] == 0


def test_a_pending_name_cannot_escape_the_upload_folder(analyst: TestClient) -> None:
    response = analyst.post(
        "/imports",
        data={"kind": "works", "pending": "../../secret_key", "csrf_token": csrf(analyst)},
    )
    assert response.status_code == 404


def test_the_api_imports_with_a_token_and_reports_json(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as session:
        user = accounts.create_user(
            session, username="bot", role_key="analyst", password="long-enough"
        )
        session.flush()
        token = accounts.create_token(session, user=user, name="ci")
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/v1/imports?kind=works",
            headers={"authorization": f"Bearer {token}"},
            files={"file": ("works.csv", WORKS_ZH.encode(), "text/csv")},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["committed"] and body["inserted"] == 2 and body["file"] == "works.csv"
