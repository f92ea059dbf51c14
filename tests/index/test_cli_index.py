"""`microdrama index` as a user reads it: which run, why works are missing, filters, exports."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from microdrama.cli import app
from microdrama.cli.runtime import runtime

CODE = "91110000600037341L"  # a valid unified social credit code
LONG_ID = "XINGHE-2025-000001"  # longer than a narrow table would like

# id, title, genre, platform, producer, city, model, first and last day of data
WORKS = [
    (
        LONG_ID,
        "稳定的幸福生活之长长长长长的剧名",
        "都市",
        "星河短剧",
        "西安星河影视文化有限公司",
        "西安",
        "IAP",
    ),
    ("T02", "真爆款：逆袭人生", "逆袭", "星河短剧", "西安星河影视文化有限公司", "西安", "IAP"),
    ("T03", "霸总的小娇妻", "霸总", "星河短剧", "西安星河影视文化有限公司", "西安", "IAA"),
    ("T04", '爱, 就在"今天"', "甜宠", "星河短剧", "西安星河影视文化有限公司", "西安", "IAP"),
    ("T05", "普通的剧甲", "家庭", "星河短剧", "西安晨阳文化传媒有限公司", "西安", "IAA"),
    ("T06", "普通的剧乙", "悬疑", "星河短剧", "西安晨光影视有限公司", "南京", "hybrid"),
    ("T07", "海外爆款", "古装", "ReelShort", "西安晨光影视有限公司", "南京", "IAA"),
    ("T08", "普通的剧丙", "都市", "星河短剧", "西安晨阳文化传媒有限公司", "西安", "IAP"),
    ("T09", "三天就下架", "重生", "星河短剧", "西安晨阳文化传媒有限公司", "西安", "IAA"),
    ("T10", "十月新剧", "萌宝", "星河短剧", "西安晨阳文化传媒有限公司", "西安", "IAP"),
]
DAYS = {
    "T09": (date(2025, 10, 26), date(2025, 10, 27)),  # 2 days in October, 1 in 2025-W43
    "T10": (date(2025, 10, 10), date(2025, 10, 31)),  # new in October
}


def _write_inputs(folder: Path) -> dict[str, Path]:
    works = folder / "works.csv"
    with works.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["作品ID", "剧名", "题材", "集数", "上线日期", "平台", "出品方", "城市"]
            + ["变现模式", "统一社会信用代码"]
        )
        for wid, title, genre, platform, producer, city, model in WORKS:
            code = CODE if producer.startswith("西安星河") else ""
            out.writerow(
                [wid, title, genre, 60, "2025-08-20", platform, producer, city, model, code]
            )
    metrics = folder / "metrics.csv"
    with metrics.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["作品ID", "平台", "日期", "播放量", "观看人数", "完播率", "点赞", "充值金额（元）"]
        )
        for n, (wid, _title, _genre, platform, *_) in enumerate(WORKS):
            first, last = DAYS.get(wid, (date(2025, 9, 1), date(2025, 10, 31)))
            day = first
            while day <= last:
                plays = 20_000 * (n + 1) + 997 * ((day.toordinal() * (n + 3)) % 17)
                out.writerow(
                    [wid, platform, day.isoformat(), plays, plays // 2, 0.3 + n / 100]
                    + [plays // 30, round(plays * 0.012, 2)]
                )
                day += timedelta(days=1)
    reviews = folder / "reviews.csv"
    with reviews.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["work_id", "expert_id", "values", "artistry", "production", "innovation"]
            + ["reviewed_on"]
        )
        for expert, offset in (("X1", 1), ("X2", 0), ("X3", -1)):
            for wid, quality in ((LONG_ID, 7), ("T02", 8), ("T03", 5), ("T04", 6)):
                q = quality + offset
                out.writerow([wid, expert, q, q, quality, quality, "2025-10-20"])
    return {"works": works, "metrics": metrics, "reviews": reviews}


class Cli:
    """The real command line, in process, on one data folder."""

    def __init__(self, data: Path) -> None:
        self.data = data

    def __call__(self, *args: str) -> Result:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MICRODRAMA_DATA_DIR", str(self.data))
            patch.delenv("MICRODRAMA_DATABASE_URL", raising=False)
            runtime.cache_clear()
            try:
                return CliRunner().invoke(app, list(args))
            finally:
                runtime().engine.dispose()
                runtime.cache_clear()

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Imported inputs; runs 2025-09, 2025-10 (published), 2025-10 as of 10-15 (draft)."""
    folder = tmp_path_factory.mktemp("indexcli")
    cli = Cli(folder / "var")
    for kind, path in _write_inputs(folder).items():
        cli.ok("import", kind, str(path))
    cli.ok("index", "compute", "--period", "2025-09")
    cli.ok("index", "compute", "--period", "2025-10", "--publish")
    cli.ok("index", "compute", "--period", "2025-10", "--as-of", "2025-10-15")
    return folder / "var"


