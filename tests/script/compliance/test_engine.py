"""The compliance engine: planted lines are found where they are; context keeps noise out."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from microdrama.script.compliance import words
from microdrama.script.compliance.engine import (
    Finding,
    has_blocking,
    review,
    review_texts,
)
from microdrama.script.compliance.filing import FilingData
from microdrama.script.compliance.rules import RuleSet, load_rule_set
from microdrama.script.document import Element, ElementKind, Episode, Scene, Script
from microdrama.script.parse import parse_text

FILLER = "林晚推开会议室的门，众人的目光落在她身上。"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


def script_with(
    *lines: tuple[ElementKind, str], episode: int = 3, title: str | None = None
) -> Script:
    """A script whose episode `episode`, scene 3-2, holds `lines` from source line 20 on."""
    filler = Scene("3-1", 5, "3-1 会议室 日 内", elements=[Element("action", FILLER, 6)])
    elements = [Element(kind, text, 20 + index) for index, (kind, text) in enumerate(lines)]
    scene = Scene("3-2", 19, "3-2 天台 夜 外", elements=elements)
    return Script("测试剧", "zh", [Episode(episode, 4, title, [filler, scene])])


def rule_file(tmp_path: Path, body: str) -> RuleSet:
    (tmp_path / "t.yaml").write_text(f"version: 1\nname: t\nrules:\n{body}", encoding="utf-8")
    return load_rule_set(tmp_path, defaults=False)


def one_rule(tmp_path: Path, terms: str, context: str = "", patterns: str = "") -> RuleSet:
    lines = [
        "  - id: t.rule",
        "    category: t",
        "    severity: block",
        f"    terms: [{terms}]" if terms else "",
        f"    patterns: [{patterns}]" if patterns else "",
        "    citation: 测试条款第1条",
        "    suggestion: 改写",
        f"    context: {{{context}}}" if context else "",
    ]
    return rule_file(tmp_path, "\n".join(line for line in lines if line) + "\n")


PLANTED = [
    ("vulgarity", "vulgarity.profanity", "dialogue", "你他妈的给我站住！"),
    ("vulgarity", "vulgarity.sexual-explicit", "action", "镜头推进，两人开始床戏。"),
    ("violence_gore", "violence.gore", "action", "他把尸体分尸后扔进了河里。"),
    ("violence_gore", "violence.killing", "dialogue", "今天我就杀了你！"),
    ("superstition", "superstition.fate", "dialogue", "只要娶她冲喜，少爷的病就能好。"),
    ("money_worship", "money.flaunt", "dialogue", "我的银行卡每秒入账一百万。"),
    ("minors", "minors.bad-behaviour", "action", "初中生小明躲在厕所里抽烟。"),
    ("discrimination", "discrimination.disability", "dialogue", "你这个瘸子也配跟我抢？"),
    ("false_claims", "false.medical", "dialogue", "这是祖传秘方，包治百病。"),
    ("gambling_drugs", "gambling.play", "action", "众人围在赌场的百家乐桌前。"),
    ("values", "values.coercive-romance", "dialogue", "女人，你在玩火。"),
]


@pytest.mark.parametrize(("category", "rule_id", "kind", "text"), PLANTED)
def test_each_category_finds_its_planted_line_where_it_is(
    rules: RuleSet, category: str, rule_id: str, kind: ElementKind, text: str
) -> None:
    script = script_with(("action", FILLER), (kind, text), ("action", FILLER))
    found = [f for f in review(script, rules) if f.rule == rule_id]
    assert found, f"{rule_id} did not find {text}"
    finding = found[0]
    rule = rules.get(rule_id)
    assert rule is not None
    assert (finding.episode, finding.scene, finding.line) == (3, "3-2", 21)
    assert finding.category == category
    assert finding.citation == rule.citation and finding.suggestion == rule.suggestion
    assert finding.text == text and finding.match in text


def test_filler_text_gives_no_findings(rules: RuleSet) -> None:
    assert (
        review(script_with(("action", FILLER), ("dialogue", "今天的发布会必须准时开始。")), rules)
        == []
    )


def test_a_quoted_rebuke_is_dropped_per_the_rule(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "滚", "rebuke: drop")
    script = script_with(("dialogue", "“你竟然说出‘滚’这种话？”"), ("dialogue", "滚！"))
    assert [f.line for f in review(script, rules)] == [21]


def test_a_quoted_rebuke_is_downgraded_per_the_rule(rules: RuleSet) -> None:
    script = script_with(("dialogue", "你竟然骂他‘傻逼’？"), ("dialogue", "你个傻逼。"))
    found = {f.line: f.severity for f in review(script, rules) if f.rule == "vulgarity.profanity"}
    assert found == {20: "info", 21: "warn"}


def test_quoted_words_without_a_rebuke_still_count(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "血债血偿", "rebuke: drop")
    script = script_with(("action", "墙上用红漆写着“血债血偿”四个大字。"))
    assert len(review(script, rules)) == 1


def test_a_negated_term_is_dropped(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", "不要打人！"), ("dialogue", "你们别打人了。"), ("action", "他打人了。")
    )
    found = [f.line for f in review(script, rules) if f.rule == "violence.assault"]
    assert found == [22]


def test_a_negated_term_is_downgraded_per_the_rule(rules: RuleSet) -> None:
    script = script_with(("dialogue", "千万不能杀人。"))
    (finding,) = [f for f in review(script, rules) if f.rule == "violence.killing"]
    assert finding.severity == "info"


def test_a_negation_in_an_earlier_clause_does_not_count(rules: RuleSet) -> None:
    script = script_with(("dialogue", "不要怕，他打人了我会报警。"))
    assert [f.rule for f in review(script, rules)] == ["violence.assault"]


def test_bieren_meaning_others_is_not_read_as_a_negation(rules: RuleSet) -> None:
    script = script_with(("action", "别人打人，他在一旁看着。"))
    assert [f.rule for f in review(script, rules)] == ["violence.assault"]


@pytest.mark.parametrize(
    "text",
    [
        "其他妈妈都来了。",
        "这下有大麻烦了。",
        "这是抹杀人性的做法。",
        "楼下是地下药店。",
        "你打人家干嘛？",
    ],
)
def test_a_term_straddling_a_word_boundary_is_not_reported(rules: RuleSet, text: str) -> None:
    assert review(script_with(("dialogue", text)), rules) == []


def test_the_same_terms_are_reported_as_words_of_their_own(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", "你他妈的疯了。"), ("action", "他在吸大麻。"), ("dialogue", "他要杀人！")
    )
    assert [f.match for f in review(script, rules)] == ["他妈的", "大麻", "杀人"]


def test_a_one_character_term_must_be_a_word_of_its_own(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "滚")
    script = script_with(
        ("action", "两人在地上翻滚。"), ("action", "锅里的水滚烫。"), ("dialogue", "你给我滚！")
    )
    assert [f.line for f in review(script, rules)] == [22]


def test_a_term_inside_a_longer_word_is_reported(rules: RuleSet) -> None:
    found = review(script_with(("action", "他跳楼自杀了。")), rules)
    assert {f.match for f in found} == {"跳楼", "自杀"}


def test_word_boundary_can_be_switched_off(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "大麻", "word_boundary: false")
    assert len(review(script_with(("dialogue", "这下有大麻烦了。")), rules)) == 1


def test_a_mild_word_is_a_finding_only_when_repeated_in_an_episode(rules: RuleSet) -> None:
    twice = script_with(("dialogue", "废物！"), ("dialogue", "闭嘴！"))
    thrice = script_with(("dialogue", "废物！"), ("dialogue", "闭嘴！"), ("dialogue", "蠢货！"))
    assert [f for f in review(twice, rules) if f.rule == "vulgarity.mild-insult"] == []
    found = [f.line for f in review(thrice, rules) if f.rule == "vulgarity.mild-insult"]
    assert found == [20, 21, 22]


def test_min_count_does_not_add_up_across_episodes(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "废物", "min_count: 2")
    first, second = (
        script_with(("dialogue", "废物！")),
        script_with(("dialogue", "废物！"), episode=4),
    )
    script = Script("x", "zh", first.episodes + second.episodes)
    assert review(script, rules) == []


def test_exclude_if_nearby_drops_a_debunked_superstition(rules: RuleSet) -> None:
    script = script_with(("dialogue", "跳大神都是骗人的把戏！"), ("action", "大师开始跳大神。"))
    assert [f.line for f in review(script, rules) if f.category == "superstition"] == [21]


def test_only_in_limits_a_rule_to_titles(rules: RuleSet) -> None:
    script = script_with(("dialogue", "霸总回来了。"), title="霸总的契约新娘")
    found = [f for f in review(script, rules) if f.rule == "values.badao-title"]
    assert [(f.episode, f.scene, f.line, f.text) for f in found] == [(3, None, 4, "霸总的契约新娘")]


def test_allow_in_skips_a_kind_of_text(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "废物", "allow_in: [action]")
    script = script_with(("action", "他骂了一句废物。"), ("dialogue", "废物！"))
    assert [f.line for f in review(script, rules)] == [21]


def test_a_patterns_hit_group_is_where_negation_is_read(rules: RuleSet) -> None:
    script = script_with(("action", "初中生小明从不抽烟。"), ("action", "初中生小明在厕所抽烟。"))
    found = [f for f in review(script, rules) if f.rule == "minors.bad-behaviour"]
    assert [(f.line, f.match) for f in found] == [(21, "初中生小明在厕所抽烟")]


def test_a_term_inside_a_patterns_match_is_reported_once(rules: RuleSet) -> None:
    found = review(script_with(("dialogue", "每秒入账一百亿。")), rules)
    assert [f.match for f in found] == ["每秒入账一百亿"]


def test_full_width_and_capital_letters_match_lower_case_terms(tmp_path: Path) -> None:
    rules = one_rule(tmp_path, "k粉")
    script = script_with(("action", "桌上有一包Ｋ粉。"), ("action", "桌上有一包K粉。"))
    assert [f.match for f in review(script, rules)] == ["Ｋ粉", "K粉"]


def test_parentheticals_episode_titles_and_synopses_are_reviewed(rules: RuleSet) -> None:
    script = script_with(("dialogue", "你走吧。"), title="认清渣男后我杀疯了")
    script.episodes[0].scenes[1].elements[0].parenthetical = "（狠狠地扇耳光）"
    script.episodes[0].scenes[1].synopsis = "众人围在赌场里。"
    found = {(f.line, f.rule) for f in review(script, rules)}
    assert {(20, "violence.assault"), (19, "gambling.play"), (4, "violence.revenge-title")} <= found


def test_subtitle_lines_are_reviewed_with_their_numbers(rules: RuleSet) -> None:
    lines = [(1, "你好。"), (2, "我要杀了你！"), (7, "这是祖传秘方。")]
    found = review_texts(lines, rules)
    assert [(f.line, f.rule, f.episode, f.scene) for f in found] == [
        (2, "violence.killing", None, None),
        (7, "false.medical", None, None),
    ]


def test_findings_are_sorted_by_line_and_rule_and_deterministic(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", "他妈的，我要杀了你！"),
        ("action", "两人开始床戏。"),
        ("dialogue", "包治百病。"),
    )
    first, second = review(script, rules), review(script, rules)
    assert first == second
    assert [(f.line, f.rule) for f in first] == sorted((f.line or 0, f.rule) for f in first)


def test_a_long_text_is_trimmed_around_the_hit(rules: RuleSet) -> None:
    text = FILLER * 6 + "我要杀了你！" + FILLER * 6
    (finding,) = review(script_with(("dialogue", text)), rules)
    assert len(finding.text) <= 124 and "杀了你" in finding.text
    assert finding.text.startswith("…") and finding.text.endswith("…")


def test_filing_data_adds_filing_findings(rules: RuleSet) -> None:
    filing = FilingData(investment_yuan=5_000_000, tier="重点")
    found = review(script_with(("action", FILLER)), rules, filing=filing)
    assert [(f.rule, f.category, f.severity, f.line) for f in found] == [
        ("filing.number-missing", "filing", "block", None)
    ]


def test_has_blocking_is_true_only_for_block_findings(rules: RuleSet) -> None:
    assert has_blocking(review(script_with(("action", "他把尸体分尸。")), rules))
    assert not has_blocking(review(script_with(("action", "他打人了。")), rules))


def test_a_finding_serialises_with_the_report_keys() -> None:
    finding = Finding(1, "1-1", 3, "你好", "你", "r", "c", "warn", "条款", "建议")
    assert set(finding.to_dict()) >= {
        "episode",
        "scene",
        "line",
        "text",
        "rule",
        "category",
        "severity",
        "citation",
        "suggestion",
    }


def test_an_empty_script_or_rule_set_gives_no_findings(tmp_path: Path, rules: RuleSet) -> None:
    assert review(Script(None, "zh"), rules) == []
    assert (
        review(script_with(("dialogue", "我要杀了你！")), load_rule_set(tmp_path, defaults=False))
        == []
    )


def test_segmenting_writes_no_jieba_cache_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    tokenizer = words.LazyDictionaryTokenizer()
    assert tokenizer.cut(["其他妈妈都来了"]) == {
        "其他妈妈都来了": ["其他", "妈妈", "都", "来", "了"]
    }
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_lazy_segmentation_matches_full_jieba(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import jieba

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the full load caches there
    full = jieba.Tokenizer()
    full.initialize()
    blocks = [
        "商场跳楼价大甩卖",
        "他跳楼自杀了",
        "今天终于杀青了",
        "我们公司金主要求",
        "这个下药方",
        "AT",
        "c",
        "会议室里众人的目光齐刷刷落在她身上",
        "顾总放下手中的文件冷冷地看着她",
        "秘书小心翼翼地端来咖啡窗外的雨越下越大",
        "你以为这样就能挽回一切吗",
    ]
    lazy = words.segment(blocks)
    assert {block: list(full.cut(block, HMM=False)) for block in blocks} == lazy


MISSED_BEFORE = """第1集 家宴
1-1 夜 内 别墅
人物：苏曼、小宇、林父
苏曼：有钱才是王道，没钱就是废物！
林父：你们农村来的就是不懂规矩。
△苏曼把一瓶白酒塞到12岁的小宇手里。
林父：大师说你命里带煞，要做法化解，不然有血光之灾。
林父：你别再说“他妈的”这种脏话了。
林父：他妈的，给我滚！
"""


def test_money_worship_regional_contempt_alcohol_for_a_child_and_fortune_telling_are_found() -> (
    None
):
    found = {(f.line, f.rule) for f in review(parse_text(MISSED_BEFORE), load_rule_set())}
    assert (4, "money.worship") in found
    assert (5, "discrimination.region") in found
    assert (6, "minors.bad-behaviour") in found
    assert (7, "superstition.fate") in found


def test_swearing_quoted_in_a_rebuke_is_milder_than_swearing() -> None:
    severity = {
        f.line: f.severity
        for f in review(parse_text(MISSED_BEFORE), load_rule_set())
        if f.rule == "vulgarity.profanity"
    }
    assert severity == {8: "info", 9: "warn"}


def test_a_crime_told_in_a_news_report_is_not_a_threat(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", "据报道，犯罪嫌疑人涉嫌故意杀人，已被警方刑事拘留。"),
        ("dialogue", "我要杀了你！"),
    )
    found = [(f.line, f.severity) for f in review(script, rules) if f.rule == "violence.killing"]
    assert found == [(21, "warn")]


def test_report_framing_downgrades_by_default_within_its_sentence_and_window(
    tmp_path: Path,
) -> None:
    rules = one_rule(tmp_path, "血债血偿")
    script = script_with(
        ("action", "新闻里说，这家人血债血偿。"),
        ("action", "法院门口。他喊着血债血偿。"),
        ("action", "普法栏目剧开场很久之后，众人齐声高喊血债血偿。"),
    )
    found = [(f.line, f.severity) for f in review(script, rules)]
    assert found == [(20, "warn"), (21, "block"), (22, "block")]
    kept = one_rule(tmp_path, "血债血偿", "report: keep")
    assert [f.severity for f in review(script, kept)] == ["block"] * 3


def test_swearing_in_ascii_quotes_inside_a_rebuke_counts_as_quoted(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", '不要说"他妈的"这种脏话。'), ("dialogue", '他吼了一句"他妈的"。')
    )
    found = {f.line: f.severity for f in review(script, rules) if f.rule == "vulgarity.profanity"}
    assert found == {20: "info", 21: "warn"}


def test_a_word_named_by_a_forbidden_speech_verb_is_mentioned_not_used(rules: RuleSet) -> None:
    script = script_with(
        ("dialogue", "我们要文明用语，不能骂人傻逼。"),
        ("dialogue", "别骂他瞎子。"),
        ("dialogue", "你个傻逼。"),
    )
    found = [(f.line, f.rule, f.severity) for f in review(script, rules)]
    assert found == [(20, "vulgarity.profanity", "info"), (22, "vulgarity.profanity", "warn")]


CAST_NAMED_AFTER_A_SET = """第1集
1-1 夜 内 地下赌场
人物：赌场老板、林雪
赌场老板：今晚梭哈！
△赌场老板走进包间，坐了下来。
林雪：赌场老板，你开赌场就不怕报应？
"""


def test_a_characters_name_is_not_content_but_what_is_said_and_done_is(rules: RuleSet) -> None:
    found = review(parse_text(CAST_NAMED_AFTER_A_SET), rules)
    assert [(f.line, f.match) for f in found if f.rule == "gambling.play"] == [
        (2, "赌场"),
        (4, "梭哈"),
        (6, "赌场"),
    ]
    assert next(f.text for f in found if f.line == 6).endswith("你开赌场就不怕报应？")
