"""A report built from the real database and lake: files, sections, reproducibility."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from datetime import datetime

import pytest

from microdrama.errors import NotFoundError, ReportError, ScopeError
from microdrama.reports.content.queries import QUERIES
from tests.reports.conftest import Market

SECTIONS = ("summary", "market", "top", "genres", "platforms", "hubs", "integrity", "experts")


def test_a_report_writes_html_pdf_data_and_a_manifest(market: Market) -> None:
    built = market.report
    assert built.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert built.pdf.read_bytes().startswith(b"%PDF")
    written = {p.stem for p in built.data.glob("*.csv")}
    assert written == set(QUERIES)
    for path in built.data.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header, path
    manifest = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2025-11"
    assert manifest["previous_period"] == "2025-10"
    assert manifest["content_hash"] == built.content_hash
    assert manifest["simulated"] is True


def test_the_html_has_every_section_its_charts_and_opens_offline(market: Market) -> None:
    html = market.report.html.read_text(encoding="utf-8")
    for key in (*SECTIONS, "appendix"):
        assert f'<section id="{key}">' in html
    assert "echarts.init" in html and 'id="options-top_works"' in html
    # Self-contained: apart from the inlined ECharts bundle, nothing refers to a URL.
    before, _, rest = html.partition('<script id="echarts-bundle">')
    after = rest.partition("</script>")[2]
    assert rest, "the ECharts bundle is inlined"
    for part in (before, after):
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=", part)
        assert "http://" not in part and "https://" not in part
    assert "模拟数据" in html


def test_five_findings_are_sentences_with_numbers_from_the_data(market: Market) -> None:
    findings = market.report.findings
    assert len(findings) == 5
    assert len(set(findings)) == 5
    assert all(any(ch.isdigit() for ch in f) for f in findings)


def test_a_different_period_gives_different_sentences(market: Market) -> None:
    october = market.build("october", period="2025-10", lang="zh")
    assert october.findings != market.report.findings


def test_the_same_data_and_period_give_the_same_report(market: Market) -> None:
    again = market.build("again", lang="zh", built_at=datetime(2027, 5, 6, 7, 8))
    assert again.content_hash == market.report.content_hash
    for path in market.report.data.glob("*.csv"):
        assert (again.data / path.name).read_bytes() == path.read_bytes()
    first = market.report.html.read_text(encoding="utf-8")
    second = again.html.read_text(encoding="utf-8")
    assert first != second  # the build time differs …
    assert first.replace("2026-01-02 03:04 UTC", "T") == second.replace("2027-05-06 07:08 UTC", "T")


def test_an_english_report_is_written_in_english(market: Market) -> None:
    english = market.build("en", lang="en")
    html = english.html.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "Top works by Star Index" in html
    assert english.findings and all(f.isascii() or "“" in f for f in english.findings)


def test_a_city_scope_covers_only_that_citys_works(market: Market) -> None:
    with market.sessions() as session:
        from sqlalchemy import func, select

        from microdrama.catalog.models import City, Work

        city, count = session.execute(
            select(City.name, func.count(Work.id))
            .join(Work, Work.city_id == City.id)
            .group_by(City.name)
            .order_by(func.count(Work.id).desc())
        ).first()  # type: ignore[misc]
    scoped = market.build("city", scope=f"city:{city}")
    with (scoped.data / "coverage.csv").open(encoding="utf-8") as handle:
        coverage = next(csv.DictReader(handle))
    assert int(coverage["works_in_scope"]) == count
    assert f"city:{city}" in scoped.html.read_text(encoding="utf-8")


def test_a_scope_that_names_nothing_is_refused_clearly(market: Market) -> None:
    with pytest.raises(NotFoundError, match="no city '火星'"):
        market.build("mars", scope="city:火星")
    with pytest.raises(ScopeError, match="city:NAME"):
        market.build("bad", scope="planet:mars")
    with pytest.raises(ReportError, match="language"):
        market.build("fr", lang="fr")


def test_a_period_without_data_is_refused(market: Market) -> None:
    with pytest.raises(ReportError, match="no daily metrics for 2024-01"):
        market.build("empty", period="2024-01", compute_missing=False)


def test_the_pdf_embeds_its_fonts_and_carries_the_notice(market: Market) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(market.report.pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
    words = subprocess.run(
        ["pdftotext", str(market.report.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "模拟数据" in words
    assert "2025-11" in words
