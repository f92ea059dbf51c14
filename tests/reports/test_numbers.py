"""Numbers in a report recomputed independently from the database and the Delta files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest
from deltalake import DeltaTable
from sqlalchemy import func, select

from microdrama.catalog.models import Company, Work, WorkCompany
from microdrama.index.models import IndexFlag, IndexResult, IndexRun
from microdrama.lake import metrics as lake
from microdrama.review.models import ExpertReview
from tests.reports.conftest import Market

START, END = date(2025, 11, 1), date(2025, 11, 30)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _duck(market: Market, sql: str) -> list[tuple[object, ...]]:
    files = DeltaTable(lake.metrics_uri(market.settings.resolved_lake_uri)).file_uris()
    connection = duckdb.connect()
    connection.execute("CREATE TABLE daily AS SELECT * FROM read_parquet($files)", {"files": files})
    return connection.execute(sql, {"start": START, "end": END}).fetchall()


def test_total_plays_and_revenue_match_a_plain_sum_over_the_files(market: Market) -> None:
    totals = {r["metric"]: float(r["current"]) for r in _rows(market.report.data, "market_totals")}
    plays, recharge, ad = _duck(
        market,
        "SELECT sum(plays), sum(recharge_fen), sum(ad_revenue_fen) FROM daily "
        "WHERE date BETWEEN $start AND $end",
    )[0]
    assert totals["plays"] == plays
    assert totals["recharge_fen"] == recharge
    assert totals["ad_revenue_fen"] == ad


def test_new_works_match_a_count_of_release_dates(market: Market) -> None:
    totals = {r["metric"]: float(r["current"]) for r in _rows(market.report.data, "market_totals")}
    with market.sessions() as session:
        count = session.scalar(
            select(func.count(Work.id)).where(Work.release_date.between(START, END))
        )
    assert totals["new_works"] == count


def test_the_top_three_company_share_matches_sql_and_duckdb(market: Market) -> None:
    with market.sessions() as session:
        producers = dict(
            session.execute(
                select(Work.external_id, func.min(Company.name))
                .join(WorkCompany, WorkCompany.work_id == Work.id)
                .join(Company, Company.id == WorkCompany.company_id)
                .where(WorkCompany.role == "producer")
                .group_by(Work.external_id)
            ).all()
        )
    per_work = _duck(
        market,
        "SELECT work_id, sum(plays) FROM daily WHERE date BETWEEN $start AND $end "
        "GROUP BY work_id HAVING sum(plays) > 0",
    )
    by_company: dict[str, float] = {}
    for work_id, plays in per_work:
        company = producers.get(str(work_id))
        if company:
            by_company[company] = by_company.get(company, 0.0) + float(plays)  # type: ignore[arg-type]
    shares = sorted((v / sum(by_company.values()) for v in by_company.values()), reverse=True)
    row = next(r for r in _rows(market.report.data, "concentration") if r["level"] == "company")
    assert float(row["top3_share"]) == pytest.approx(sum(shares[:3]), abs=1e-6)
    assert float(row["hhi"]) == pytest.approx(sum((s * 100) ** 2 for s in shares), abs=1e-3)


def test_the_leader_and_the_flagged_traffic_match_the_stored_index(market: Market) -> None:
    with market.sessions() as session:
        run_id = session.scalar(select(func.max(IndexRun.id)).where(IndexRun.period == "2025-11"))
        leader = session.scalar(
            select(Work.external_id)
            .join(IndexResult, IndexResult.work_id == Work.id)
            .where(IndexResult.run_id == run_id, IndexResult.rank == 1)
        )
        flagged = session.scalar(
            select(func.sum(IndexFlag.plays - IndexFlag.effective_plays)).where(
                IndexFlag.run_id == run_id, IndexFlag.plays > IndexFlag.effective_plays
            )
        )
        reviews = session.scalar(
            select(func.count(ExpertReview.id)).where(ExpertReview.reviewed_on <= END)
        )
    top = _rows(market.report.data, "top_works")
    assert top[0]["work_id"] == leader and top[0]["rank"] == "1"
    discounted = sum(
        float(r["discounted_plays"]) for r in _rows(market.report.data, "integrity_platforms")
    )
    assert discounted == pytest.approx(float(flagged or 0.0), rel=1e-9)
    assert int(_rows(market.report.data, "experts")[0]["reviews"]) == reviews


def test_the_sentences_quote_the_numbers_of_the_queries(market: Market) -> None:
    html = market.report.html.read_text(encoding="utf-8")
    top = _rows(market.report.data, "top_works")[0]
    assert f"{float(top['score']):.1f}" in html
    assert top["title"] in html
