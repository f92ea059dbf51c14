"""The catalogue pages and API served by the real app on the real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.ingest.service import import_file

from ..ingest.test_service import METRICS, WORKS_ZH


@pytest.fixture
def client(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> Iterator[TestClient]:
    files = {"works": WORKS_ZH, "metrics": METRICS}
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        with unit_of_work(sessions) as session:
            assert import_file(session, settings=settings, kind=kind, path=path).ok  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_catalogue_lists_works_most_played_first(client: TestClient) -> None:
    page = client.get("/works", headers={"accept-language": "zh-CN"})
    assert page.status_code == 200
    text = page.text
    assert "作品库" in text and text.index("重生之我在南京当首富") < text.index(
        "闪婚后霸总天天宠我"
    )
    assert "3.50亿" in text


def test_the_catalogue_filters_by_genre_city_and_search(client: TestClient) -> None:
    assert "闪婚" in client.get("/works?genre=ceo").text
    assert "闪婚" not in client.get("/works?genre=rebirth").text
    assert "闪婚" not in client.get("/works?city=南京").text
    body = client.get("/api/v1/works", params={"q": "首富"}).json()
    assert [w["work_id"] for w in body["items"]] == ["W2"] and body["total"] == 1
    body = client.get("/api/v1/works", params={"platform": "微信小程序", "model": "IAA"}).json()
    assert [w["work_id"] for w in body["items"]] == ["W2"]


def test_an_htmx_request_gets_only_the_results_table(client: TestClient) -> None:
    partial = client.get("/works?q=闪婚", headers={"hx-request": "true"}).text
    assert "<html" not in partial and "闪婚后霸总天天宠我" in partial


def test_the_language_follows_the_browser_and_can_be_switched(client: TestClient) -> None:
    assert (
        "Catalogue of works" in client.get("/works", headers={"accept-language": "en-US,en"}).text
    )
    assert "作品库" in client.get("/works", headers={"accept-language": "fr"}).text
    switched = client.get("/works?lang=en")
    assert "Catalogue of works" in switched.text and switched.cookies.get("lang") == "en"


def test_a_work_page_shows_metadata_and_daily_metrics(client: TestClient) -> None:
    page = client.get("/works/W1")
    assert page.status_code == 200
    for expected in (
        "闪婚后霸总天天宠我",
        "西安星河影视文化有限公司",
        "0.90",
        "metrics-chart",
        "2025-10-02",
        "12,345.67",
    ):
        assert expected in page.text


def test_an_unknown_work_is_a_404_page_and_api_error(client: TestClient) -> None:
    assert client.get("/works/NOPE").status_code == 404
    response = client.get("/api/v1/works/NOPE")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_metrics_api_gives_exact_yuan_and_unknowns_as_null(client: TestClient) -> None:
    rows = client.get("/api/v1/works/W1/metrics").json()
    assert [r["recharge_yuan"] for r in rows] == ["12000.00", "12345.67"]
    assert rows[0]["ad_revenue_yuan"] is None and rows[1]["ad_revenue_yuan"] == "0.00"
    csv = client.get("/works/W1/metrics.csv")
    assert csv.status_code == 200 and "12345.67" in csv.text


def test_bad_query_parameters_are_4xx_not_5xx(client: TestClient) -> None:
    for url in (
        "/api/v1/works?page=0",
        "/api/v1/works?model=X",
        "/api/v1/works?year=abc",
        "/works?page=-1",
        "/works?year=20x5&sort=nonsense",
    ):
        assert client.get(url).status_code < 500, url


def test_the_overview_shows_the_latest_months_figures_and_shares(client: TestClient) -> None:
    page = client.get("/", headers={"accept-language": "en"})
    assert page.status_code == 200
    text = page.text
    assert "Market overview · 2025-10" in text and "Plays by genre" in text
    assert "3.50亿" in text  # 350 M plays of W2 plus W1's


def test_without_data_the_overview_sends_visitors_to_the_catalogue(settings: Settings) -> None:
    with TestClient(create_app(settings)) as empty:
        response = empty.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/works"


def test_company_and_city_profiles_list_their_works_and_share(client: TestClient) -> None:
    company = client.get("/companies/西安星河影视文化有限公司", headers={"accept-language": "en"})
    assert company.status_code == 200 and "闪婚后霸总天天宠我" in company.text
    assert "重生之我在南京当首富" not in company.text and "Share of all plays" in company.text
    city = client.get("/cities/南京")
    assert city.status_code == 200 and "重生之我在南京当首富" in city.text
    assert client.get("/cities/火星").status_code == 404


def test_similar_works_share_a_genre_and_a_platform(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from microdrama.catalog.service import similar_works

    text = (
        "work_id,title,genres,platform\n"
        "A,甲,甜宠|霸总,抖音\nB,乙,甜宠|霸总,抖音\nC,丙,甜宠,抖音\nD,丁,甜宠|霸总,快手\nE,戊,悬疑,抖音\n"
    )
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    with unit_of_work(sessions) as session:
        assert import_file(session, settings=settings, kind="works", path=path).ok
        similar = [w.work_id for w in similar_works(session, work_id="A")]
    assert similar == ["B", "C"]
