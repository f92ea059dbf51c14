"""Background builds: concurrent requests both finish, failures read as sentences, orphans end."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.db.session import unit_of_work
from microdrama.reports import jobs
from microdrama.reports.messages import INTERRUPTED, translate
from microdrama.reports.models import ReportBuild
from tests.reports.conftest import Market


@pytest.fixture
def analyst(market: Market) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with unit_of_work(market.sessions) as session:
        user = accounts.create_user(
            session,
            username=f"analyst-{uuid.uuid4().hex[:8]}",
            role_key="analyst",
            password="long-enough",
        )
        session.flush()
        token = accounts.create_token(session, user=user, name="jobs")
    app = create_app(market.settings)
    with TestClient(app) as client:
        yield client, {"authorization": f"Bearer {token}"}
    app.state.engine.dispose()


def test_two_builds_asked_at_once_both_finish(
    analyst: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = analyst
    # Both periods lack an index: each build computes one (writes) while the other reads.
    periods = ("2025-09", "2025-Q4")
    ids: dict[str, int] = {}

    def ask(period: str) -> None:
        response = client.post("/api/v1/reports", json={"period": period}, headers=headers)
        assert response.status_code == 202, response.text
        ids[period] = response.json()["id"]

    threads = [threading.Thread(target=ask, args=(p,)) for p in periods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    for period in periods:
        build = client.get(f"/api/v1/reports/{ids[period]}", headers=headers).json()
        assert build["status"] == "done", build["error"]
        assert client.get(build["pdf_url"], headers=headers).content.startswith(b"%PDF")


def test_a_failed_build_says_why_in_words_a_page_can_translate(
    analyst: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = analyst
    queued = client.post("/api/v1/reports", json={"period": "2019-01"}, headers=headers).json()
    build = client.get(f"/api/v1/reports/{queued['id']}", headers=headers).json()
    assert build["status"] == "failed"
    assert build["error"] == "no daily metrics for 2019-01: nothing to report"
    catalogue = {"no daily metrics for {period}: nothing to report": "{period} 没有每日数据"}
    assert translate(build["error"], lambda m: catalogue.get(m, m)) == "2019-01 没有每日数据"
    assert translate("something else", lambda m: "译文") == "something else"


def test_builds_left_running_by_a_dead_process_are_marked_interrupted(market: Market) -> None:
    with unit_of_work(market.sessions) as session:
        orphan = ReportBuild(period="2025-11", lang="zh", scope="all", status="running")
        ours = ReportBuild(period="2025-11", lang="en", scope="all", status="queued")
        for build in (orphan, ours):
            build.requested_by = "someone"
            session.add(build)
        session.flush()
        orphan_id, ours_id = orphan.id, ours.id
    jobs.claim(market.settings, ours_id)  # this process is alive: its build is left alone
    app = create_app(market.settings)
    with TestClient(app):  # start-up
        pass
    app.state.engine.dispose()
    with unit_of_work(market.sessions) as session:
        orphan = session.get_one(ReportBuild, orphan_id)
        assert orphan.status == "failed" and orphan.error == INTERRUPTED
        assert orphan.finished_at is not None
        ours = session.get_one(ReportBuild, ours_id)
        assert ours.status == "queued"
        ours.status = "failed"  # the market outlives the test: leave nothing pending
