"""The PDF rendered to PNG pages: they exist, are not blank and show the charts."""

from __future__ import annotations

import re
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


def test_no_word_of_an_english_pdf_runs_off_the_page(market: Market, tmp_path: Path) -> None:
    english = market.build("wide", lang="en", compute_missing=False)
    boxes = tmp_path / "boxes.html"
    subprocess.run(["pdftotext", "-bbox", str(english.pdf), str(boxes)], check=True)
    text = boxes.read_text(encoding="utf-8")
    width = float(re.findall(r'<page width="([\d.]+)"', text)[0])
    words = re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', text)
    assert words
    # The page margin is 14 mm (40 pt); a word past it has run off the table's edge.
    beyond = [word for x, word in words if float(x) > width - 30]
    assert beyond == []
