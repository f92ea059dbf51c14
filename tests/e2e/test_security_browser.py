"""The content security policy in real Chromium: nothing the pages need is blocked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def _watched(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def test_the_charts_draw_under_the_policy_and_nothing_is_refused(
    demo_server: str, browser: Any
) -> None:
    work = httpx.get(f"{demo_server}/api/v1/index/rankings?period=2025-11&limit=1").json()
    work_id = work["rows"][0]["work_id"]
    page, problems = _watched(browser)
    for path, charts in (
        ("/", 3),
        (f"/works/{work_id}", 2),  # daily metrics and the index radar
        ("/cities/西安", 1),
    ):
        page.goto(f"{demo_server}{path}")
        page.wait_for_function(
            "n => document.querySelectorAll('[data-options] canvas').length >= n",
            arg=charts,
            timeout=10_000,
        )
    page.close()
    assert problems == []


def test_the_api_docs_render_offline_under_the_policy(demo_server: str, browser: Any) -> None:
    page, problems = _watched(browser)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{demo_server}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".opblock").count() > 10
    page.close()
    assert problems == []
    assert all(url.startswith(demo_server) for url in requested)
