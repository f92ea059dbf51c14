"""How the report reads: Chinese spacing, truncated lists say so, flagged genres all listed."""

from __future__ import annotations

import csv
import re
from html import unescape

from tests.reports.conftest import Market

HAN_NEXT_TO_LATIN = re.compile(r"[\u3400-\u9fff][A-Za-z]|[A-Za-z][\u3400-\u9fff]")


def test_chinese_sentences_put_a_space_around_latin_words(market: Market) -> None:
    html = market.report.html.read_text(encoding="utf-8")
    sentences = [
        unescape(re.sub(r"<[^>]+>", "", s))
        for s in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", html, flags=re.S)
    ]
    assert any(re.search(r"[A-Za-z]", s) for s in sentences)  # platform names, HHI, α …
    assert [s for s in sentences if HAN_NEXT_TO_LATIN.search(s)] == []
    assert all(not HAN_NEXT_TO_LATIN.search(f) for f in market.report.findings)


def test_every_genre_with_flagged_traffic_is_listed_and_no_other(market: Market) -> None:
    with (market.report.data / "integrity_genres.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    flagged = [r for r in rows if int(r["flagged_days"]) > 0]
    assert flagged and len(flagged) < len(rows)
    # Sorted by flagged volume: every flagged genre comes before every unflagged one.
    assert rows[: len(flagged)] == flagged
    html = market.report.html.read_text(encoding="utf-8")
    table = html.partition('<table data-source="integrity_genres">')[2].partition("</table>")[0]
    assert table.count("<tr>") - 1 == len(flagged)  # the header row besides


def test_a_chart_or_table_that_shows_only_the_first_rows_says_so(market: Market) -> None:
    english = market.build("top-n", lang="en", compute_missing=False)
    html = english.html.read_text(encoding="utf-8")
    with (english.data / "genres.csv").open(encoding="utf-8") as handle:
        genres = sum(1 for _ in csv.DictReader(handle))
    with (english.data / "coverage.csv").open(encoding="utf-8") as handle:
        ranked = int(next(csv.DictReader(handle))["works_ranked"])
    assert genres > 12
    assert f"Share of plays by genre (top 12 of {genres})" in html
    assert f"Star Index score with 90% interval (top 20 of {ranked})" in html