@pytest.fixture
def cli(prepared: Path, tmp_path: Path) -> Iterator[Cli]:
    """The command line on a copy of the prepared data (tests may compute more runs)."""
    shutil.copytree(prepared, tmp_path / "var")
    yield Cli(tmp_path / "var")


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


# A. Which run


def test_rank_shows_the_published_run_and_says_a_cut_off_draft_exists(cli: Cli) -> None:
    shown = flat(cli.ok("index", "rank", "--period", "2025-10").stdout)
    assert "run #2 (published) · 2025-10-01 – 2025-10-31 · method star-" in shown
    assert "also has run #3 (draft, 2025-10-01 – 2025-10-15, data as of 2025-10-15)" in shown
    assert "--run ID" in shown


def test_a_run_is_picked_by_id_and_its_as_of_date_is_in_the_header(cli: Cli) -> None:
    shown = flat(cli.ok("index", "rank", "--run", "3").stdout)
    assert "run #3 (draft) · 2025-10-01 – 2025-10-15, data as of 2025-10-15" in shown
    assert "2025-10 also has run #2 (published" in shown
    wrong = cli("index", "rank", "--run", "3", "--period", "2025-09")
    assert wrong.exit_code == 1 and "is of period 2025-10" in flat(wrong.stderr)
    assert cli("index", "rank").exit_code == 2


def test_without_a_published_run_the_newest_is_shown_and_named_as_such(cli: Cli) -> None:
    cli.ok("index", "compute", "--period", "2025-09", "--as-of", "2025-09-20")
    shown = flat(cli.ok("index", "rank", "--period", "2025-09").stdout)
    assert "showing run #4, the newest run (none is published) of 2025-09" in shown


