"""Imports end to end on the real database and lake: atomic, idempotent, every error reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import Company, ImportRecord, Platform, Work, WorkCompany, WorkStats
from microdrama.config import Settings
from microdrama.ingest.service import import_file
from microdrama.lake import metrics as lake
from microdrama.review.models import ExpertReview

WORKS_ZH = (
    "作品ID,剧名,英文名,题材,集数,单集时长,上线日期,平台,出品方,城市,变现模式,付费卡点,"
    "单集价格,备案号,投资规模,统一社会信用代码\n"
    "W1,闪婚后霸总天天宠我,Flash Marriage,霸总|甜宠,80,1.5,2025/10/1,红果短剧,"
    "西安星河影视文化有限公司,西安,付费,10,0.90,"
    "(陕)网剧审字(2025)第001号,普通,91110000600037341L\n"
    "W2,重生之我在南京当首富,,重生、逆袭,60,2,2025年9月15日,抖音|微信小程序,南京青柠传媒有限公司,南京,IAA,,,,其他,\n"
)
METRICS = (
    "work_id,platform,date,plays,viewers,watch_minutes,completion_rate,likes,comments,shares,favorites,recharge_yuan,ad_revenue_yuan,ad_spend_yuan\n"
    'W1,红果短剧,2025-10-01,"1,234",500,1800.5,41%,30,2,1,9,1.2万,,\n'
    'W1,红果短剧,2025-10-02,1.5万,4000,,0.38,120,8,5,30,"12,345.67",0,3000\n'
    "W2,抖音,2025-10-02,3.5亿,1亿,,,,,,,,888.80,\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(session: Session, settings: Settings, kind: str, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return import_file(session, settings=settings, kind=kind, path=path, **kw)  # type: ignore[arg-type]


def test_a_gbk_works_file_with_chinese_headers_imports_and_creates_what_it_names(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    report = run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH, "gbk"))
    assert report.ok, report.errors
    assert report.encoding == "gb18030"
    assert (report.inserted, report.updated) == (2, 0)
    assert sorted(report.created["platforms"]) == sorted(["红果短剧", "抖音", "微信小程序"])
    assert sorted(report.created["cities"]) == ["南京", "西安"]
    work = session.execute(select(Work).where(Work.external_id == "W1")).scalar_one()
    assert work.model == "IAP" and work.investment_tier == "ordinary"
    assert work.price_per_episode_fen == 90 and work.price_per_episode_yuan == "0.90"
    assert [g.genre for g in work.genres] == ["ceo", "sweet_romance"]
    assert str(work.release_date) == "2025-10-01"
    producer = session.execute(select(Company).where(Company.name.like("西安%"))).scalar_one()
    assert producer.credit_code == "91110000600037341L"
    w2 = session.execute(select(Work).where(Work.external_id == "W2")).scalar_one()
    assert [p.platform.name for p in w2.platforms] == ["抖音", "微信小程序"]
    assert w2.price_per_episode_fen is None and w2.paywall_episode is None


def test_a_file_with_bad_rows_is_rejected_whole_with_every_error_listed(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    bad = (
        "work_id,title,genres,episodes,release_date,model,paywall_episode,producer,producer_credit_code\n"
        "W1,好剧,甜宠,80,2025-10-01,IAP,10,甲公司,91110000600037341L\n"
        "W2,,甜宠,80,2025-10-01,IAP,10,,\n"
        "W3,坏剧,科幻爱情,八十,2025-02-30,订阅,90,乙公司,91110000600037341X\n"
        "W1,重复,甜宠,80,2025-10-01,IAP,10,,\n"
    )
    report = run(session, settings, "works", write(tmp_path / "bad.csv", bad))
    assert not report.ok and not report.committed
    located = {(e.row, e.column) for e in report.errors}
    assert (3, "title") in located
    assert {
        (4, "genres"),
        (4, "episodes"),
        (4, "release_date"),
        (4, "model"),
        (4, "producer_credit_code"),
    } <= located
    assert (5, "work_id") in located
    assert report.invalid_rows == 3
    genre_error = next(e for e in report.errors if e.column == "genres")
    assert "科幻爱情" in genre_error.reason and genre_error.value == "科幻爱情"
    assert session.execute(select(func.count()).select_from(Work)).scalar_one() == 0
    audit = session.execute(select(ImportRecord)).scalar_one()
    assert audit.status == "rejected" and audit.invalid_rows == 3


def test_a_missing_required_column_is_named(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    report = run(
        session,
        settings,
        "metrics",
        write(tmp_path / "m.csv", "work_id,date,plays\nW1,2025-10-01,5\n"),
    )
    assert not report.ok
    assert any(e.column == "platform" and "missing" in e.reason for e in report.errors)


def test_reimporting_the_same_works_file_is_idempotent(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write(tmp_path / "works.csv", WORKS_ZH)
    run(session, settings, "works", path)
    again = run(session, settings, "works", path)
    assert (again.inserted, again.updated) == (0, 2)
    assert session.execute(select(func.count()).select_from(Work)).scalar_one() == 2
    assert session.execute(select(func.count()).select_from(WorkCompany)).scalar_one() == 2
    assert session.execute(select(func.count()).select_from(Platform)).scalar_one() == 3
    records = session.execute(select(ImportRecord).order_by(ImportRecord.id)).scalars().all()
    assert [r.status for r in records] == ["committed", "committed"]
    assert records[0].file_sha256 == records[1].file_sha256 and records[0].user == "cli"


def test_metrics_parse_units_rates_and_blanks_and_merge_on_reimport(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    first = run(session, settings, "metrics", write(tmp_path / "m.csv", METRICS))
    assert first.ok, first.errors
    assert (first.inserted, first.lake_version) == (3, 0)
    uri = lake.metrics_uri(settings.resolved_lake_uri)
    rows = lake.scan(uri).sort("work_id", "date").collect()
    w1 = rows.filter(pl.col("work_id") == "W1")
    assert w1["plays"].to_list() == [1234, 15000]
    assert w1["completion_rate"].to_list() == [0.41, 0.38]
    assert w1["recharge_fen"].to_list() == [1_200_000, 1_234_567]
    assert w1["ad_revenue_fen"].to_list() == [None, 0]  # blank is unknown, 0 is zero
    assert w1["watch_minutes"].to_list()[1] is None
    w2 = rows.filter(pl.col("work_id") == "W2")
    assert w2["plays"].item() == 350_000_000 and w2["viewers"].item() == 100_000_000
    assert w2["ad_revenue_fen"].item() == 88_880
    changed = METRICS.replace("1.5万,4000", "2万,4100") + "W2,抖音,2025-10-03,5,1,,,,,,,,,\n"
    second = run(session, settings, "metrics", write(tmp_path / "m2.csv", changed))
    assert (second.inserted, second.updated, second.lake_version) == (1, 3, 1)
    rows = lake.scan(uri).collect()
    assert rows.height == 4
    assert rows.filter((pl.col("work_id") == "W1") & (pl.col("plays") == 20000)).height == 1
    assert lake.scan(uri, version=0).collect().height == 3  # the earlier version stays readable
    stats = session.execute(
        select(WorkStats).join(Work).where(Work.external_id == "W1")
    ).scalar_one()
    assert stats.plays == 1234 + 20000 and stats.lake_version == 1


def test_metrics_of_an_unknown_work_are_errors_of_their_rows(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    text = "作品ID,平台,日期,播放量\nW1,抖音,2025-10-01,5\nW9,抖音,2025-10-01,5\n"
    report = run(session, settings, "metrics", write(tmp_path / "m.csv", text))
    assert [(e.row, e.column) for e in report.errors] == [(3, "work_id")]
    assert "import the works file first" in report.errors[0].reason
    assert lake.current_version(lake.metrics_uri(settings.resolved_lake_uri)) is None


def test_duplicate_keys_within_a_metrics_file_are_rejected(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    text = "work_id,platform,date,plays\nW1,抖音,2025-10-01,5\nW1,抖音,2025/10/1,6\n"
    report = run(session, settings, "metrics", write(tmp_path / "m.csv", text))
    assert [(e.row, "duplicate of row 2" in e.reason) for e in report.errors] == [(3, True)]


def test_a_dry_run_validates_and_writes_nothing(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    report = run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH), dry_run=True)
    assert report.ok and report.rows_read == 2 and not report.committed
    assert session.execute(select(func.count()).select_from(Work)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(ImportRecord)).scalar_one() == 0


def test_an_xlsx_metrics_export_with_excel_date_cells_imports(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from datetime import datetime

    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("数据")
    date_format = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, ["2025年10月短剧数据"])
    sheet.write_row(1, 0, ["作品ID", "平台", "日期", "播放量", "完播率", "充值金额（元）"])
    sheet.write_row(2, 0, ["W1", "红果短剧"])
    sheet.write_datetime(2, 2, datetime(2025, 10, 5), date_format)
    sheet.write_number(2, 3, 120000)
    sheet.write_string(2, 4, "35%")
    sheet.write_number(2, 5, 1999.9)
    book.close()
    report = run(session, settings, "metrics", path)
    assert report.ok, report.errors
    row = lake.scan(lake.metrics_uri(settings.resolved_lake_uri)).collect().row(0, named=True)
    assert (str(row["date"]), row["plays"], row["completion_rate"], row["recharge_fen"]) == (
        "2025-10-05",
        120000,
        0.35,
        199_990,
    )


def test_ratings_and_reviews_upsert_on_their_natural_keys(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    ratings = write(
        tmp_path / "r.jsonl",
        '{"work_id": "W1", "platform": "红果短剧", "score": 8.7, "votes": "1.2万"}\n',
    )
    assert run(session, settings, "ratings", ratings).inserted == 1
    reviews = (
        "作品ID,专家ID,思想性,艺术性,制作水准,创新性,评语,评审日期\n"
        "W1,E01,8,7,6,9,节奏紧凑,2025-11-20\n"
        "W1,E02,6,6,5,7,,2025-11-21\n"
    )
    path = write(tmp_path / "reviews.csv", reviews)
    first = run(session, settings, "reviews", path)
    assert (first.inserted, first.created["experts"]) == (2, ["E01", "E02"])
    again = run(
        session,
        settings,
        "reviews",
        write(tmp_path / "r2.csv", reviews.replace("8,7,6,9", "9,7,6,9")),
    )
    assert (again.inserted, again.updated) == (0, 2)
    scores = (
        session.execute(select(ExpertReview.values).order_by(ExpertReview.values)).scalars().all()
    )
    assert scores == [6.0, 9.0]


def test_a_changed_rating_keeps_what_the_import_before_said_and_a_reimport_keeps_it(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from microdrama.catalog.models import AudienceRating

    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))

    def rate(score: float, votes: int) -> tuple[float, int, float | None, int | None]:
        line = f'{{"work_id": "W1", "platform": "红果短剧", "score": {score}, "votes": {votes}}}\n'
        run(session, settings, "ratings", write(tmp_path / f"r{score}{votes}.jsonl", line))
        row = session.execute(select(AudienceRating)).scalar_one()
        session.refresh(row)
        return row.score, row.votes, row.previous_score, row.previous_votes

    assert rate(7.1, 1000) == (7.1, 1000, None, None)
    assert rate(9.4, 4000) == (9.4, 4000, 7.1, 1000)
    # The same file again: the jump is still there to see.
    assert rate(9.4, 4000) == (9.4, 4000, 7.1, 1000)


def test_review_scores_outside_one_to_ten_are_rejected(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    text = (
        "work_id,expert_id,values,artistry,production,innovation,reviewed_on\n"
        "W1,E1,11,0,5,5,2025-11-01\n"
    )
    report = run(session, settings, "reviews", write(tmp_path / "r.csv", text))
    assert sorted(e.column for e in report.errors) == ["artistry", "values"]


@pytest.mark.parametrize("kind", ["works"])
def test_a_file_that_does_not_exist_is_a_clear_error(
    session: Session, settings: Settings, tmp_path: Path, kind: str
) -> None:
    from microdrama.errors import ReadError

    with pytest.raises(ReadError, match="no such file"):
        run(session, settings, kind, tmp_path / "nope.csv")


def test_a_unit_in_a_header_scales_the_column(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    text = (
        "作品ID,平台,日期,播放量（万）,完播率(%),充值金额（万元）,广告收入（元）\n"
        "W1,抖音,2025-10-01,1.5,41.5,0.25,12.5\n"
        "W1,抖音,2025-10-02,2,38%,-,\n"
    )
    report = run(session, settings, "metrics", write(tmp_path / "m.csv", text))
    assert report.ok, report.errors
    rows = lake.scan(lake.metrics_uri(settings.resolved_lake_uri)).sort("date").collect()
    assert rows["plays"].to_list() == [15_000, 20_000]
    assert rows["completion_rate"].to_list() == [0.415, 0.38]
    assert rows["recharge_fen"].to_list() == [250_000, None]
    assert rows["ad_revenue_fen"].to_list() == [1250, None]


def test_a_clean_file_with_one_odd_cell_falls_back_to_exact_parsing(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    rows = "".join(f"W1,抖音,2025-09-{d:02d},{100 + d},12.{d:02d}\n" for d in range(1, 29))
    odd = "work_id,platform,date,plays,recharge_yuan\n" + rows + "W2,抖音,2025-09-01,7,1.015\n"
    report = run(session, settings, "metrics", write(tmp_path / "odd.csv", odd))
    assert report.ok, report.errors
    stored = lake.scan(lake.metrics_uri(settings.resolved_lake_uri)).collect()
    assert stored.filter(pl.col("work_id") == "W2")["recharge_fen"].item() == 102  # half-even
    assert stored.filter(pl.col("work_id") == "W1")["recharge_fen"].sum() == sum(
        1200 + d for d in range(1, 29)
    )
    negative = "work_id,platform,date,plays\n" + "W1,抖音,2025-10-01,5\nW1,抖音,2025-10-02,-3\n"
    rejected = run(session, settings, "metrics", write(tmp_path / "neg.csv", negative))
    assert [(e.row, e.column, e.value) for e in rejected.errors] == [(3, "plays", "-3")]


def test_a_total_row_under_the_data_is_skipped_with_a_warning(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    text = "作品ID,平台,日期,播放量\nW1,抖音,2025-10-01,5\nW2,抖音,2025-10-01,7\n合计,,,12\n"
    report = run(session, settings, "metrics", write(tmp_path / "m.csv", text))
    assert report.ok and report.inserted == 2
    assert report.warnings == ["row 4 is a total row and was skipped"]


def test_a_messy_back_office_export_imports(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    run(session, settings, "works", write(tmp_path / "works.csv", WORKS_ZH))
    path = tmp_path / "后台导出.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.merge_range(0, 0, 0, 5, "短剧投放数据（2025年10月）")
    sheet.write_row(
        2, 0, [" 统计时间 ", "作品ID", "平台名称", "VV", "完播率(%)", "充值流水（万元）"]
    )
    sheet.write_row(3, 0, ["2025-10-01 00:00:00", "W1", "红果短剧", "1,204", "38.5", "0.12"])
    sheet.write_row(4, 0, ["2025/10/2", "W1", "红果短剧", "1.1万", "-", ""])
    sheet.write_row(5, 0, ["合计", "", "", "12,204", "", "0.12"])
    sheet.write_row(5, 1, ["合计"])
    book.close()
    report = run(session, settings, "metrics", path)
    assert report.ok, report.errors
    rows = lake.scan(lake.metrics_uri(settings.resolved_lake_uri)).sort("date").collect()
    assert rows["plays"].to_list() == [1204, 11000]
    assert rows["completion_rate"].to_list() == [0.385, None]
    assert rows["recharge_fen"].to_list() == [120_000, None]
    assert report.warnings == ["row 6 is a total row and was skipped"]


def test_cells_longer_than_their_column_or_holding_nul_are_errors_of_their_rows(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    long_id, long_title = "W" * 65, "长" * 201
    text = (
        "work_id,title,producer,languages\n"
        f"{long_id},好剧,,\n"
        f"W2,{long_title},,\n"
        "W3,好剧,公司\x00名,\n"
        f"W4,好剧,{'司' * 129},\n"
        "W5,好剧,,zh|en|ja|ko|fr|de|es|pt|ru|ar|th|vi|id|ms|tl|hi|bn|ur|tr|fa|he|el\n"
        "W6,好剧,甲公司|乙公司,zh|en\n"
    )
    report = run(session, settings, "works", write(tmp_path / "long.csv", text))
    assert not report.committed
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert reasons[(2, "work_id")] == "longer than 64 characters (65)"
    assert reasons[(3, "title")] == "longer than 200 characters (201)"
    assert reasons[(4, "producer")] == "contains a NUL character"
    assert reasons[(5, "producer")] == "a name is longer than 128 characters"
    assert reasons[(6, "languages")] == "longer than 64 characters in all"
    assert not any(e.row == 7 for e in report.errors)


def test_a_file_whose_reading_outgrows_its_memory_fails_its_import_and_nothing_else(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from microdrama.catalog.models import Work
    from microdrama.errors import LimitExceeded

    works = write(tmp_path / "works.csv", WORKS_ZH)
    # A reader process far smaller than reading any file needs: this import fails alone …
    tight = settings.model_copy(update={"import_memory_mb": 64})
    with pytest.raises(LimitExceeded, match=r"works\.csv: .*64 MB.*nothing was imported"):
        run(session, tight, "works", works)
    assert session.scalar(select(func.count()).select_from(Work)) == 0
    # … and the same process imports it at once with the ordinary limit.
    assert run(session, settings, "works", works).committed
