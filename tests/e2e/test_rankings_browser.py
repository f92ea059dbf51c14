"""An analyst reads the Star Index ranking in real Chromium and opens a work's breakdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_ranking_filters_and_leads_to_a_work_breakdown(
    demo_server: str, browser: Any, artifacts: Path
) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page.goto(f"{demo_server}/rankings")
    assert page.locator("h1").inner_text() == "星指数榜单"
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() > 10
    assert rows.first.locator("td").first.inner_text() == "1"
    page.screenshot(path=str(artifacts / "rankings.png"))

    page.select_option("select[name=model]", "IAP")
    page.wait_for_url("**model=IAP**", timeout=10_000)
    assert page.locator("table.ranking tbody tr").count() > 0

    with page.expect_download() as download:
        page.click("text=下载 CSV")
    assert download.value.suggested_filename.endswith(".csv")

    page.locator("table.ranking tbody tr").first.locator("a").first.click()
    page.wait_for_selector("#index-radar canvas", timeout=10_000)
    assert page.locator("table.contributions tbody tr").count() == 6
    page.screenshot(path=str(artifacts / "work-index.png"), full_page=True)
    page.close()
