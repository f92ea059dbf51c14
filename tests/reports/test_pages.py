"""The reports page and API: analysts build, everyone signed in downloads what they may read."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.db.session import unit_of_work
from tests.reports.conftest import Market


@pytest.fixture
def clients(market: Market) -> Iterator[dict[str, _Authorised]]:
    tokens = {}
    with unit_of_work(market.sessions) as session:
        for role in ("analyst", "viewer"):
            # The market outlives each test: every test signs in fresh users.
            username = f"{role}-{uuid.uuid4().hex[:8]}"
            user = accounts.create_user(
                session, username=username, role_key=role, password="long-enough"
            )
            session.flush()
            tokens[role] = accounts.create_token(session, user=user, name="pages")
    app = create_app(market.settings)
    with TestClient(app) as client:
        yield {role: _Authorised(client, token) for role, token in tokens.items()}
    app.state.engine.dispose()


class _Authorised:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"authorization": f"Bearer {token}"}

    def get(self, url: str, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers=self.headers, **kw)  # type: ignore[arg-type]

    def post(self, url: str, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.post(url, headers=self.headers, **kw)  # type: ignore[arg-type]


def test_an_analyst_builds_a_report_on_the_web_and_downloads_every_file(
    clients: dict[str, _Authorised],
) -> None:
    analyst = clients["analyst"]
    response = analyst.post(
        "/reports", data={"period": "2025-11", "lang": "en", "scope": "all"}, follow_redirects=False
    )
    assert response.status_code == 303
    builds = analyst.get("/api/v1/reports").json()
    newest = builds[0]
    assert newest["status"] == "done", newest["error"]
    assert newest["period"] == "2025-11" and newest["lang"] == "en"
    html = analyst.get(newest["html_url"])
    assert html.status_code == 200 and "Top works by Star Index" in html.text
    pdf = analyst.get(newest["pdf_url"])
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(analyst.get(newest["data_url"]).content))
    assert "data/top_works.csv" in archive.namelist() and "manifest.json" in archive.namelist()
    page = analyst.get("/reports")
    assert f'data-build="{newest["id"]}" data-status="done"' in page.text


def test_a_bad_period_is_refused_naming_it_and_nothing_is_queued(
    clients: dict[str, _Authorised],
) -> None:
    analyst = clients["analyst"]
    before = len(analyst.get("/api/v1/reports").json())
    page = analyst.post("/reports", data={"period": "2025-13"})
    # The message is in the page's language: it names the period, whatever the words.
    alert = re.search(r'<p class="error" role="alert">([^<]*)</p>', page.text)
    assert page.status_code == 200 and alert and "2025-13" in alert.group(1)
    api = analyst.post("/api/v1/reports", json={"period": "2025-11", "lang": "fr"})
    assert api.status_code == 422
    assert len(analyst.get("/api/v1/reports").json()) == before


def test_viewers_see_only_reports_on_a_published_index(clients: dict[str, _Authorised]) -> None:
    analyst, viewer = clients["analyst"], clients["viewer"]
    queued = analyst.post("/api/v1/reports", json={"period": "2025-11", "lang": "zh"})
    assert queued.status_code == 202
    build = analyst.get(f"/api/v1/reports/{queued.json()['id']}").json()
    assert build["status"] == "done" and build["published_index"] is False
    assert viewer.get(f"/api/v1/reports/{build['id']}").status_code == 404
    assert viewer.get(build["pdf_url"]).status_code == 404
    assert build["id"] not in [b["id"] for b in viewer.get("/api/v1/reports").json()]
    assert viewer.post("/api/v1/reports", json={"period": "2025-11"}).status_code == 403
