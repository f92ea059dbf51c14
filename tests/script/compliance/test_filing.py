"""Filing checks: tier against investment, number presence and format, episode lengths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from microdrama.script.compliance.filing import (
    FilingData,
    check_filing,
    parse_filing_number,
    parse_tier,
    tier_for_investment,
)

IN_2025 = date(2025, 3, 1)
IN_2026 = date(2026, 3, 1)


def rules_of(data: FilingData) -> list[tuple[str, str]]:
    return [(issue.rule, issue.severity) for issue in check_filing(data)]


@pytest.mark.parametrize(
    ("name", "tier"),
    [
        ("重点", "key"),
        ("普通微短剧", "ordinary"),
        ("其他", "other"),
        ("KEY", "key"),
        ("三类", "other"),
    ],
)
def test_tier_names_in_chinese_english_and_the_2026_class_names_are_understood(
    name: str, tier: str
) -> None:
    assert parse_tier(name) == tier


def test_an_unknown_tier_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tier"):
        FilingData(tier="特级")


@pytest.mark.parametrize(
    ("yuan", "on", "tier"),
    [
        (1_000_000, IN_2025, "key"),
        (999_999, IN_2025, "ordinary"),
        (300_000, IN_2025, "ordinary"),
        (299_999, IN_2025, "other"),
        (2_000_000, IN_2026, "ordinary"),
        (3_000_000, IN_2026, "key"),
        (999_999, IN_2026, "other"),
        (999_999, None, "other"),
    ],
)
def test_the_tier_follows_the_thresholds_in_force_on_the_day(
    yuan: int, on: date | None, tier: str
) -> None:
    assert tier_for_investment(yuan, on=on) == tier


def test_a_key_drama_without_a_licence_number_is_blocked() -> None:
    assert rules_of(FilingData(investment_yuan=5_000_000)) == [("filing.number-missing", "block")]


def test_an_ordinary_drama_without_a_filing_number_is_blocked() -> None:
    data = FilingData(tier="普通", investment_yuan=500_000, on=IN_2025)
    assert rules_of(data) == [("filing.number-missing", "block")]


def test_an_other_drama_without_a_number_is_only_warned_the_platform_issues_it() -> None:
    assert rules_of(FilingData(investment_yuan=80_000)) == [("filing.number-missing", "warn")]


def test_declaring_a_lower_tier_than_the_investment_is_blocked() -> None:
    data = FilingData(
        investment_yuan=1_500_000,
        tier="其他",
        on=IN_2025,
        filing_number="（抖音）网微剧备字（2025）第001号",
    )
    issues = check_filing(data)
    assert issues[0].rule == "filing.tier-contradicts-investment"
    assert issues[0].severity == "block"
    assert "重点" in issues[0].suggestion and "35号" in issues[0].citation


def test_an_under_declared_drama_still_needs_the_number_of_its_real_tier() -> None:
    data = FilingData(investment_yuan=5_000_000, tier="其他")
    assert rules_of(data) == [
        ("filing.tier-contradicts-investment", "block"),
        ("filing.number-missing", "block"),
    ]


def test_a_special_subject_is_key_whatever_the_investment() -> None:
    data = FilingData(investment_yuan=50_000, tier="其他", special_subject=True)
    assert ("filing.tier-contradicts-investment", "block") in rules_of(data)


def test_declaring_a_higher_tier_voluntarily_is_only_noted() -> None:
    data = FilingData(
        investment_yuan=50_000, tier="重点", filing_number="（京）网微剧审字（2025）第012号"
    )
    assert rules_of(data) == [("filing.tier-voluntary", "info")]


def test_neither_tier_nor_investment_is_a_warning() -> None:
    data = FilingData(filing_number="（抖音）网微剧备字（2025）第001号")
    assert rules_of(data) == [("filing.tier-unknown", "warn")]


@pytest.mark.parametrize(
    ("number", "kind", "issuer", "year", "serial"),
    [
        ("（京）网微剧审字（2024）第001号", "licence", "京", 2024, 1),
        ("(总局)网微剧审字(2025)第123号", "licence", "总局", 2025, 123),
        ("（浙）网微剧备字（2024）第045号", "registration", "浙", 2024, 45),
        ("（红果）网微剧备字（2025）第1234号", "platform", "红果", 2025, 1234),
        ("网剧审字(2022)第001号", "licence", None, 2022, 1),
        ("(沪)网剧审字(2023)第001号", "licence", "沪", 2023, 1),
        ("（ 粤 ）网微剧备字〔２０２５〕第 ０１０ 号", "registration", "粤", 2025, 10),
    ],
)
def test_the_published_number_formats_are_parsed(
    number: str, kind: str, issuer: str | None, year: int, serial: int
) -> None:
    parsed = parse_filing_number(number)
    assert parsed is not None
    assert (parsed.kind, parsed.issuer, parsed.year, parsed.serial) == (kind, issuer, year, serial)


@pytest.mark.parametrize(
    "number", ["ABC-2024-001", "网微剧备字2025第1号", "（京）网微剧审字（24）第1号"]
)
def test_an_unrecognised_number_is_a_warning_never_a_block(number: str) -> None:
    assert parse_filing_number(number) is None
    data = FilingData(investment_yuan=5_000_000, filing_number=number)
    assert rules_of(data) == [("filing.number-format", "warn")]


def test_a_well_formed_key_licence_passes() -> None:
    data = FilingData(
        investment_yuan=5_000_000,
        tier="重点",
        filing_number="（京）网微剧审字（2025）第012号",
        episode_count=3,
        episode_durations_s=(90, 120, 150),
    )
    assert check_filing(data) == []


def test_a_licence_number_without_an_issuer_is_a_warning() -> None:
    data = FilingData(investment_yuan=5_000_000, filing_number="网微剧审字（2025）第012号")
    assert rules_of(data) == [("filing.number-format", "warn")]


def test_a_year_after_the_review_day_is_implausible() -> None:
    data = FilingData(
        investment_yuan=5_000_000, filing_number="（京）网微剧审字（2027）第1号", on=IN_2026
    )
    assert rules_of(data) == [("filing.number-implausible", "warn")]


def test_a_microdrama_number_from_before_2024_is_implausible() -> None:
    data = FilingData(investment_yuan=5_000_000, filing_number="（京）网微剧审字（2021）第1号")
    assert rules_of(data) == [("filing.number-implausible", "warn")]


def test_a_key_drama_with_a_registration_number_is_a_mismatch() -> None:
    data = FilingData(investment_yuan=5_000_000, filing_number="（京）网微剧备字（2025）第1号")
    assert rules_of(data) == [("filing.number-tier-mismatch", "warn")]


def test_an_ordinary_drama_with_a_platform_number_is_a_mismatch() -> None:
    data = FilingData(
        investment_yuan=1_500_000, filing_number="（快手）网微剧备字（2026）第8号", on=IN_2026
    )
    assert rules_of(data) == [("filing.number-tier-mismatch", "warn")]


def test_an_episode_of_twenty_minutes_or_more_is_not_a_microdrama_episode() -> None:
    data = FilingData(
        investment_yuan=80_000,
        filing_number="（抖音）网微剧备字（2025）第1号",
        episode_durations_s=(120, 1200, 90),
    )
    (issue,) = check_filing(data)
    assert (issue.rule, issue.severity) == ("filing.episode-too-long", "warn")
    assert "第2集 20分0秒" in issue.text and "第二条" in issue.citation


def test_an_episode_count_that_disagrees_with_the_durations_is_a_warning() -> None:
    data = FilingData(
        investment_yuan=80_000,
        filing_number="（抖音）网微剧备字（2025）第1号",
        episode_count=80,
        episode_durations_s=(120, 90),
    )
    assert rules_of(data) == [("filing.episode-count-mismatch", "warn")]


@pytest.mark.parametrize(
    "make",
    [
        lambda: FilingData(investment_yuan=-1),
        lambda: FilingData(episode_count=0),
        lambda: FilingData(episode_durations_s=(60, 0)),
    ],
)
def test_impossible_values_are_refused(make: Callable[[], FilingData]) -> None:
    with pytest.raises(ValueError):
        make()
