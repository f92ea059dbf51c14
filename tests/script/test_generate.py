"""The seeded short-drama script generator used by benchmarks and tests."""

from __future__ import annotations

import re

import pytest

from microdrama.script.generate import generate_script

EPISODE = re.compile(r"^第(\d+)集 \S+$", re.MULTILINE)
DASHED_HEADING = re.compile(r"^\d+-\d+ (?:日|夜|晨|黄昏) (?:内外|内|外) \S+$", re.MULTILINE)
NUMBERED_HEADING = re.compile(r"^第\d+场 (?:内外|内|外)/(?:日|夜|晨|黄昏) \S+$", re.MULTILINE)


def test_the_same_seed_gives_the_same_script_and_another_seed_another() -> None:
    assert generate_script(5, seed=3) == generate_script(5, seed=3)
    assert generate_script(5, seed=3) != generate_script(5, seed=4)


def test_a_hundred_episodes_run_to_about_eighty_thousand_characters() -> None:
    text = generate_script()

    episodes = [int(n) for n in EPISODE.findall(text)]
    assert episodes == list(range(1, 101))
    assert 70_000 <= len(re.sub(r"\s", "", text)) <= 95_000


def test_the_script_follows_the_chinese_convention_in_mixed_heading_variants() -> None:
    text = generate_script(20, seed=1)

    assert re.match(r"《[^》]+》\n", text)
    assert DASHED_HEADING.search(text) and NUMBERED_HEADING.search(text)
    assert re.search(r"^人物：\S+、\S+", text, re.MULTILINE)
    assert re.search(r"^△ \S+", text, re.MULTILINE)
    assert re.search(r"^\S+：\S+", text, re.MULTILINE)
    assert re.search(r"^\S+（OS）：\S+", text, re.MULTILINE)
    for mark in ("【卡点】", "【反转】", "【付费点】", "【字幕："):
        assert mark in text


def test_every_heading_line_is_one_of_the_two_variants() -> None:
    text = generate_script(30, seed=2)
    headings = [line for line in text.splitlines() if re.match(r"^(?:\d+-\d+ |第\d+场 )", line)]

    assert headings
    assert all(DASHED_HEADING.match(h) or NUMBERED_HEADING.match(h) for h in headings)


def test_some_but_not_all_episodes_carry_lines_a_compliance_check_would_flag() -> None:
    episodes = re.split(r"^第\d+集 ", generate_script(), flags=re.MULTILINE)[1:]
    flagged = [e for e in episodes if "炫富" in e or "鲜血" in e or "往死里打" in e or "人命" in e]

    assert 0 < len(flagged) < len(episodes) // 2


def test_the_paywall_mark_sits_in_episode_ten() -> None:
    episodes = re.split(r"^第\d+集 ", generate_script(12), flags=re.MULTILINE)[1:]

    assert [n for n, e in enumerate(episodes, 1) if "【付费点】" in e] == [10]


def test_a_script_needs_at_least_one_episode() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_script(0)
