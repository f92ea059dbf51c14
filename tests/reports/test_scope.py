"""Scoped reports name what they cover and say which works count."""

from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import func, select

from microdrama.catalog.models import Company, WorkCompany
from tests.reports.conftest import Market


def _header(html: str) -> str:
    header = html.partition("<header>")[2].partition("</header>")[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", header)))


def test_a_company_scope_names_the_company_and_the_credits_that_count(market: Market) -> None:
    with market.sessions() as session:
        company_id, name = session.execute(
            select(Company.id, Company.name)
            .join(WorkCompany, WorkCompany.company_id == Company.id)
            .group_by(Company.id, Company.name)
            .order_by(func.count().desc(), Company.id)
        ).first()  # type: ignore[misc]
    scoped = market.build("company", scope=f"company:{company_id}", lang="en")
    header = _header(scoped.html.read_text(encoding="utf-8"))
    assert f"Scope: {name}" in header
    assert f"works where {name} is producer, publisher or distributor" in header
    assert f"company:{company_id}" not in header
    manifest = json.loads((scoped.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scope"] == f"company:{company_id}" and manifest["scope_name"] == name


def test_a_genre_scope_names_the_genre_and_counts_any_of_its_tags(market: Market) -> None:
    scoped = market.build("genre", scope="genre:sweet_romance", lang="en")
    header = _header(scoped.html.read_text(encoding="utf-8"))
    assert "Scope: Sweet romance" in header
    assert "works tagged Sweet romance, as any of their genres" in header
    assert "sweet_romance" not in header