def test_json_and_csv_rows_carry_the_run_they_come_from(cli: Cli) -> None:
    rows = json.loads(cli.ok("index", "rank", "--run", "3", "--format", "json").stdout)
    assert {(r["run_id"], r["data_to"], r["as_of"], r["period"]) for r in rows} == {
        (3, "2025-10-15", "2025-10-15", "2025-10")
    }
    assert all(str(r["method_version"]).startswith("star-") for r in rows)
    table = cli.ok("index", "rank", "--period", "2025-10", "--format", "csv").stdout
    first = next(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    assert (first["run_id"], first["data_from"], first["as_of"]) == ("2", "2025-10-01", "")


def test_explain_and_experts_read_the_run_asked_for(cli: Cli) -> None:
    detail = json.loads(cli.ok("index", "explain", "T02", "--run", "3", "--format", "json").stdout)
    assert (detail["run_id"], detail["data_to"], detail["as_of"]) == (3, "2025-10-15", "2025-10-15")
    shown = flat(cli.ok("index", "experts", "--run", "2").stdout)
    assert "expert panel 2025-10 · run #2 (published)" in shown and "X1" in shown


# B. Works not ranked


def test_compute_counts_the_works_it_could_not_rank_and_why(cli: Cli) -> None:
    said = flat(cli.ok("index", "compute", "--period", "2025-10").stdout)
    assert "9 works ranked" in said
    assert "1 work not ranked: 1 with fewer than 3 days of data" in said


def test_a_week_says_which_works_had_too_few_days(cli: Cli) -> None:
    said = flat(cli.ok("index", "compute", "--period", "2025-W43").stdout)
    assert "1 work not ranked: 1 with fewer than 3 days of data" in said
    shown = flat(cli.ok("index", "rank", "--period", "2025-W43", "--genre", "重生").stdout)
    assert "no ranked work in run #4 (2025-W43) matching genre rebirth" in shown
    assert "1 work not ranked: 1 with fewer than 3 days of data" in shown


def test_the_rank_table_ends_with_the_works_not_ranked(cli: Cli) -> None:
    shown = flat(cli.ok("index", "rank", "--period", "2025-10").stdout)
    assert "1 work not ranked: 1 with fewer than 3 days of data" in shown
    assert "index explain" in shown


def test_include_ineligible_lists_them_with_their_reason(cli: Cli) -> None:
    rows = json.loads(
        cli.ok(
            "index", "rank", "--period", "2025-10", "--format", "json", "--include-ineligible"
        ).stdout
    )
    missing = [r for r in rows if not r["eligible"]]
    assert [(r["work_id"], r["rank"]) for r in missing] == [("T09", None)]
    assert missing[0]["ineligible_reason"].startswith("2 days of data")
    table = flat(cli.ok("index", "rank", "--period", "2025-10", "--include-ineligible").stdout)
    assert "T09" in table and "三天就下架" in table


# C. Filters


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--genre", "甜宠", {"T04"}),
        ("--genre", "Sweet romance", {"T04"}),
        ("--genre", "sweet_romance", {"T04"}),
        ("--city", "Xi'an", {LONG_ID, "T02", "T03", "T04", "T05", "T08", "T10"}),
        ("--city", "xian", {LONG_ID, "T02", "T03", "T04", "T05", "T08", "T10"}),
        ("--city", "Nanjing", {"T06", "T07"}),
        ("--platform", "reelshort", {"T07"}),
        ("--model", "hybrid", {"T06"}),
        ("--model", "iap", {LONG_ID, "T02", "T04", "T08", "T10"}),
        ("--company", CODE.lower(), {LONG_ID, "T02", "T03", "T04"}),
        ("--company", "晨阳", {"T05", "T08", "T10"}),
        ("--company", "1", {LONG_ID, "T02", "T03", "T04"}),
    ],
)
def test_filters_accept_what_people_type(
    cli: Cli, option: str, value: str, expected: set[str]
) -> None:
    result = cli.ok("index", "rank", "--period", "2025-10", option, value, "--format", "json")
    assert {row["work_id"] for row in json.loads(result.stdout)} == expected


@pytest.mark.parametrize(
    ("option", "value", "choices"),
    [
        ("--genre", "科幻", "sweet_romance (甜宠, Sweet romance)"),
        ("--city", "北京", "西安 (Xi'an)"),
        ("--platform", "NoSuch", "ReelShort, 星河短剧"),
        ("--model", "subscription", "IAP (付费, In-app purchase)"),
        ("--company", "不存在的公司", "西安星河影视文化有限公司 (id 1, " + CODE + ")"),
        ("--company", "西安晨", "西安晨光影视有限公司"),
    ],
)
def test_an_unknown_filter_value_exits_2_listing_the_choices(
    cli: Cli, option: str, value: str, choices: str
) -> None:
    result = cli("index", "rank", "--period", "2025-10", option, value)
    assert result.exit_code == 2 and result.stdout == ""
    assert choices in flat(result.stderr)


