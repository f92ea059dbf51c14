"""A person browsing the catalogue in real Chromium: search, filter, open a work, see its chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_a_visitor_searches_filters_and_opens_a_work(
    demo_server: str, browser: Any, artifacts: Path
) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/works")
    assert page.locator("h1").inner_text() == "作品库"
    assert "模拟数据" in page.locator(".simulated").inner_text()
    rows = page.locator("table.works tbody tr")
    assert rows.count() == 50
    page.screenshot(path=str(artifacts / "catalogue.png"), full_page=False)

    first_title = rows.first.locator("td").nth(1).locator("a").inner_text()
    page.fill("input[name=q]", first_title)
    page.wait_for_function(
        "n => document.querySelectorAll('table.works tbody tr').length < n", arg=50, timeout=10_000
    )
    assert first_title in page.locator("table.works").inner_text()
    assert "q=" in page.url  # HTMX pushed the filter into the address bar

    page.goto(f"{demo_server}/works")
    page.select_option("select[name=model]", "IAA")
    page.wait_for_url("**model=IAA**", timeout=10_000)
    models = page.locator("table.works tbody tr td:nth-child(6)").all_inner_texts()
    assert models and set(models) == {"免费"}

    page.locator("table.works tbody tr").first.locator("a").first.click()
    page.wait_for_selector("#metrics-chart canvas", timeout=10_000)
    assert page.locator("table.metrics tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "work.png"), full_page=True)

    page.click("text=English")
    assert "Daily metrics" in page.locator("h2").all_inner_texts()
    page.close()
