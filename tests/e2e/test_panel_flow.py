"""The whole review flow in real Chromium: an analyst creates a panel, an expert reviews blind,
the analyst publishes a run, a viewer reads the ranking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state("networkidle")


def sign_out(page: Any) -> None:
    page.click("header .account button")
    page.wait_for_load_state("networkidle")


def test_analyst_expert_and_viewer_complete_a_review_cycle(
    demo_server: str, browser: Any, artifacts: Path
) -> None:
    page = browser.new_page(locale="en-US", viewport={"width": 1280, "height": 900})
    sign_in(page, demo_server, "ana")
    page.goto(f"{demo_server}/panels")
    page.fill("input[name=name]", "November panel")
    page.fill("input[name=period]", "2025-11")
    page.fill("input[name=top]", "3")
    page.fill("input[name=per_work]", "1")
    page.click("text=Create panel")
    page.wait_for_url("**/panels/*")
    assert page.locator("table.metrics tbody tr").count() == 3
    page.screenshot(path=str(artifacts / "panel.png"))
    sign_out(page)

    sign_in(page, demo_server, "zhang")
    page.goto(f"{demo_server}/reviews")
    page.locator("table.metrics tbody tr a").first.click()
    assert "Blind review" in page.content()
    page.screenshot(path=str(artifacts / "review-form.png"))
    for field, score in (
        ("values", "8"),
        ("artistry", "7"),
        ("production", "6.5"),
        ("innovation", "9"),
    ):
        page.fill(f"input[name={field}]", score)
    page.fill("textarea[name=comment]", "节奏紧凑，反转有力。")
    page.click("text=Submit review")
    page.wait_for_url("**/reviews")
    assert "Submitted" in page.locator("table.metrics").inner_text()
    sign_out(page)

    sign_in(page, demo_server, "guest")
    page.goto(f"{demo_server}/rankings?period=2025-10")
    assert (
        "No index computed" in page.content()
        or "2025-10" not in page.locator("select[name=period]").inner_text()
    )
    sign_out(page)

    sign_in(page, demo_server, "ana")
    page.goto(f"{demo_server}/rankings?period=2025-10")
    assert "Draft" in page.content()
    page.click("button:has-text('Publish')")
    page.wait_for_load_state("networkidle")
    sign_out(page)

    sign_in(page, demo_server, "guest")
    page.goto(f"{demo_server}/rankings?period=2025-10")
    assert page.locator("table.ranking tbody tr").count() > 5
    page.screenshot(path=str(artifacts / "viewer-ranking.png"))
    page.close()
