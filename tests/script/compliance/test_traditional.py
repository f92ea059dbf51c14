"""Traditional characters: scripts and rules in either script meet folded, shown as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.errors import RuleFileError
from microdrama.script.compliance.engine import review, review_texts
from microdrama.script.compliance.rules import load_rule_set
from microdrama.script.parse import parse_text

TRADITIONAL = """《繁體測試》
第1集
1-1 日 內 客廳
人物：阿強
阿強：他媽的，我殺了你！
阿強：去地下賭場梭哈，一夜暴富！
阿強：我要把他碎屍萬段。
"""

HOUSE_RULES = """version: 1
name: house
rules:
  - id: house.brand
    category: values
    severity: block
    terms: [劳斯莱斯]
    citation: 内部规定
    suggestion: 不出现真实品牌
  - id: house.car
    category: values
    severity: warn
    patterns: ["(?P<hit>賓利)(車|轎車)"]
    citation: 内部规定
    suggestion: 不出现真实品牌
"""


def test_traditional_lines_are_found_and_shown_as_written() -> None:
    found = review(parse_text(TRADITIONAL), load_rule_set())
    assert {(f.line, f.rule, f.match) for f in found} >= {
        (5, "vulgarity.profanity", "他媽的"),
        (5, "violence.killing", "殺了你"),
        (6, "gambling.play", "賭場"),
        (7, "violence.gore", "碎屍"),
    }
    assert {f.text for f in found if f.line == 5} == {"他媽的，我殺了你！"}


def test_a_user_rule_in_either_script_matches_text_in_either(tmp_path: Path) -> None:
    (tmp_path / "house.yaml").write_text(HOUSE_RULES, encoding="utf-8")
    rules = load_rule_set(tmp_path, defaults=False)
    lines = [
        (1, "一輛勞斯萊斯停在樓下。"),
        (2, "一辆劳斯莱斯停在楼下。"),
        (3, "門口停著一輛賓利車。"),
        (4, "门口停着一辆宾利车。"),
    ]
    found = [(f.line, f.rule, f.match) for f in review_texts(lines, rules)]
    assert found == [
        (1, "house.brand", "勞斯萊斯"),
        (2, "house.brand", "劳斯莱斯"),
        (3, "house.car", "賓利車"),
        (4, "house.car", "宾利车"),
    ]


def test_context_words_in_traditional_text_count() -> None:
    lines = [
        (1, "你們別打人了。"),
        (2, "據報道，犯罪嫌疑人涉嫌故意殺人。"),
        (3, "跳大神都是騙人的把戲！"),
        (4, "他打人了。"),
    ]
    assert [(f.line, f.rule) for f in review_texts(lines, load_rule_set())] == [
        (4, "violence.assault")
    ]


def test_full_width_punctuation_in_a_pattern_stays_literal_once_folded(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "version: 1\nname: p\nrules:\n  - id: p.one\n    category: t\n    severity: warn\n"
        '    patterns: ["（冷笑）[^。！？]{0,4}滾"]\n    citation: 条款\n    suggestion: 改写\n',
        encoding="utf-8",
    )
    rules = load_rule_set(tmp_path, defaults=False)
    lines = [(1, "（冷笑）給我滾！"), (2, "(冷笑)给我滚!"), (3, "冷笑给我滚。")]
    assert [f.line for f in review_texts(lines, rules)] == [1, 2]


def test_a_pattern_whose_range_folds_out_of_order_names_the_rule(tmp_path: Path) -> None:
    # 乾 folds to 干 (U+5E72), after 亂's 乱 (U+4E71): the range would run backwards.
    (tmp_path / "r.yaml").write_text(
        "version: 1\nname: r\nrules:\n  - id: r.one\n    category: t\n    severity: warn\n"
        '    patterns: ["[乾-亂]"]\n    citation: 条款\n    suggestion: 改写\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match=r"\(id 'r\.one'\)\.patterns: .*once folded"):
        load_rule_set(tmp_path, defaults=False)