def test_a_valid_filter_without_ranked_works_says_so(cli: Cli) -> None:
    shown = flat(cli.ok("index", "rank", "--period", "2025-10", "--genre", "rebirth").stdout)
    assert "no ranked work in run #2 (2025-10) matching genre rebirth" in shown
    assert "1 work not ranked" in shown  # T09, the only rebirth work, has too few days


# D. Experts


def test_experts_of_a_period_without_reviews_say_so(cli: Cli) -> None:
    shown = flat(cli.ok("index", "experts", "--period", "2025-09").stdout)
    assert "no expert reviews in this period" in shown and "None" not in shown


def test_leniency_near_zero_prints_without_a_sign() -> None:
    from microdrama.cli.index_output import signed as _signed

    assert [_signed(v) for v in (-0.001, 0.0, 0.004, 0.4, -0.44)] == [
        "0.00",
        "0.00",
        "0.00",
        "+0.40",
        "-0.44",
    ]


# E. Details


def test_explain_accepts_only_table_and_json(cli: Cli) -> None:
    assert cli("index", "explain", "T02", "--period", "2025-10", "--format", "csv").exit_code == 2


def test_explain_writes_numbers_alike_and_money_in_yuan(cli: Cli) -> None:
    shown = flat(cli.ok("index", "explain", "T02", "--period", "2025-10").stdout)
    raw = shown[shown.index("raw: ") :]
    assert "plays=" in raw and "revenue_yuan=" in raw and "revenue_fen" not in raw
    plays = raw.split("plays=")[1].split(",")[0]
    assert len(plays) <= 3  # thousands separated: 1,234,567 not 1234567
    assert "cohort: all platforms, all release months" in shown


def test_cohorts_read_as_words() -> None:
    from microdrama.index.ranking import cohort_label

    assert cohort_label("星河短剧|all") == "星河短剧, all release months"
    assert cohort_label("抖音|2025-05") == "抖音, released 2025-05"
    assert cohort_label("all|2025-05") == "all platforms, released 2025-05"


def test_a_reason_of_one_day_is_singular(cli: Cli) -> None:
    cli.ok("index", "compute", "--period", "2025-W43")
    shown = flat(cli.ok("index", "explain", "T09", "--period", "2025-W43").stdout)
    assert "not ranked: 1 day of data" in shown and "1 days" not in shown
    assert "day(s)" not in shown


def test_scores_are_rounded_once_and_alike_in_rank_and_explain(cli: Cli) -> None:
    rows = json.loads(cli.ok("index", "rank", "--period", "2025-10", "--format", "json").stdout)
    for row in rows[:5]:
        detail = json.loads(
            cli.ok("index", "explain", str(row["work_id"]), "--run", "2", "--format", "json").stdout
        )
        low, high = detail["score_interval"]
        assert (row["score"], row["score_low"], row["score_high"]) == (
            round(detail["score"], 1),
            round(low, 1),
            round(high, 1),
        )


def test_the_rank_table_never_cuts_a_work_id_at_80_columns(cli: Cli) -> None:
    shown = cli.ok("index", "rank", "--period", "2025-10").stdout
    assert LONG_ID in shown and max(len(line) for line in shown.splitlines()) <= 80


def test_a_work_new_this_period_is_said_to_be_new(cli: Cli) -> None:
    shown = flat(cli.ok("index", "explain", "T10", "--period", "2025-10").stdout)
    assert "new this period: no data in 2025-09" in shown
    moved = flat(cli.ok("index", "explain", "T02", "--period", "2025-10").stdout)
    assert "since 2025-09 (rank" in moved


def test_csv_opens_in_excel_with_chinese_titles_and_plain_booleans(cli: Cli) -> None:
    out = cli.ok("index", "rank", "--period", "2025-10", "--format", "csv").stdout
    assert out.startswith("\ufeffrank,")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert {r["data_only"] for r in rows} <= {
        "true",
        "false",
    } and "稳定的幸福生活之长长长长长的剧名" in out
