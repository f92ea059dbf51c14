"""Upload names from hostile clients: any name saves safely inside the upload folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.web.uploads import safe_file_name

from ..ingest.test_service import WORKS_ZH

NAMES = ["..", "../../secret_key", "a\\..\\b.csv", "长" * 300 + ".csv", "x\x00y.csv", " . "]


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[tuple[TestClient, str]]:
    with unit_of_work(sessions) as session:
        user = accounts.create_user(
            session, username="ana", role_key="analyst", password="long-enough"
        )
        session.flush()
        token = accounts.create_token(session, user=user, name="t")
    with TestClient(create_app(settings)) as test_client:
        yield test_client, token


@pytest.mark.parametrize("name", NAMES)
def test_any_upload_name_is_saved_inside_the_upload_folder_and_imports(
    client: tuple[TestClient, str], settings: Settings, name: str
) -> None:
    test_client, token = client
    response = test_client.post(
        "/api/v1/imports?kind=works&dry_run=true",
        headers={"authorization": f"Bearer {token}"},
        files={"file": (name, WORKS_ZH.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == [] and response.json()["rows_read"] == 2
    assert (Path(settings.data_dir) / "secret_key").read_text() != WORKS_ZH


def test_a_safe_name_keeps_what_it_can_of_the_name_as_given() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..") == "upload"
    assert safe_file_name("报表.v2.xlsx") == "报表.v2.xlsx"
    long = safe_file_name("长" * 300 + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 200
