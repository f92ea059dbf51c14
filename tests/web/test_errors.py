"""Every domain error answers with the status of its branch; uploads past the limit are 413."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama import errors
from microdrama.accounts import service as accounts
from microdrama.app import HTTP_STATUS, create_app, http_status
from microdrama.config import Settings
from microdrama.db.session import unit_of_work

from ..ingest.test_service import WORKS_ZH

# One error of each kind the domains raise, and the status a client must get for it.
RAISED: list[tuple[errors.MicrodramaError, int]] = [
    (errors.FilterError("no city 'Atlantis'"), 400),
    (errors.PeriodError("cannot read period 'soon'"), 400),
    (errors.ScopeError("cannot read scope"), 400),
    (errors.AccountError("a password needs at least 8 characters"), 400),
    (errors.AccountExists("user 'li' exists already"), 409),
    (errors.PanelError("each work needs 1 to 15 experts"), 400),
    (errors.PanelClosed("this panel is closed"), 409),
    (errors.OwnershipError("this work id belongs to another company's work"), 403),
    (errors.NotFoundError("no work W404"), 404),
    (errors.ReportMissing("no works in scope {scope}", scope="city:火星"), 404),
    (errors.ReportBusy("busy for {seconds} s", seconds=5), 503),
    (errors.ReportError("unknown language '{lang}'", lang="fr"), 400),
    (errors.TooLarge("the file is larger than 1 MB"), 413),
    (errors.ReadError("works.xls: an old Excel workbook"), 422),
    (errors.ScriptFormatError("script.docx is corrupt"), 422),
    (errors.RuleFileError("rules.yaml", ["unknown field 'sevrity'"]), 422),
    (errors.ConfigurationError("MICRODRAMA_DATABASE_URL is not a database URL"), 500),
]


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    built = create_app(settings)

    @built.get("/test-raise/{index}")
    def raise_one(index: int) -> None:
        raise RAISED[index][0]

    return built


@pytest.mark.parametrize("index", range(len(RAISED)))
def test_a_domain_error_answers_with_its_branchs_status_and_its_message(
    app: FastAPI, index: int
) -> None:
    error, status = RAISED[index]
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(f"/test-raise/{index}")
    assert response.status_code == status
    assert response.json()["detail"] == str(error)


def test_every_error_class_of_the_tree_has_a_status() -> None:
    def subclasses(cls: type[errors.MicrodramaError]) -> set[type[errors.MicrodramaError]]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(sub) for sub in found))

    classes = subclasses(errors.MicrodramaError) - {errors.RuleFileError, errors.ImportRejected}
    statuses = {cls: http_status(cls.__new__(cls)) for cls in classes}
    assert set(statuses.values()) <= set(HTTP_STATUS.values())
    assert statuses[errors.Conflict] == 409 and statuses[errors.InvalidRequest] == 400


def test_every_error_class_is_drawn_in_the_tree_of_the_errors_module() -> None:
    names = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.MicrodramaError)
    }
    tree = errors.__doc__ or ""
    assert names and all(f"\n{name} " in tree or f" {name} " in tree for name in names)


@pytest.fixture
def analyst(
    settings: Settings, sessions: sessionmaker[Session]
) -> Iterator[tuple[TestClient, str]]:
    small = settings.model_copy(update={"max_upload_mb": 1})
    with unit_of_work(sessions) as session:
        user = accounts.create_user(
            session, username="bot", role_key="analyst", password="long-enough"
        )
        session.flush()
        token = accounts.create_token(session, user=user, name="ci")
    with TestClient(create_app(small)) as client:
        yield client, token


def test_an_upload_over_the_limit_is_413_and_leaves_nothing_behind(
    analyst: tuple[TestClient, str], settings: Settings
) -> None:
    client, token = analyst
    big = WORKS_ZH.encode() + b"W9," + b"x" * (1024 * 1024 + 10) + b"\n"
    response = client.post(
        "/api/v1/imports?kind=works",
        headers={"authorization": f"Bearer {token}"},
        files={"file": ("works.csv", big, "text/csv")},
    )
    assert response.status_code == 413, response.text
    assert "larger than 1 MB" in response.json()["detail"]
    uploads = Path(settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.rglob("*.csv"))
    assert (
        client.get("/api/v1/works", headers={"authorization": f"Bearer {token}"}).json()["total"]
        == 0
    )


def test_an_import_through_the_api_is_in_the_audit_log_written_by_the_service(
    analyst: tuple[TestClient, str], sessions: sessionmaker[Session]
) -> None:
    client, token = analyst
    response = client.post(
        "/api/v1/imports?kind=works",
        headers={"authorization": f"Bearer {token}"},
        files={"file": ("works.csv", WORKS_ZH.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    with unit_of_work(sessions) as session:
        entries = [e for e in accounts.audit_log(session) if e.action == "import.works"]
    assert len(entries) == 1 and entries[0].username == "bot" and entries[0].target == "works.csv"
    assert entries[0].detail["inserted"] == 2
