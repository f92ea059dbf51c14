"""The Chinese parser on messy, real-world layouts: Word exports, bracketed headers, odd cues."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.script.document import Element, Scene, Script
from microdrama.script.parse import parse_bytes
from microdrama.script.parse.zh import parse_zh

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def elements(script: Script) -> list[Element]:
    return [element for _, scene in script.scenes() for element in scene.elements]


def only_scene(text: str) -> Scene:
    scenes = parse_zh(text).scenes()
    assert len(scenes) == 1
    return scenes[0][1]


def speech(element: Element) -> tuple[str | None, str | None, str | None, str]:
    return (element.speaker, element.extension, element.parenthetical, element.text)


@pytest.mark.parametrize(
    ("header", "number", "time", "interior", "location"),
    [
        ("1-1【日/内】总裁办公室", "1-1", "日", "内", "总裁办公室"),
        ("1-1 总裁办公室【日/内】", "1-1", "日", "内", "总裁办公室"),
        ("1-2 夜·外·街道", "1-2", "夜", "外", "街道"),
        ("第一场：日，内，医院病房", "1", "日", "内", "医院病房"),
        ("场次1 地点：咖啡厅 时间：日 内景", "1", "日", "内", "咖啡厅"),
        ("【场景】别墅客厅 【时间】夜", None, "夜", None, "别墅客厅"),
        ("地点：天台 时间：夜 外景", None, "夜", "外", "天台"),
        ("场景一：客厅（日/内）", "1", "日", "内", "客厅"),
        ("01-01 日 内 客厅", "01-01", "日", "内", "客厅"),
        ("1. 日 内 厨房", "1", "日", "内", "厨房"),
        ("2、夜 外 花园 出场：林晚、顾辰", "2", "夜", "外", "花园"),
        ("场1 日 内 书房", "1", "日", "内", "书房"),
        ("1-3\t日\t内\t酒店大堂", "1-3", "日", "内", "酒店大堂"),
        ("1-4　夜　内　车内", "1-4", "夜", "内", "车内"),
    ],
)
def test_scene_headers_with_brackets_labels_and_odd_separators_are_read(
    header: str, number: str | None, time: str, interior: str | None, location: str
) -> None:
    scene = only_scene(f"{header}\n△有人。")
    assert (scene.number, scene.time_of_day, scene.interior) == (number, time, interior)
    assert (scene.location, scene.line) == (location, 1)


def test_a_location_ending_in_a_bracketed_note_keeps_the_note() -> None:
    assert only_scene("1-1 日 内 客厅（回忆）\n△有人。").location == "客厅（回忆）"


def test_a_header_with_an_appearing_list_takes_its_cast() -> None:
    scene = only_scene("2、夜 外 花园 出场：林晚、顾辰\n△有人。")
    assert (scene.heading, scene.characters) == ("2、夜 外 花园", ["林晚", "顾辰"])


@pytest.mark.parametrize("cast", ["出场：林晚、顾辰", "出场人物：林晚、顾辰", "【人物】林晚、顾辰"])
def test_cast_lines_are_read_in_their_other_spellings(cast: str) -> None:
    assert only_scene(f"1-1 日 内 客厅\n{cast}\n△有人。").characters == ["林晚", "顾辰"]


@pytest.mark.parametrize(
    "prose", ["时间：2025年3月", "地点：不详，他也说不清。", "【地点】是个秘密。"]
)
def test_a_lone_label_that_is_not_a_header_stays_in_the_scene(prose: str) -> None:
    scene = only_scene(f"1-1 日 内 客厅\n{prose}")
    assert len(scene.elements) == 1


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ("第1集：", 1),
        ("EP1", 1),
        ("EP.02", 2),
        ("Episode 3", 3),
        ("第01集", 1),
        ("【第一集】", 1),
        ("=== 第1集 ===", 1),
        ("——第5集——", 5),
        ("★第6集★", 6),
    ],
)
def test_episode_headers_in_decorated_and_english_layouts_are_read(
    header: str, number: int
) -> None:
    script = parse_zh(f"{header}\n{number}-1 日 内 客厅\n△他来了。")
    assert [(e.number, e.line) for e in script.episodes] == [(number, 1)]
    assert script.problems == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("林晚（冷笑）：你也配？", ("林晚", None, "（冷笑）", "你也配？")),
        ("林晚(冷笑):你也配?", ("林晚", None, "(冷笑)", "你也配?")),
        ("林晚：「台词」", ("林晚", None, None, "台词")),
        ('林晚："台词"', ("林晚", None, None, "台词")),
        ("林晚：“台词”", ("林晚", None, None, "台词")),
        ("林晚 ：台词", ("林晚", None, None, "台词")),
        ("林晚\t：台词", ("林晚", None, None, "台词")),
        ("林晚【OS】：我恨你。", ("林晚", "OS", None, "我恨你。")),
        ("林晚[OS]：我恨你。", ("林晚", "OS", None, "我恨你。")),
        ("林晚（ＯＳ）：我恨你。", ("林晚", "OS", None, "我恨你。")),
        ("林晚（OS）（哭腔）：我恨你。", ("林晚", "OS", "（哭腔）", "我恨你。")),
        ("林晚（V.O.）：我恨你。", ("林晚", "VO", None, "我恨你。")),
        ("顾辰（内心OS）：她变了。", ("顾辰", "内心OS", None, "她变了。")),
        ("顾辰（电话里）：喂？", ("顾辰", "电话里", None, "喂？")),
        ("林晚（冷笑）：（转身）走。", ("林晚", None, "（冷笑）（转身）", "走。")),
        ("画外音（林晚）：别走。", ("林晚", "画外音", None, "别走。")),
        ("旁白：那一年。", ("旁白", None, None, "那一年。")),
        ("林晚、顾辰（同时）：什么？", ("林晚、顾辰", None, "（同时）", "什么？")),
        ("林晚、顾辰：什么？", ("林晚、顾辰", None, None, "什么？")),
        ("【林晚】姐姐，别怪我。", ("林晚", None, None, "姐姐，别怪我。")),
        ("【顾辰】（低声）滚。", ("顾辰", None, "（低声）", "滚。")),
    ],
)
def test_speeches_are_read_in_every_messy_cue_layout(
    line: str, expected: tuple[str | None, str | None, str | None, str]
) -> None:
    [element] = only_scene(f"1-1 日 内 客厅\n人物：林晚、顾辰\n{line}").elements
    assert element.kind == "dialogue"
    assert (speech(element), element.line) == (expected, 3)


def test_a_listed_name_alone_on_a_line_takes_the_next_line_as_its_words() -> None:
    scene = only_scene(
        "1-1 日 内 客厅\n人物：林晚、顾辰\n林晚\n你怎么来了？\n顾辰（OS）\n（低头）我……"
    )
    assert [(speech(e), e.line) for e in scene.elements] == [
        (("林晚", None, None, "你怎么来了？"), 4),
        (("顾辰", "OS", "（低头）", "我……"), 6),
    ]


def test_an_unlisted_name_alone_on_a_line_stays_action() -> None:
    scene = only_scene("1-1 日 内 客厅\n林晚\n你怎么来了？")
    assert [e.kind for e in scene.elements] == ["action", "action"]


def test_an_unknown_pair_of_names_without_together_stays_action() -> None:
    [element] = only_scene("1-1 日 内 客厅\n风声、雨声：交织在一起").elements
    assert element.kind == "action"


def test_a_narrator_with_an_unknown_bracket_keeps_the_narrator_as_speaker() -> None:
    [element] = only_scene("1-1 日 内 客厅\n旁白（低沉）：很多年以后。").elements
    assert speech(element) == ("旁白", None, "（低沉）", "很多年以后。")


@pytest.mark.parametrize(
    ("line", "mark", "text"),
    [
        ("【付费卡点】", "付费点", "付费卡点"),
        ("（卡点）", "卡点", "卡点"),
        ("(卡点)", "卡点", "卡点"),
        ("#卡点#", "卡点", "卡点"),
        ("【钩子】", "卡点", "钩子"),
        ("【黑屏】", "黑屏", "黑屏"),
        ("【闪回开始】", "闪回", "闪回开始"),
        ("【回忆】", "闪回", "回忆"),
        ("【回忆结束】", "闪回结束", "回忆结束"),
        ("【大反转】", "反转", "大反转"),
        ("【字幕：三年后】", "字幕", "三年后"),
        ("特写：一枚戒指。", "特写", "一枚戒指。"),
        ("空镜：城市夜景。", "空镜", "城市夜景。"),
    ],
)
def test_marks_in_a_writers_own_words_get_the_name_the_breakdown_looks_for(
    line: str, mark: str, text: str
) -> None:
    [element] = only_scene(f"1-1 日 内 客厅\n{line}").elements
    assert (element.kind, element.mark, element.text) == ("mark", mark, text)


@pytest.mark.parametrize(
    "furniture", ["第 3 页", "第3页 共20页", "- 3 -", "—3—", "3/10", "Page 3", "12"]
)
def test_page_numbers_copied_from_word_are_dropped(furniture: str) -> None:
    scene = only_scene(f"1-1 日 内 客厅\n△甲。\n{furniture}\n△乙。")
    assert [e.text for e in scene.elements] == ["甲。", "乙。"]


@pytest.mark.parametrize("bullet", ["●", "•", "◆", "■", "※", "➢", "·"])
def test_word_bullets_are_taken_off_before_the_line_is_read(bullet: str) -> None:
    scene = only_scene(f"1-1 日 内 客厅\n{bullet} 林晚走进来。\n{bullet}\t甲：你好。")
    assert [(e.kind, e.speaker, e.text) for e in scene.elements] == [
        ("action", None, "林晚走进来。"),
        ("dialogue", "甲", "你好。"),
    ]


def test_odd_spaces_from_word_do_not_break_a_speech() -> None:
    scene = only_scene("1-1 日 内 客厅\n\u3000\u3000甲\u00a0：你好。\u200b  \n\t△乙。\t")
    assert [(e.kind, e.speaker, e.text) for e in scene.elements] == [
        ("dialogue", "甲", "你好。"),
        ("action", None, "乙。"),
    ]


def test_an_episode_outline_before_episode_one_is_front_matter_not_episodes() -> None:
    script = parse_zh(
        "《剧》\n分集大纲：\n第1集：她替嫁。\n第2集：他发现。\n正文\n第1集\n1-1 日 内 客厅\n△甲。"
    )
    assert [(e.number, e.line) for e in script.episodes] == [(1, 6)]
    assert script.metadata["分集大纲"] == "第1集：她替嫁。\n第2集：他发现。\n正文"
    assert script.problems == []


def test_names_in_a_bio_written_as_name_colon_sex_and_age_are_known_as_speakers() -> None:
    script = parse_zh("人物小传：\n林晚：女，24岁，设计师。\n第1集\n1-1 日 内 客厅\n林晚\n你好。")
    assert [speech(e) for e in elements(script)] == [("林晚", None, None, "你好。")]


def test_the_second_messy_fixture_reads_every_construct_without_a_problem() -> None:
    script = parse_zh((FIXTURES / "zh_messy_2.txt").read_text(encoding="utf-8"))
    assert script.title == "总裁的替身新娘"
    assert set(script.metadata) == {"人物小传", "分集大纲"}
    assert [(e.number, e.line) for e in script.episodes] == [(1, 14), (2, 39)]
    scenes = [scene for _, scene in script.scenes()]
    assert [(s.number, s.time_of_day, s.interior, s.location, s.line) for s in scenes] == [
        ("1-1", "日", "内", "顾家客厅", 16),
        ("1-2", "夜", "外", "顾家花园", 32),
        ("1", "日", "内", "顾氏集团", 41),
    ]
    assert scenes[0].characters == ["林晚", "顾辰", "苏柔"]
    speeches = [(e.line, *speech(e)) for e in elements(script) if e.kind == "dialogue"]
    assert speeches == [
        (22, "林晚", None, "（冷笑）", "你也配？"),
        (23, "顾辰", None, None, "你说什么？"),
        (24, "苏柔", None, None, "姐姐，别怪我。"),
        (26, "林晚", None, "（转身）", "我不怪你。"),
        (27, "苏柔", "画外音", None, "她永远不会知道。"),
        (28, "林晚", "OS", None, "我全都知道。"),
        (29, "林晚、顾辰", None, "（同时）", "够了！"),
        (42, "顾辰", None, "(头也不抬)", "出去。"),
        (43, "林晚", "OS", "(咬牙)", "我偏不。"),
    ]
    marks = [(e.line, e.mark) for e in elements(script) if e.kind == "mark"]
    assert marks == [
        (18, "黑屏"),
        (19, "字幕"),
        (30, "卡点"),
        (34, "闪回"),
        (36, "闪回结束"),
        (37, "付费点"),
        (44, "反转"),
    ]
    actions = [e.text for e in elements(script) if e.kind == "action"]
    assert actions[:2] == ["林晚推门而入，婚纱拖地。", "管家低头退下。"]
    assert script.problems == []


def test_a_word_export_with_bom_crlf_bullets_and_page_numbers_reads_cleanly() -> None:
    data = (FIXTURES / "zh_word_export.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    script = parse_bytes(data, filename="zh_word_export.txt")
    assert (script.format, script.title) == ("zh", "Word导出的剧本")
    assert [(e.number, e.title) for e in script.episodes] == [(1, "相遇")]
    scenes = [scene for _, scene in script.scenes()]
    assert [(s.number, s.time_of_day, s.interior, s.location, s.line) for s in scenes] == [
        ("1", "日", "内", "医院病房", 5),
        ("2", "夜", "外", "医院门口", 15),
    ]
    assert [(e.line, e.kind, e.speaker, e.mark, e.text) for e in elements(script)] == [
        (7, "action", None, None, "林晚躺在病床上。"),
        (8, "dialogue", "护士", None, "你醒了？"),
        (9, "dialogue", "林晚", None, "这是哪里？"),
        (16, "action", None, None, "雨夜。"),
        (17, "dialogue", "护士", None, "小心路滑。"),
        (19, "mark", None, "卡点", "卡点"),
    ]
    assert script.problems == []


def test_a_caption_mark_with_its_words_after_the_bracket_keeps_them() -> None:
    [element] = only_scene("1-1 日 内 客厅\n【字幕】三年后").elements
    assert (element.kind, element.mark, element.text) == ("mark", "字幕", "三年后")


def test_a_caption_mark_followed_by_another_mark_splits_them() -> None:
    scene = only_scene("1-1 日 内 客厅\n【字幕】三年后【卡点】")
    assert [(e.kind, e.mark, e.text) for e in scene.elements] == [
        ("mark", "字幕", "字幕"),
        ("action", None, "三年后"),
        ("mark", "卡点", "卡点"),
    ]


def test_a_broken_off_speech_between_dashes_is_not_taken_for_a_framed_title() -> None:
    [element] = only_scene("1-1 日 内 客厅\n——你给我站住！——").elements
    assert (element.kind, element.text) == ("action", "——你给我站住！——")
