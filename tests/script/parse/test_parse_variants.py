"""Scripts as other writers write them: traditional characters, run-on speeches, glued headers,
Chinese headings inside Fountain and Final Draft, empty files and missing episodes."""

from __future__ import annotations

import pytest

from microdrama.script.breakdown import breakdown, day_night
from microdrama.script.document import Element, Script
from microdrama.script.parse import parse_bytes
from microdrama.script.parse.fdx import parse_fdx
from microdrama.script.parse.fountain import parse_fountain
from microdrama.script.parse.zh import parse_zh
from microdrama.script.service import script_lang


def elements(script: Script) -> list[Element]:
    return [element for _, scene in script.scenes() for element in scene.elements]


def headings(script: Script) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [(s.number, s.time_of_day, s.interior, s.location) for _, s in script.scenes()]


TRADITIONAL = """《霸道總裁愛上我》
第1集 初遇
第1場 外/日 咖啡廳門口
人物：陳思思、霍霆
△陳思思撞上了霍霆。
陳媽（畫外音）：思思，吃飯了！
2 思思家 夜內
【閃回】
霍霆：上車。
【閃回結束】
【卡點】
"""


def test_traditional_headers_cues_and_marks_read_as_the_simplified_ones() -> None:
    script = parse_zh(TRADITIONAL)

    assert script.problems == []
    assert headings(script) == [("1", "日", "外", "咖啡廳門口"), ("2", "夜", "内", "思思家")]
    voice = elements(script)[1]
    assert (voice.speaker, voice.extension, voice.text) == ("陳媽", "畫外音", "思思，吃飯了！")
    assert [e.mark for e in elements(script) if e.kind == "mark"] == ["闪回", "闪回结束", "卡点"]


def test_a_cue_alone_on_its_line_takes_every_line_up_to_the_blank_one() -> None:
    script = parse_zh(
        "第1集\n1-1 日 内 车内\n叶辰：（打电话）\n是我。\n三年了，该回去了。\n"
        "\n这是旁白一样的叙述。\n"
    )

    first, second, third = elements(script)
    assert (first.speaker, first.parenthetical, first.text, first.line) == (
        "叶辰",
        "（打电话）",
        "是我。",
        4,
    )
    # Each line keeps its own number, so a finding on it points at it.
    assert (second.speaker, second.text, second.line) == ("叶辰", "三年了，该回去了。", 5)
    assert (third.kind, third.text) == ("action", "这是旁白一样的叙述。")


def test_an_unmarked_line_under_a_speech_with_words_stays_action() -> None:
    marked = parse_zh("1-1 日 内 病房\n△门开了。\n护士：病人醒了！\n苏晴猛地睁开眼睛。\n黑屏。\n")
    unmarked = parse_zh("1-1 日 内 客厅\n张三：是我。\n他转身离开。\n")

    assert [(e.kind, e.text) for e in elements(marked)] == [
        ("action", "门开了。"),
        ("dialogue", "病人醒了！"),
        ("action", "苏晴猛地睁开眼睛。"),
        ("action", "黑屏。"),
    ]
    assert [e.kind for e in elements(unmarked)] == ["dialogue", "action"]


def test_a_silent_reaction_cue_is_kept_without_a_problem() -> None:
    script = parse_zh("1-1 日 内 客厅\n张三：（沉默）\n△李四摔门而去。\n")

    assert script.problems == []
    silent, action = elements(script)
    assert (silent.speaker, silent.parenthetical, silent.text) == ("张三", "（沉默）", "")
    assert action.kind == "action"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3-2夜外别墅门口", ("3-2", "夜", "外", "别墅门口")),
        ("1-2日内客厅", ("1-2", "日", "内", "客厅")),
        ("第3场夜内书房", ("3", "夜", "内", "书房")),
        # Without both a time and 内/外 a glued 外 is part of the place: the Bund.
        ("1-3外滩", ("1-3", None, None, "外滩")),
        ("1-4 夜 外滩", ("1-4", "夜", None, "外滩")),
    ],
)
def test_headers_without_separators(header: str, expected: tuple[str, ...]) -> None:
    assert headings(parse_zh(f"第1集\n{header}\n张三：嗯。\n")) == [expected]


