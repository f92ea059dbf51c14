"""Sessions live on the server: sign-out and a new password end them; tokens are listed and
revoked; failed sign-ins are counted in the database on the name as it is compared."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.accounts import signin
from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.errors import AccountExists

PASSWORD = "correct-horse"


@pytest.fixture
def users(sessions: sessionmaker[Session]) -> dict[str, str]:
    tokens = {}
    with unit_of_work(sessions) as session:
        for name in ("Wang", "li"):
            user = accounts.create_user(
                session, username=name, role_key="analyst", password=PASSWORD
            )
            session.flush()
            tokens[name] = accounts.create_token(session, user=user, name="ci")
    return tokens


@pytest.fixture
def app(settings: Settings, users: dict[str, str]) -> Iterator[object]:
    built = create_app(settings)
    yield built


def _client(app: object) -> TestClient:
    return TestClient(app)  # type: ignore[arg-type]


def _csrf(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def _sign_in(client: TestClient, name: str, password: str = PASSWORD) -> int:
    answer = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    return answer.status_code


def _signed_in(client: TestClient) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def test_signing_out_ends_the_session_on_the_server(app: object) -> None:
    with _client(app) as client:
        assert _sign_in(client, "Wang") == 303 and _signed_in(client)
        stolen = dict(client.cookies)
        client.post("/logout", data={"csrf_token": _csrf(client, "/account")})
        assert not _signed_in(client)
    with _client(app) as thief:
        thief.cookies.update(stolen)  # the cookie as it was before the sign-out
        assert not _signed_in(thief)


def test_a_new_password_signs_out_every_other_browser_but_this_one(app: object) -> None:
    with _client(app) as mine, _client(app) as other:
        assert _sign_in(mine, "Wang") == 303 and _sign_in(other, "wang") == 303
        answer = mine.post(
            "/account/password",
            data={
                "current": PASSWORD,
                "new": "battery-staple",
                "csrf_token": _csrf(mine, "/account"),
            },
        )
        assert answer.status_code == 200 and "1" in answer.text
        assert _signed_in(mine) and not _signed_in(other)
        assert _sign_in(other, "Wang") == 401
        assert _sign_in(other, "Wang", "battery-staple") == 303
        wrong = mine.post(
            "/account/password",
            data={"current": "nope", "new": "another-one", "csrf_token": _csrf(mine, "/account")},
        )
        assert wrong.status_code == 400 and _signed_in(mine)


def test_tokens_are_listed_and_revoked_and_a_revoked_token_stops_at_once(
    app: object, users: dict[str, str]
) -> None:
    bearer = {"authorization": f"Bearer {users['Wang']}"}
    with _client(app) as client:
        (listed,) = client.get("/api/v1/tokens", headers=bearer).json()
        assert listed["name"] == "ci" and not listed["revoked"] and "token" not in listed
        other = {"authorization": f"Bearer {users['li']}"}
        assert (
            client.post(f"/api/v1/tokens/{listed['id']}/revoke", headers=other).status_code == 404
        )
        assert client.post(f"/api/v1/tokens/{listed['id']}/revoke", headers=bearer).json()[
            "revoked"
        ]
        assert client.get("/api/v1/tokens", headers=bearer).status_code == 401


def test_user_names_that_differ_only_in_case_or_width_are_one_user(
    app: object, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as session, pytest.raises(AccountExists):
        accounts.create_user(session, username="ＷＡＮＧ", role_key="viewer", password=PASSWORD)
    with _client(app) as client:
        assert _sign_in(client, " WANG ") == 303


def test_name_variants_share_one_count_of_failures_and_every_worker_sees_it(
    settings: Settings, users: dict[str, str]
) -> None:
    first, second = create_app(settings), create_app(settings)  # two workers, one database
    with _client(first) as one, _client(second) as two:
        variants = ["Wang", "wang ", " WANG", "ｗａｎｇ", "wAnG"]
        for index, name in enumerate(variants):
            client = one if index % 2 else two
            assert _sign_in(client, name, "wrong-guess") == 401
        assert _sign_in(one, "Wang") == 429  # even the right password waits now
        assert _sign_in(two, "wang") == 429
        assert _sign_in(one, "li") == 303  # another user is not locked out


def test_an_address_guessing_api_tokens_is_slowed_down(app: object) -> None:
    with _client(app) as client:
        codes = [
            client.get(
                "/api/v1/tokens", headers={"authorization": f"Bearer md_guess{i}"}
            ).status_code
            for i in range(signin.MAX_FAILURES_PER_ADDRESS + 3)
        ]
    assert codes[: signin.MAX_FAILURES_PER_ADDRESS] == [401] * signin.MAX_FAILURES_PER_ADDRESS
    assert codes[-1] == 429
