"""The page's charts: interval bars on the score axis, short axis numbers, drawn in Chromium."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.reports.conftest import Market

INTERVAL_GREEN = (145, 199, 174)  # charts.PALETTE[4], the colour of the 90% bars


def _options(html: str, key: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="options-{key}">(.*?)</script>', html)
    assert found, key
    options: dict[str, Any] = json.loads(found.group(1))
    return options


def test_the_interval_bars_start_at_each_works_low_end_on_the_score_axis(market: Market) -> None:
    with (market.report.data / "top_works.csv").open(encoding="utf-8") as handle:
        top = list(csv.DictReader(handle))
    options = _options(market.report.html.read_text(encoding="utf-8"), "top_works")
    base, bars = options["series"][0], options["series"][1]
    lows = [float(r["score_low"]) for r in reversed(top)]
    assert base["data"] == pytest.approx(lows)  # drawn from zero, cut off by the axis minimum
    widths = [b["value"] for b in bars["data"]]
    highs = [float(r["score_high"]) for r in reversed(top)]
    assert [lo + w for lo, w in zip(lows, widths, strict=True)] == pytest.approx(highs, abs=1e-3)
    axis = options["xAxis"]
    assert axis["min"] <= min(lows) and axis["max"] >= max(highs)
    assert axis["nameLocation"] == "middle"  # not at the end, where it was cut off


def test_value_axes_ask_for_short_numbers_and_the_largest_city_is_on_top(market: Market) -> None:
    html = market.report.html.read_text(encoding="utf-8")
    trend = _options(html, "daily_trend")
    assert all(axis["axisLabel"]["formatter"] == "__short__" for axis in trend["yAxis"])
    cities = _options(html, "cities")
    assert cities["yAxis"][0]["inverse"] is True


@pytest.mark.browser
def test_chromium_draws_the_interval_bars_and_writes_axis_numbers_short(
    market: Market, artifacts: Path, request: pytest.FixtureRequest, browser: Any
) -> None:
    shot = artifacts / "reports" / f"top-works-{request.node.callspec.id}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(market.report.html.resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 6")
        page.wait_for_timeout(1500)  # the charts' entry animation
        page.locator("#chart-top_works").screenshot(path=str(shot))
        short = page.evaluate("[short(700000000), short(25000), short(900)]")
    finally:
        context.close()
    assert not errors
    assert short == ["7亿", "2.5万", "900"]
    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    green = (np.abs(pixels - np.array(INTERVAL_GREEN)).sum(axis=2) < 30).mean()
    assert green > 0.02, f"interval bars cover {green:.2%} of the chart"
