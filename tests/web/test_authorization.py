"""Every route × every role: allowed, or refused with 401 (anonymous) / 403 (wrong role)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from microdrama.accounts import service as accounts
from microdrama.app import ROUTERS, create_app
from microdrama.catalog.models import Company, Work, WorkCompany
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.index.service import compute_index
from microdrama.panels import service as panels

from ..index.test_service import FAST, demo, loaded  # noqa: F401  (fixtures)

ROLES = ("admin", "analyst", "expert", "producer", "viewer")
EVERYONE = frozenset({None, *ROLES})
STAFF = frozenset({"admin", "analyst"})
EXPERTS = frozenset({"expert"})
ADMINS = frozenset({"admin"})
PRODUCERS = frozenset({"producer"})
SIGNED_IN = frozenset(ROLES)
STUDIO = frozenset({"admin", "analyst", "producer"})
# Reports name companies and their works: blind reviewers do not read them.
READERS = SIGNED_IN - EXPERTS
NOT_BLIND = EVERYONE - EXPERTS
# Signing in and out need no role, only the form's CSRF token (tested in test_auth.py).
CSRF_GUARDED: frozenset[str | None] = frozenset()
WORKS_CSV = "work_id,title\nWX1,新剧\n"

# (method, route path, concrete path, who may) — every route of the app must be listed.
MATRIX: list[tuple[str, str, str, frozenset[str | None]]] = [
    ("GET", "/", "/", EVERYONE),
    ("GET", "/healthz", "/healthz", EVERYONE),
    ("GET", "/favicon.ico", "/favicon.ico", EVERYONE),
    ("GET", "/works", "/works", EVERYONE),
    ("GET", "/works/{work_id}", "/works/{work}", EVERYONE),
    ("GET", "/works/{work_id}/metrics.csv", "/works/{work}/metrics.csv", EVERYONE),
    ("GET", "/api/v1/works", "/api/v1/works", EVERYONE),
    ("GET", "/companies/{name}", "/companies/x", NOT_BLIND),
    ("GET", "/cities/{name}", "/cities/西安", EVERYONE),
    ("GET", "/api/v1/works/{work_id}", "/api/v1/works/{work}", EVERYONE),
    ("GET", "/api/v1/works/{work_id}/metrics", "/api/v1/works/{work}/metrics", EVERYONE),
    ("GET", "/api/v1/facets", "/api/v1/facets", EVERYONE),
    ("GET", "/api/v1/index/runs", "/api/v1/index/runs", EVERYONE),
    ("POST", "/api/v1/index/runs/{run_id}/publish", "/api/v1/index/runs/{run}/publish", STAFF),
    ("GET", "/api/v1/index/rankings", "/api/v1/index/rankings?period=2025-11", EVERYONE),
    ("GET", "/api/v1/index/works/{work_id}", "/api/v1/index/works/{work}?period=2025-11", EVERYONE),
    ("GET", "/api/v1/index/experts", "/api/v1/index/experts?period=2025-11", STAFF),
    ("GET", "/rankings", "/rankings", EVERYONE),
    ("GET", "/rankings.{suffix}", "/rankings.xlsx?period=2025-11", EVERYONE),
    ("POST", "/rankings/runs/{run_id}/publish", "/rankings/runs/{run}/publish", STAFF),
    ("POST", "/rankings/compute", "/rankings/compute", STAFF),
    ("GET", "/login", "/login", EVERYONE),
    ("POST", "/login", "/login", CSRF_GUARDED),
    ("POST", "/logout", "/logout", CSRF_GUARDED),
    ("GET", "/account", "/account", SIGNED_IN),
    ("POST", "/account/password", "/account/password", SIGNED_IN),
    ("POST", "/account/sessions/end", "/account/sessions/end", SIGNED_IN),
    ("POST", "/account/tokens", "/account/tokens", SIGNED_IN),
    ("POST", "/account/tokens/{token_id}/revoke", "/account/tokens/999999/revoke", SIGNED_IN),
    ("GET", "/api/v1/tokens", "/api/v1/tokens", SIGNED_IN),
    ("POST", "/api/v1/tokens/{token_id}/revoke", "/api/v1/tokens/999999/revoke", SIGNED_IN),
    ("POST", "/api/v1/imports", "/api/v1/imports?kind=works&dry_run=true", STAFF),
    ("GET", "/imports", "/imports", STAFF),
    ("POST", "/imports", "/imports", STAFF),
    ("GET", "/panels", "/panels", STAFF),
    ("POST", "/panels", "/panels", STAFF),
    ("GET", "/panels/{panel_id}", "/panels/{panel}", STAFF),
    ("POST", "/panels/{panel_id}/close", "/panels/{panel}/close", STAFF),
    ("GET", "/reviews", "/reviews", EXPERTS),
    ("GET", "/admin/users", "/admin/users", ADMINS),
    ("POST", "/admin/users", "/admin/users", ADMINS),
    ("POST", "/admin/users/{user_id}/active", "/admin/users/{viewer}/active", ADMINS),
    ("GET", "/api/v1/panels", "/api/v1/panels", STAFF),
    ("POST", "/api/v1/panels", "/api/v1/panels", STAFF),
    ("GET", "/api/v1/panels/{panel_id}/assignments", "/api/v1/panels/{panel}/assignments", STAFF),
    ("GET", "/api/v1/reviews", "/api/v1/reviews", EXPERTS),
    ("POST", "/api/v1/reviews/{assignment_id}", "/api/v1/reviews/{assignment}", EXPERTS),
    ("GET", "/producer", "/producer", PRODUCERS),
    ("POST", "/producer", "/producer", PRODUCERS),
    ("POST", "/producer/file", "/producer/file", PRODUCERS),
    ("GET", "/reviews/{assignment_id}", "/reviews/{assignment}", EXPERTS),
    ("POST", "/reviews/{assignment_id}", "/reviews/{assignment}", EXPERTS),
    ("GET", "/reports", "/reports", READERS),
    ("POST", "/reports", "/reports", STAFF),
    ("GET", "/reports/{build_id}/{name}", "/reports/999/report.pdf", READERS),
    ("GET", "/api/v1/reports", "/api/v1/reports", READERS),
    ("POST", "/api/v1/reports", "/api/v1/reports", STAFF),
    ("GET", "/api/v1/reports/{build_id}", "/api/v1/reports/999", READERS),
    ("GET", "/scripts", "/scripts", STUDIO),
    ("POST", "/scripts", "/scripts", STUDIO),
    ("GET", "/scripts/{key}", "/scripts/0123456789abcdef01234567", STUDIO),
    ("GET", "/scripts/{key}/export.{fmt}", "/scripts/0123456789abcdef01234567/export.json", STUDIO),
    ("POST", "/api/v1/scripts/breakdown", "/api/v1/scripts/breakdown", STUDIO),
    ("POST", "/api/v1/scripts/review", "/api/v1/scripts/review", STUDIO),
    ("GET", "/api/v1/scripts/rules", "/api/v1/scripts/rules", STUDIO),
]


@pytest.fixture
def world(
    loaded: sessionmaker[Session],  # noqa: F811
    settings: Settings,
) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    tokens: dict[str, str] = {}
    with unit_of_work(loaded) as session:
        run = compute_index(session, settings=settings, period="2025-11", config=FAST)
        for role in ROLES:
            user = accounts.create_user(
                session, username=role, role_key=role, password="long-enough"
            )
            session.flush()
            tokens[role] = accounts.create_token(session, user=user, name="matrix")
    with unit_of_work(loaded) as session:
        analyst = accounts.users(session)[1]
        work = (
            session.execute(select(Work.external_id).order_by(Work.external_id)).scalars().first()
        )
        panel = panels.create_panel(
            session, name="matrix", period="2025-11", work_ids=[work], per_work=1, actor=analyst
        ).panel
        viewer = next(u for u in accounts.users(session) if u.role == "viewer")
        ids = {
            "viewer": str(viewer.id),
            "work": work,
            "run": str(run.id),
            "panel": str(panel.id),
            "assignment": str(panel.assignments[0].id),
        }
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, tokens, ids


def test_the_matrix_lists_every_route_of_the_app(settings: Settings) -> None:
    app = create_app(settings)
    # FastAPI keeps included routers apart from the app's own routes: read both.
    every = [*app.routes, *(route for router in ROUTERS for route in router.routes)]
    routes = {
        (method, route.path)
        for route in every
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
        if route.include_in_schema or not route.path.startswith(("/docs", "/openapi", "/redoc"))
    }
    app.state.engine.dispose()
    assert len(routes) > 60  # the walk must reach the domains' routers
    listed = {(method, path) for method, path, _, _ in MATRIX}
    assert routes - listed == set(), "add the new routes to MATRIX"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_reaches_exactly_its_routes(
    world: tuple[TestClient, dict[str, str], dict[str, str]], role: str | None
) -> None:
    client, tokens, ids = world
    headers = {"authorization": f"Bearer {tokens[role]}"} if role else {}
    for method, _, path, allowed in MATRIX:
        url = path.format(**ids)
        files = {"file": ("works.csv", WORKS_CSV.encode(), "text/csv")}
        kwargs: dict[str, object] = {"headers": headers, "follow_redirects": False}
        if url == "/producer" and method == "POST":
            kwargs["data"] = {"work_id": "P1", "title": "新剧"}
        if url == "/api/v1/panels" and method == "POST":
            kwargs["json"] = {
                "name": "api",
                "period": "2025-11",
                "work_ids": [ids["work"]],
                "per_work": 1,
            }
        if url.startswith("/api/v1/reviews/"):
            kwargs["json"] = {"values": 7, "artistry": 7, "production": 7, "innovation": 7}
        if url == "/admin/users" and method == "POST":
            kwargs["data"] = {
                "username": f"new-{role}",
                "role": "viewer",
                "password": "long-enough",
            }
        if url == "/reports" and method == "POST":
            kwargs["data"] = {"period": "2025-13"}  # refused before any build starts
        if url == "/api/v1/reports" and method == "POST":
            kwargs["json"] = {"period": "2025-13"}
        if url == "/account/password":
            kwargs["data"] = {"current": "not-the-password", "new": "long-enough-too"}
        if url == "/account/tokens":
            kwargs["data"] = {"name": "matrix-made"}
        if url == "/rankings/compute":
            kwargs["data"] = {"period": "2025-W45"}
        if method == "POST" and "scripts" in url:
            kwargs["files"] = {
                "file": ("s.txt", "第1集\n1-1 日 内 家\n甲：你好\n".encode(), "text/plain")
            }
        if method == "POST" and ("imports" in url or url == "/producer/file"):
            kwargs["files"] = files
            if url == "/imports":
                kwargs["data"] = {"kind": "works"}
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 500, (method, url, response.text[:200])
        if allowed is CSRF_GUARDED:
            continue
        if role in allowed:
            assert response.status_code not in (401, 403), (role, method, url)
        else:
            assert response.status_code == (401 if role is None else 403), (role, method, url)


def test_business_rules_hold_after_the_route_lets_a_role_in(
    world: tuple[TestClient, dict[str, str], dict[str, str]],
    loaded: sessionmaker[Session],  # noqa: F811
) -> None:
    """The matrix says who reaches a route; these are refusals a permitted role still meets."""
    client, tokens, ids = world
    with unit_of_work(loaded) as session:  # the producer works for a company that did not make it
        other = session.scalars(
            select(Company.id)
            .where(
                ~Company.id.in_(
                    select(WorkCompany.company_id)
                    .join(Work, Work.id == WorkCompany.work_id)
                    .where(Work.external_id == ids["work"])
                )
            )
            .limit(1)
        ).one()
        accounts.user_named(session, username="producer").company_id = other
    producer = {"authorization": f"Bearer {tokens['producer']}"}
    # A producer (not linked to the work's company) naming a work with a trailing space.
    sly = f"work_id,title\n{ids['work']} ,抢来的剧\n"
    answer = client.post(
        "/producer/file", headers=producer, files={"file": ("w.csv", sly.encode(), "text/csv")}
    )
    assert answer.status_code == 422 and "another company" in answer.text
    assert ids["work"] in answer.text
    assert client.get(f"/api/v1/works/{ids['work']}").json()["title"] != "抢来的剧"
    # An expert's review after the panel closed is a conflict, whoever the expert is.
    analyst = {"authorization": f"Bearer {tokens['analyst']}"}
    closed = client.post(f"/panels/{ids['panel']}/close", headers=analyst, follow_redirects=False)
    assert closed.status_code in (200, 303)
    expert = {"authorization": f"Bearer {tokens['expert']}"}
    scores = {"values": 7, "artistry": 7, "production": 7, "innovation": 7}
    late = client.post(f"/api/v1/reviews/{ids['assignment']}", headers=expert, json=scores)
    assert late.status_code == 409
