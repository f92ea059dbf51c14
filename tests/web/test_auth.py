"""Signing in, CSRF, throttling, API tokens, and who may see and publish index runs."""

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
from microdrama.index.service import compute_index

from ..index.test_service import FAST, demo, loaded  # noqa: F401  (fixtures)

PASSWORD = "correct-horse"
ROLES = ("admin", "analyst", "expert", "producer", "viewer")


@pytest.fixture
def app_with_run(
    loaded: sessionmaker[Session],  # noqa: F811
    settings: Settings,
) -> Iterator[tuple[TestClient, int, dict[str, str]]]:
    tokens = {}
    with unit_of_work(loaded) as session:
        run = compute_index(session, settings=settings, period="2025-11", config=FAST)
        for role in ROLES:
            user = accounts.create_user(session, username=role, role_key=role, password=PASSWORD)
            session.flush()
            tokens[role] = accounts.create_token(session, user=user, name="test")
    with TestClient(create_app(settings)) as client:
        yield client, run.id, tokens


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, username: str) -> None:
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_a_user_signs_in_and_out_and_the_cookie_is_http_only(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert response.status_code == 303 and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "analyst" in client.get("/works").text
    client.post("/logout", data={"csrf_token": csrf_of(client, "/works")})
    assert 'href="/login' in client.get("/works").text


def test_a_form_without_the_csrf_token_is_refused(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403


def test_repeated_wrong_passwords_pause_sign_in(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    statuses = [
        client.post(
            "/login",
            data={"username": "viewer", "password": "wrong-guess", "csrf_token": csrf_of(client)},
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    right = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf_of(client)}
    )
    assert right.status_code == 429


def test_unpublished_runs_are_invisible_to_viewers_and_the_public(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, run_id, tokens = app_with_run
    url = "/api/v1/index/rankings?period=2025-11"
    assert client.get(url).status_code == 404
    for role in ("viewer", "expert", "producer"):
        headers = {"authorization": f"Bearer {tokens[role]}"}
        assert client.get(url, headers=headers).status_code == 404, role
    for role in ("analyst", "admin"):
        assert (
            client.get(url, headers={"authorization": f"Bearer {tokens[role]}"}).status_code == 200
        )
    published = client.post(
        f"/api/v1/index/runs/{run_id}/publish",
        headers={"authorization": f"Bearer {tokens['analyst']}"},
    )
    assert published.status_code == 200 and published.json()["published"] is True
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        ("viewer", 403),
        ("expert", 403),
        ("producer", 403),
        ("analyst", 200),
        ("admin", 200),
    ],
)
def test_only_analysts_and_admins_may_publish(
    app_with_run: tuple[TestClient, int, dict[str, str]], role: str | None, status: int
) -> None:
    client, run_id, tokens = app_with_run
    headers = {"authorization": f"Bearer {tokens[role]}"} if role else {}
    response = client.post(f"/api/v1/index/runs/{run_id}/publish", headers=headers)
    assert response.status_code == status


def test_a_signed_in_analyst_publishes_from_the_ranking_page(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, run_id, _ = app_with_run
    sign_in(client, "analyst")
    page = client.get("/rankings?period=2025-11")
    assert "Publish" in page.text or "发布" in page.text
    no_csrf = client.post(f"/rankings/runs/{run_id}/publish")
    assert no_csrf.status_code == 403
    done = client.post(
        f"/rankings/runs/{run_id}/publish",
        data={"csrf_token": csrf_of(client, "/rankings?period=2025-11")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    client.post("/logout", data={"csrf_token": csrf_of(client, "/works")})
    assert "A+" in client.get("/rankings?period=2025-11").text


def test_a_bad_token_is_401_and_never_a_server_error(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    response = client.get("/api/v1/works", headers={"authorization": "Bearer md_nonsense"})
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "detail": "invalid or revoked API token"}


def test_a_redirect_after_sign_in_stays_on_this_site(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    response = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": csrf_of(client),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_an_admin_creates_and_disables_users_on_the_web(
    app_with_run: tuple[TestClient, int, dict[str, str]],
) -> None:
    client, _, _ = app_with_run
    sign_in(client, "admin")
    page = client.get("/admin/users")
    created = client.post(
        "/admin/users",
        data={
            "username": "zhou",
            "role": "expert",
            "password": "long-enough",
            "csrf_token": csrf_of(client, "/admin/users"),
        },
    )
    assert page.status_code == 200 and created.status_code == 200 and "zhou" in created.text
    user_id = re.search(r"/admin/users/(\d+)/active", created.text)
    assert user_id
    short = client.post(
        "/admin/users",
        data={
            "username": "wu",
            "role": "viewer",
            "password": "short",
            "csrf_token": csrf_of(client, "/admin/users"),
        },
    )
    assert short.status_code == 422
    assert "user.create" in client.get("/admin/users").text