def test_dusk_is_day_and_traditional_times_are_classified() -> None:
    assert [day_night(t) for t in ("暮", "薄暮", "晝", "夜間")] == ["day", "day", "day", "night"]


def test_the_narrator_speaks_but_is_not_a_character() -> None:
    result = breakdown(parse_zh("1-1 暮 外 江边\n旁白：那一夜，他下定决心。\n叶辰：走。\n"))

    assert [c.name for c in result.characters] == ["叶辰"]
    assert result.episodes[0].spoken_characters == len("那一夜他下定决心") + 1


def test_final_draft_with_chinese_episode_and_scene_headings() -> None:
    paragraphs = [
        ("Scene Heading", "第1集"),
        ("Scene Heading", "1-1 日 内 咖啡厅"),
        ("Action", "△小美坐在窗边。"),
        ("Character", "小美"),
        ("Dialogue", "你迟到了。"),
        ("General", "第2集 重逢"),
        ("Scene Heading", "2-1 夜 外 天台"),
        ("Character", "阿杰"),
        ("Dialogue", "明天见。"),
    ]
    body = "".join(
        f'<Paragraph Type="{kind}"><Text>{text}</Text></Paragraph>' for kind, text in paragraphs
    )
    script = parse_fdx(f'<?xml version="1.0"?><FinalDraft><Content>{body}</Content></FinalDraft>')

    assert [(e.number, e.title) for e in script.episodes] == [(1, None), (2, "重逢")]
    assert headings(script) == [("1-1", "日", "内", "咖啡厅"), ("2-1", "夜", "外", "天台")]
    assert elements(script)[0].text == "小美坐在窗边。"


def test_fountain_forced_chinese_heading_and_bracketed_title() -> None:
    script = parse_fountain(
        "Title: 《星光下的约定》\nAuthor: 李四\n\n.天台 夜\n\n小雨\n我一定会出道的！\n"
    )

    assert script.title == "星光下的约定"
    assert headings(script) == [(None, "夜", None, "天台")]
    assert script_lang(script) == "zh"


def test_an_english_fountain_script_stays_english() -> None:
    script = parse_fountain("INT. HOUSE - DAY\n\nJOHN\nHello there, how are you?\n")
    assert script_lang(script) == "en"


def test_an_empty_file_and_missing_episodes_are_problems() -> None:
    empty = parse_bytes(b"\n \n", filename="draft.txt")
    gaps = parse_bytes(
        (
            "第1集\n1-1 日 内 客厅\n张三：嗯。\n第2集\n2-1 日 内 客厅\n张三：好。\n"
            "第12集\n12-1 日 内 客厅\n张三：走。\n"
        ).encode(),
        filename="gaps.txt",
    )

    assert [(p.line, p.message) for p in empty.problems] == [
        (1, "draft.txt is empty: it holds no script text")
    ]
    assert [(p.line, p.message) for p in gaps.problems] == [
        (7, "episode 3–11 missing: episode 12 follows episode 2")
    ]


def test_each_format_keeps_the_line_its_title_came_from() -> None:
    chinese = parse_zh("\n《逆天改命》\n第1集\n1-1 日 内 客厅\n张三：嗯。\n")
    fountain = parse_fountain("Title: 《逆天改命》\nAuthor: 李四\n\nINT. 客厅 - DAY\n")
    final_draft = parse_fdx(
        '<?xml version="1.0"?>\n<FinalDraft><Content></Content>\n<TitlePage><Content>\n'
        "<Paragraph><Text>逆天改命</Text></Paragraph></Content></TitlePage></FinalDraft>"
    )

    assert (chinese.title, chinese.title_line) == ("逆天改命", 2)
    assert (fountain.title, fountain.title_line) == ("逆天改命", 1)
    assert (final_draft.title, final_draft.title_line) == ("逆天改命", 4)


def test_narrators_are_not_characters_and_traditional_names_are_one_person() -> None:
    script = parse_zh(
        "第1集\n1-1 日 内 客厅\n張三：你好。\n张三（畫外音）：嗯。\n旁白君：那天。\n"
        "画外音：多年后。\nOS：嗯。\n"
    )

    [person] = breakdown(script).characters
    assert (person.name, person.lines, person.aliases) == ("張三", 2, ("張三", "张三（畫外音）"))
