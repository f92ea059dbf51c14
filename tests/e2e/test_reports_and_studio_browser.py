"""Reports and the script studio in real Chromium: build, follow, open; upload, read, review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..script.test_cli import BLOCKING
from .test_panel_flow import sign_in

pytestmark = pytest.mark.browser


def test_an_analyst_builds_a_report_and_its_charts_draw(
    demo_server: str, browser: Any, artifacts: Path
) -> None:
    page = browser.new_page(locale="en-US", viewport={"width": 1280, "height": 900})
    sign_in(page, demo_server, "ana")
    page.goto(f"{demo_server}/reports")
    page.fill("input[name=period]", "2025-11")
    page.select_option("select[name=lang]", "en")
    page.click("#build-form button[type=submit]")
    # The list polls itself (htmx) until the background build is done.
    done = page.locator("tr[data-status=done]").first
    done.wait_for(timeout=120_000)
    page.screenshot(path=str(artifacts / "reports-list.png"))
    html_url = done.locator("a", has_text="HTML").get_attribute("href")
    pdf_url = done.locator("a", has_text="PDF").get_attribute("href")
    assert page.request.get(f"{demo_server}{pdf_url}").body().startswith(b"%PDF")
    page.goto(f"{demo_server}{html_url}")
    page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 6", timeout=30_000)
    assert page.locator("section#top table tbody tr").count() >= 5
    assert "Simulated" in page.locator("p.notice").inner_text()
    page.screenshot(path=str(artifacts / "report-html.png"), full_page=False)
    page.close()


def test_a_producer_uploads_a_script_and_reads_breakdown_and_review(
    demo_server: str, browser: Any, artifacts: Path, tmp_path: Path
) -> None:
    script = tmp_path / "晚风.txt"
    script.write_text(BLOCKING, encoding="gb18030")
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sign_in(page, demo_server, "liu")
    page.goto(f"{demo_server}/scripts")
    page.set_input_files("#script-upload input[type=file]", str(script))
    page.click("#script-upload button[type=submit]")
    page.wait_for_url("**/scripts/*")
    page.wait_for_function("document.querySelector('#duration-chart canvas') !== null")
    assert page.locator("#episodes tbody tr").count() == 2
    assert page.locator("#episodes tr[data-hook]").count() >= 1
    assert page.locator("#findings tr[data-severity=block]").count() >= 1
    assert page.locator("ol.script-text li.hit mark").count() >= 1
    assert "剧本工坊" in page.content()
    page.screenshot(path=str(artifacts / "script-studio.png"), full_page=True)
    page.close()
