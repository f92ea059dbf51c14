"""The PDF rendered to PNG pages: they exist, are not blank and show the charts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.reports.conftest import Market

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm missing: `make test` installs poppler-utils"
)


def _pages(pdf: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


def _coloured_share(path: Path) -> float:
    """Share of pixels that are clearly coloured (charts), not grey text on white."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float((spread > 60).mean())


def test_every_page_renders_with_content_and_the_charts_show(
    market: Market, artifacts: Path, request: pytest.FixtureRequest
) -> None:
    out = artifacts / "reports" / request.node.callspec.id
    shutil.rmtree(out, ignore_errors=True)
    pages = _pages(market.report.pdf, out)
    assert len(pages) >= 8  # a section starts on a new page
    for page in pages:
        with Image.open(page) as image:
            grey = np.asarray(image.convert("L"))
            width, height = image.size
        assert (grey < 200).mean() > 0.005, f"{page.name} is blank"
        assert width < height, "A4 portrait"
    coloured = [p for p in pages if _coloured_share(p) > 0.01]
    # Charts are the only coloured areas (besides the small red header notice).
    assert len(coloured) >= 5, [round(_coloured_share(p), 4) for p in pages]
