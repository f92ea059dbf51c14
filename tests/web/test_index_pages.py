"""The ranking page, its CSV export, the index API and the work page's index section."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.index.service import compute_index, publish_run

from ..index.test_service import FAST, demo, loaded  # noqa: F401  (fixtures)


@pytest.fixture
def client(loaded: sessionmaker[Session], settings: Settings) -> Iterator[TestClient]:  # noqa: F811
    with unit_of_work(loaded) as session:
        run = compute_index(session, settings=settings, period="2025-11", config=FAST)
        publish_run(session, run_id=run.id, actor="test")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_ranking_page_shows_ranks_intervals_and_tiers(client: TestClient) -> None:
    page = client.get("/rankings", headers={"accept-language": "zh-CN"})
    assert page.status_code == 200
    assert "2025-11" in page.text and "A+" in page.text and "模拟数据" in page.text
    filtered = client.get("/rankings?period=2025-11&city=西安", headers={"hx-request": "true"})
    assert filtered.status_code == 200 and "<html" not in filtered.text


def test_the_ranking_exports_as_csv_with_the_required_columns(client: TestClient) -> None:
    response = client.get("/rankings.csv?period=2025-11&model=IAP")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and all(r["model"] == "IAP" for r in rows)
    assert {
        "rank",
        "rank_low",
        "rank_high",
        "score_low",
        "score_high",
        "tier",
        "flags",
        "note",
    } <= set(rows[0])


def test_the_index_api_gives_rankings_explanations_and_experts(
    client: TestClient,
    loaded: sessionmaker[Session],  # noqa: F811
) -> None:
    page = client.get("/api/v1/index/rankings", params={"period": "2025-11", "limit": 3}).json()
    assert len(page["rows"]) == 3 and page["rows"][0]["rank"] == 1
    work = page["rows"][0]["work_id"]
    detail = client.get(f"/api/v1/index/works/{work}", params={"period": "2025-11"}).json()
    assert detail["rank"] == 1 and set(detail["dimensions"]) >= {"reach", "expert"}
    with unit_of_work(loaded) as session:  # expert identities are for analysts
        analyst = accounts.create_user(
            session, username="ana", role_key="analyst", password="long-enough"
        )
        session.flush()
        token = accounts.create_token(session, user=analyst, name="t")
    experts = client.get(
        "/api/v1/index/experts",
        params={"period": "2025-11"},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    assert experts["experts"] and experts["reliability"]
    assert client.get("/api/v1/index/runs").json()[0]["period"] == "2025-11"


def test_the_ranking_api_reads_filters_as_typed_and_a_run_by_id(client: TestClient) -> None:
    runs = client.get("/api/v1/index/runs").json()
    lower = client.get("/api/v1/index/rankings", params={"period": "2025-11", "model": "iap"})
    upper = client.get("/api/v1/index/rankings", params={"period": "2025-11", "model": "IAP"})
    by_run = client.get(
        "/api/v1/index/rankings", params={"period": "2025-11", "run": runs[0]["id"], "limit": 5}
    )
    unknown = client.get("/api/v1/index/rankings", params={"period": "2025-11", "model": "xyz"})

    assert lower.status_code == 200 and lower.json()["rows"] == upper.json()["rows"]
    assert by_run.status_code == 200 and by_run.json()["run"]["id"] == runs[0]["id"]
    assert unknown.status_code == 400 and "IAP" in unknown.text


def test_unknown_periods_and_works_are_404_not_500(client: TestClient) -> None:
    assert client.get("/api/v1/index/rankings", params={"period": "1999-01"}).status_code == 404
    assert client.get("/api/v1/index/works/NOPE", params={"period": "2025-11"}).status_code == 404
    assert client.get("/api/v1/index/rankings", params={"period": "x" * 40}).status_code == 422
    assert client.get("/rankings?period=nonsense").status_code == 200


def test_a_work_page_shows_its_index_breakdown(client: TestClient) -> None:
    top = client.get("/api/v1/index/rankings", params={"period": "2025-11", "limit": 1}).json()
    page = client.get(f"/works/{top['rows'][0]['work_id']}", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "Star Index" in page.text and "index-radar" in page.text and "Contribution" in page.text
    # Reach is per reported day, so the share of days reported is shown beside it.
    assert "Coverage" in page.text and "reach is per reported day" in page.text


def test_the_ranking_exports_as_an_excel_workbook(client: TestClient) -> None:
    import openpyxl

    response = client.get("/rankings.xlsx?period=2025-11&city=西安")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("rank", "rank_low", "rank_high")
    assert len(rows) > 1 and all(row[list(rows[0]).index("city")] == "西安" for row in rows[1:])
    assert client.get("/rankings.pdf?period=2025-11").status_code == 422
