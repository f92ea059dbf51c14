"""The default lexicons: lines an acceptance test missed are found, look-alikes are not."""

from __future__ import annotations

import pytest

from microdrama.script.compliance.engine import review_texts
from microdrama.script.compliance.rules import RuleSet, load_rule_set


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


FOUND = {
    "gore": ("刘强拿刀捅向王芳，鲜血喷溅，肠子流了一地。", {"violence.blood", "violence.gore"}),
    "feng-shui": (
        "我这辈子就信风水，找大师给我改运。",
        {"superstition.divination", "superstition.fate"},
    ),
    "injection": ("刘强从口袋里掏出针管，给自己注射了一针。", {"drugs.inject"}),
    # No subject is named here: 赌场 counts (in a script, a speaker called 赌场老板 would not).
    "white-powder": ("赌场老板拿出一包白粉，吸了一口。", {"drugs.use", "gambling.play"}),
    "drug-words": ("他吸毒三年，身上还藏着冰毒。", {"drugs.use"}),
    "dare-to-die": ("有种你从楼上跳下去啊，你去死吧！", {"violence.incite-suicide"}),
    "kill-all": ("我要把你们全都杀了，一个不留。", {"violence.killing"}),
    "kill-you-all": ("今天我就杀了你们！", {"violence.killing"}),
    "life-priced": ("我有的是钱，这些人命值几个钱？给我砸！", {"money.worship"}),
    "bullying": ("把他堵在厕所里打一顿，扒光他衣服拍视频。", {"minors.bullying"}),
    "all-nighter": ("我们去网吧通宵打游戏，然后抽烟喝酒！", {"minors.bad-behaviour"}),
    "early-love": ("我和她早恋了，我们准备开房。", {"minors.early-love", "minors.bad-behaviour"}),
}


@pytest.mark.parametrize(("text", "rule_ids"), FOUND.values(), ids=FOUND.keys())
def test_a_line_the_acceptance_test_missed_is_found(
    rules: RuleSet, text: str, rule_ids: set[str]
) -> None:
    assert {f.rule for f in review_texts([(1, text)], rules)} == rule_ids


LOOK_ALIKES = {
    "nurse": "护士拿出针管，给病人注射了一针。",
    "doctor": "医生给他注射了一针镇静剂。",
    "face-powder": "她往脸上扑了点白粉，吸引了所有人的目光。",
    "chicken": "他把她的鸡杀了，炖了一锅汤。",
    "murderous-look": "霍霆低头看着她，眼神冰冷得像是要杀人一样。",
    "split-lip": "她嘴角流下一丝鲜血。",
    "good-site": "这块风水宝地不错。",
    "parcel": "快递还在转运中心。",
    "rebuked": "你怎么能说“去死”这种话？",
    "dare-to-stay": "有种你就别走！",
    "internet-cafe": "我们去网吧查资料。",
}


@pytest.mark.parametrize("text", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_line_is_not_reported(rules: RuleSet, text: str) -> None:
    assert review_texts([(1, text)], rules) == []


def test_threats_in_speech_are_not_excused_by_a_word_of_the_law() -> None:
    from microdrama.script.compliance.engine import review
    from microdrama.script.compliance.rules import load_rule_set
    from microdrama.script.parse.zh import parse_zh

    script = parse_zh(
        "第1集\n1-1 日 内 客厅\n张三：敢去法院告我，我杀了你！\n"
        "张三：别以为有警方撑腰，我照样杀了你。\n主播：据报道，犯罪嫌疑人涉嫌故意杀人。\n"
        "张三：这首歌简直杀疯了。\n"
    )
    lines = sorted({f.line for f in review(script, load_rule_set())})

    assert lines == [3, 4]
