"""The script studio on the web and its API: upload, breakdown, review, exports, privacy."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from tests.script.test_cli import BLOCKING, CLEAN


@pytest.fixture
def tokens(sessions: sessionmaker[Session]) -> dict[str, str]:
    made = {}
    with unit_of_work(sessions) as session:
        for name, role in (("p1", "producer"), ("p2", "producer"), ("ex", "expert")):
            user = accounts.create_user(
                session, username=name, role_key=role, password="long-enough"
            )
            session.flush()
            made[name] = accounts.create_token(session, user=user, name="studio")
    return made


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _auth(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens[name]}"}


def _docx(text: str) -> bytes:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_producer_uploads_a_word_script_and_sees_breakdown_and_review(
    client: TestClient, tokens: dict[str, str]
) -> None:
    headers = _auth(tokens, "p1")
    files = {"file": ("晚风.docx", _docx(BLOCKING), "application/octet-stream")}
    response = client.post("/scripts", headers=headers, files=files, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"], headers=headers)
    assert page.status_code == 200
    assert 'id="episodes"' in page.text and 'data-episode="2"' in page.text
    assert 'data-hook="' in page.text
    assert "咖啡馆" in page.text and 'id="matrix"' in page.text
    assert 'data-verdict="block"' in page.text and "<mark>" in page.text
    key = response.headers["location"].rsplit("/", 1)[1]
    for fmt, expected in (
        ("json", '"episodes"'),
        ("csv", "咖啡馆"),
        ("uss", "universalScheduleStandard"),
        ("review.json", '"blocking": true'),
    ):
        export = client.get(f"/scripts/{key}/export.{fmt}", headers=headers)
        assert export.status_code == 200 and expected in export.text, fmt
    # Another producer cannot open it, even with the link, nor sees it listed.
    assert client.get(f"/scripts/{key}", headers=_auth(tokens, "p2")).status_code == 404
    assert f"/scripts/{key}" in client.get("/scripts", headers=headers).text
    assert f"/scripts/{key}" not in client.get("/scripts", headers=_auth(tokens, "p2")).text


def test_experts_have_no_studio(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/scripts", headers=_auth(tokens, "ex")).status_code == 403


def test_a_corrupt_word_file_is_refused_with_its_name(
    client: TestClient, tokens: dict[str, str]
) -> None:
    files = {"file": ("broken.docx", b"PK\x03\x04 not really a zip", "application/octet-stream")}
    page = client.post("/scripts", headers=_auth(tokens, "p1"), files=files)
    assert page.status_code == 200 and "broken.docx" in page.text


def test_the_api_returns_the_breakdown_and_the_review(
    client: TestClient, tokens: dict[str, str]
) -> None:
    headers = _auth(tokens, "p1")
    files = {"file": ("a.txt", CLEAN.encode("gb18030"), "text/plain")}
    breakdown = client.post("/api/v1/scripts/breakdown", headers=headers, files=files)
    assert breakdown.status_code == 200
    assert [e["number"] for e in breakdown.json()["episodes"]] == [1, 2]
    files = {"file": ("b.txt", BLOCKING.encode(), "text/plain")}
    review = client.post(
        "/api/v1/scripts/review",
        headers=headers,
        files=files,
        params={"investment_yuan": 20_000_000},
    ).json()
    assert review["blocking"] is True
    assert any(f["category"] == "filing" for f in review["findings"])
    rules = client.get("/api/v1/scripts/rules", headers=headers).json()
    assert len(rules) > 20 and all(r["citation"] for r in rules)
