"""Headers every answer carries, API docs that work offline, and NUL bytes refused as 400."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from microdrama.app import create_app
from microdrama.config import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/works", "/login", "/api/v1/works", "/does-not-exist"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_run_no_inline_script(client: TestClient) -> None:
    for path in ("/works", "/login", "/rankings", "/docs"):
        html = client.get(path).text
        inline = [s for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s]
        assert inline == [], path


def test_the_api_docs_load_from_the_package_not_a_cdn(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "cdn" not in html.lower() and "http" not in html.replace("http-equiv", "")
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["info"]["title"] == "microdrama API"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/works?q=%00", {}),
        ("get", "/works/W%001", {}),
        ("get", "/api/v1/works?city=x%00y", {}),
        ("post", "/login", {"data": {"username": "a\x00b", "password": "long-enough"}}),
    ],
)
def test_a_nul_byte_anywhere_in_a_request_is_a_400(
    client: TestClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
