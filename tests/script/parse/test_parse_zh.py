"""The Chinese short-drama parser: headers, speeches, marks, front matter, problems, speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.script.document import Element, Scene, Script
from microdrama.script.parse.zh import parse_zh
from microdrama.script.parse.zh_grammar import zh_number

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED_ZH = Path(__file__).resolve().parents[3].parent / "shared" / "scripts" / "zh"


@pytest.fixture
def zh_sample() -> Path:
    """The folder of real Chinese samples in /work/shared, or a skip when it is not there."""
    if not SHARED_ZH.is_dir():
        pytest.skip(f"the shared script samples are not at {SHARED_ZH}")
    return SHARED_ZH


def elements(script: Script) -> list[Element]:
    return [element for _, scene in script.scenes() for element in scene.elements]


def only_scene(text: str) -> Scene:
    scenes = parse_zh(text).scenes()
    assert len(scenes) == 1
    return scenes[0][1]


def test_the_campus_gate_sample_has_one_scene_and_splits_two_speeches_on_one_line(
    zh_sample: Path,
) -> None:
    script = parse_zh((zh_sample / "moyin_campus-gate-raw.txt").read_text(encoding="utf-8"))
    assert script.title == "转校第一天"
    assert set(script.metadata) == {"大纲", "人物小传"}
    assert [(e.number, e.title) for e in script.episodes] == [(1, "校门口初遇")]
    [(_, scene)] = script.scenes()
    assert (scene.number, scene.interior, scene.time_of_day) == ("1", "外", "日")
    assert (scene.location, scene.characters) == ("校门口", ["马一花", "陈茉莉"])
    speeches = [(e.speaker, e.text, e.line) for e in scene.elements if e.kind == "dialogue"]
    assert speeches == [("马一花", "我刚转学过来。", 8), ("陈茉莉", "先跟我去教务处。", 8)]
    assert script.problems == []


def test_the_flattened_guanlan_sample_has_five_scenes_with_cast_on_the_heading_line(
    zh_sample: Path,
) -> None:
    text = (zh_sample / "moyin_demo_guanlan-shaonv_rawScript.txt").read_text(encoding="utf-8")
    script = parse_zh(text)
    assert script.title == "灌篮少女"
    scenes = [scene for _, scene in script.scenes()]
    assert [scene.number for scene in scenes] == ["1-1", "1-2", "1-3", "1-4", "1-5"]
    assert scenes[0].location == "乡村公路/大巴车"
    assert scenes[0].characters == ["沈星晴", "村民"]
    assert scenes[0].heading == "1-1 日 外 乡村公路/大巴车"
    actions = [e for e in scenes[0].elements if e.kind == "action"]
    assert actions[0].line == actions[1].line == 11  # two △ on one physical line
    assert scenes[0].elements[-1].mark == "字幕"
    speakers = {e.speaker for e in elements(script) if e.kind == "dialogue"}
    assert {"马一花", "陈茉莉", "叶小玲", "沈星晴", "赵思楠", "刘娜"} <= speakers
    assert script.problems == []


def test_the_markdown_gege_sample_keeps_outline_and_bios_as_metadata(zh_sample: Path) -> None:
    text = (zh_sample / "moyin_SCRIPT_FORMAT_EXAMPLE_gege.md").read_text(encoding="utf-8")
    script = parse_zh(text)
    assert script.title == "哥哥"
    assert script.metadata["大纲"].startswith("一个因童年自卑")
    assert "陆天擎（45）" in script.metadata["人物小传"]
    assert [(e.number, e.title) for e in script.episodes] == [(1, "陨落与归途")]
    scenes = [scene for _, scene in script.scenes()]
    assert [(s.number, s.time_of_day, s.interior) for s in scenes] == [
        ("1-1", "日", "内"),
        ("1-2", "日", "内"),
        ("1-3", "夜", "外"),
        ("1-4", "夜", "内"),
    ]
    assert scenes[1].characters == ["林星野", "陆天擎", "苏晓"]
    assert scenes[3].location == "高速列车车厢"
    speech = next(e for e in scenes[0].elements if e.kind == "dialogue")
    assert (speech.speaker, speech.parenthetical, speech.text) == (
        "苏晓",
        "（站在门口）",
        "工商的人下午来封门。",
    )
    assert script.problems == []


@pytest.mark.parametrize(
    ("header", "number", "title"),
    [
        ("第1集", 1, None),
        ("第一集 标题", 1, "标题"),
        ("第十二集：标题", 12, "标题"),
        ("第1集：校门口初遇", 1, "校门口初遇"),
        ("【第3集】", 3, None),
        ("第 3 集", 3, None),
        ("**第九十九集**", 99, None),
        ("## 第一百集 大结局", 100, "大结局"),
        ("第两集", 2, None),
        ("第一集「陨落与归途」", 1, "陨落与归途"),
        ("EP5 归来", 5, "归来"),
    ],
)
def test_episode_headers_are_read_in_every_common_layout(
    header: str, number: int, title: str | None
) -> None:
    script = parse_zh(f"{header}\n1-1 日 内 客厅\n△他来了。")
    assert [(e.number, e.title, e.line) for e in script.episodes] == [(number, title, 1)]


@pytest.mark.parametrize(
    ("written", "value"),
    [("7", 7), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("一百", 100)]
    + [("一百零五", 105), ("两", 2), ("两百", 200), ("甲", None)],
)
def test_chinese_numerals_are_read_up_to_the_hundreds(written: str, value: int | None) -> None:
    assert zh_number(written) == value


@pytest.mark.parametrize(
    ("header", "number", "time", "interior", "location"),
    [
        ("1-1 日 内 中学操场", "1-1", "日", "内", "中学操场"),
        ("第1场 外/日 校门口", "1", "日", "外", "校门口"),
        ("第十二场 夜 内 酒吧", "12", "夜", "内", "酒吧"),
        ("1 张三卧室 日内", "1", "日", "内", "张三卧室"),
        ("**1-2 夜 外 天台**", "1-2", "夜", "外", "天台"),
        ("3-5 日/内 医院走廊", "3-5", "日", "内", "医院走廊"),
        ("场景1：咖啡厅 日 内", "1", "日", "内", "咖啡厅"),
        ("日 内 总裁办公室", None, "日", "内", "总裁办公室"),
        ("夜 外 街道", None, "夜", "外", "街道"),
        ("1-3 黄昏 外内 海边", "1-3", "黄昏", "内外", "海边"),
        ("1-4 内·凌晨 仓库", "1-4", "凌晨", "内", "仓库"),
        ("1-5 外、傍晚 码头", "1-5", "傍晚", "外", "码头"),
        ("2-1 清晨 内外 车库", "2-1", "清晨", "内外", "车库"),
        ("内景 别墅客厅 白天", None, "白天", "内", "别墅客厅"),
        ("1—6 夜晚 外 外滩", "1-6", "夜晚", "外", "外滩"),
        ("1-7 日 外 城外", "1-7", "日", "外", "城外"),
    ],
)
def test_scene_headers_are_read_in_every_common_layout(
    header: str, number: str | None, time: str, interior: str, location: str
) -> None:
    scene = only_scene(f"{header}\n△有人。")
    assert (scene.number, scene.time_of_day, scene.interior) == (number, time, interior)
    assert (scene.location, scene.line) == (location, 1)


def test_a_heading_line_may_carry_its_cast_after_the_location() -> None:
    scene = only_scene("第一场 外/日 校门口 人物：马一花、陈茉莉（旁观）\n△雨停了。")
    assert scene.heading == "第一场 外/日 校门口"
    assert scene.characters == ["马一花", "陈茉莉"]


@pytest.mark.parametrize(
    "prose",
    ["3个人冲进来。", "夜 外面下着雨，他在路上走了很久。", "1.5米高的围墙挡住去路。"]
    + ["晚宴大厅里灯火通明。", "3-5天后，一切都变了。", "2024年 夏天 他走了"],
)
def test_prose_that_starts_like_a_header_stays_action(prose: str) -> None:
    scene = only_scene(f"1-1 日 内 客厅\n{prose}")
    assert [(e.kind, e.text) for e in scene.elements] == [("action", prose)]


@pytest.mark.parametrize(
    ("line", "speaker", "extension", "parenthetical", "text"),
    [
        ("张三：台词", "张三", None, None, "台词"),
        ("张三:台词", "张三", None, None, "台词"),
        ("张三 ： 台词", "张三", None, None, "台词"),
        ("张三：（哭）台词", "张三", None, "（哭）", "台词"),
        ("张三:(哭)台词", "张三", None, "(哭)", "台词"),
        ("张三（OS）：台词", "张三", "OS", None, "台词"),
        ("张三（VO）：台词", "张三", "VO", None, "台词"),
        ("张三(os)：台词", "张三", "OS", None, "台词"),
        ("张三（画外音）：台词", "张三", "画外音", None, "台词"),
        ("张三（内心）：（咬牙）台词！", "张三", "内心", "（咬牙）", "台词！"),
        ("男同学2：告啊！", "男同学2", None, None, "告啊！"),
        ("旁白：很多年以后。", "旁白", None, None, "很多年以后。"),
    ],
)
def test_speeches_are_read_with_extension_and_parenthetical(
    line: str, speaker: str, extension: str | None, parenthetical: str | None, text: str
) -> None:
    [element] = only_scene(f"1-1 日 内 客厅\n{line}").elements
    assert element.kind == "dialogue"
    assert (element.speaker, element.extension, element.parenthetical) == (
        speaker,
        extension,
        parenthetical,
    )
    assert (element.text, element.line) == (text, 2)


@pytest.mark.parametrize(
    "line",
    ["时间：2025年", "这是一个很长的句子里面有一个冒号：然后继续", "他大喊：救命！"]
    + ["14:30，天台上没有人。", "手机屏幕显示：未接来电3个"],
)
def test_lines_with_a_colon_that_no_one_speaks_stay_action(line: str) -> None:
    [element] = only_scene(f"1-1 日 内 客厅\n{line}").elements
    assert (element.kind, element.speaker, element.text) == ("action", None, line)


def test_a_known_name_and_colon_mid_line_starts_a_new_speech() -> None:
    scene = only_scene("1-1 日 内 客厅\n人物：甲、乙\n甲：你好。乙（OS）：你也好！甲：再见。")
    speeches = [(e.speaker, e.extension, e.text) for e in scene.elements]
    assert speeches == [("甲", None, "你好。"), ("乙", "OS", "你也好！"), ("甲", None, "再见。")]


def test_an_unknown_name_mid_line_does_not_split_a_speech() -> None:
    scene = only_scene("1-1 日 内 客厅\n甲：他说。老王：来了。")
    assert [(e.speaker, e.text) for e in scene.elements] == [("甲", "他说。老王：来了。")]


@pytest.mark.parametrize(
    ("line", "mark", "text"),
    [
        ("【字幕：三年后】", "字幕", "三年后"),
        ("【闪回】", "闪回", "闪回"),
        ("【闪回结束】", "闪回结束", "闪回结束"),
        ("【卡点】", "卡点", "卡点"),
        ("【反转】", "反转", "反转"),
        ("【付费点】", "付费点", "付费点"),
        ("【转场】", "转场", "转场"),
        ("【音效：玻璃碎裂】", "音效", "玻璃碎裂"),
        ("【画面：城市夜景】", "画面", "城市夜景"),
        ("[卡点]", "卡点", "卡点"),
        ("［卡点］", "卡点", "卡点"),
        ("字幕：三小时后", "字幕", "三小时后"),
    ],
)
def test_marks_are_read_in_full_and_half_width_brackets(line: str, mark: str, text: str) -> None:
    [element] = only_scene(f"1-1 日 内 客厅\n{line}").elements
    assert (element.kind, element.mark, element.text) == ("mark", mark, text)


def test_a_mark_inside_an_action_or_a_speech_is_split_off_in_order() -> None:
    scene = only_scene(
        "1-1 日 内 客厅\n△他摔门。 【音效：砰】\n甲：你走！【卡点】\n△他拿起【手机】。"
    )
    kinds = [(e.kind, e.mark or e.speaker, e.text) for e in scene.elements]
    assert kinds == [
        ("action", None, "他摔门。"),
        ("mark", "音效", "砰"),
        ("dialogue", "甲", "你走！"),
        ("mark", "卡点", "卡点"),
        ("action", None, "他拿起【手机】。"),
    ]


def test_a_flashback_encloses_its_action_between_two_marks() -> None:
    scene = only_scene("1-1 日 内 客厅\n【闪回】\n△十年前。\n【闪回结束】")
    assert [e.mark or e.kind for e in scene.elements] == ["闪回", "action", "闪回结束"]


def test_cast_lines_accept_every_separator() -> None:
    scene = only_scene("1-1 日 内 客厅\n出场人物：甲，乙/丙 丁、戊(旁观)\n△众人。")
    assert scene.characters == ["甲", "乙", "丙", "丁", "戊"]


def test_lines_before_the_first_scene_make_an_implicit_scene_only_when_there_are_any() -> None:
    script = parse_zh("第1集\n△片头。\n1-1 日 内 客厅\n△甲。\n第2集\n2-1 夜 外 街\n△乙。")
    first, second = script.episodes
    assert [(s.number, s.heading, s.line) for s in first.scenes] == [
        (None, "", 2),
        ("1-1", "1-1 日 内 客厅", 3),
    ]
    assert [s.number for s in second.scenes] == ["2-1"]


def test_a_script_without_any_header_is_one_episode_with_one_scene() -> None:
    script = parse_zh("《短》\n甲：你好。\n△乙点头。")
    assert script.title == "短"
    [(episode, scene)] = script.scenes()
    assert (episode.number, scene.number, len(scene.elements)) == (1, None, 2)


def test_text_with_no_script_in_it_is_reported_not_raised() -> None:
    script = parse_zh("大纲：只有一个大纲。\n还没有写正文。")
    assert script.episodes == []
    assert script.metadata["大纲"] == "只有一个大纲。\n还没有写正文。"
    assert [p.line for p in script.problems] == [1]


def test_a_speaker_alone_on_a_line_takes_the_words_from_the_next_line() -> None:
    [element] = only_scene("1-1 日 内 客厅\n甲：\n（小声）你也来了？").elements
    assert (element.speaker, element.parenthetical, element.text) == (
        "甲",
        "（小声）",
        "你也来了？",
    )
    assert element.line == 3


def test_a_repeated_episode_number_is_a_problem() -> None:
    script = parse_zh("第1集\n1-1 日 内 客厅\n△甲。\n第1集\n1-1 日 内 客厅\n△乙。")
    assert [(p.line, p.message) for p in script.problems] == [
        (4, "episode 1 appears again (first at line 1)")
    ]


def test_the_three_episode_fixture_reads_every_episode_scene_and_speaker() -> None:
    script = parse_zh((FIXTURES / "zh_three_episodes.txt").read_text(encoding="utf-8"))
    assert script.title == "重生之我在横店当替身"
    assert [(e.number, e.title, len(e.scenes)) for e in script.episodes] == [
        (1, "重生", 2),
        (2, "替身", 2),
        (3, "试镜", 1),
    ]
    marks = [e.mark for e in elements(script) if e.kind == "mark"]
    assert marks == ["字幕", "卡点", "闪回", "闪回结束", "付费点", "反转"]
    speakers = {e.speaker for e in elements(script) if e.kind == "dialogue"}
    assert speakers == {"周小满", "老纪", "顾言"}
    assert script.problems == []


def test_the_messy_fixture_reads_through_and_reports_garbled_lines_by_number() -> None:
    script = parse_zh((FIXTURES / "zh_messy.txt").read_text(encoding="utf-8"))
    assert script.title == "乱七八糟的剧本"
    assert [p.line for p in script.problems] == [20, 21, 22, 23, 29, 30]
    assert "王总" in script.problems[4].message
    assert [(e.number, e.title) for e in script.episodes] == [(1, "开始"), (2, "反击")]
    headings = [(s.number, s.location, s.line) for _, s in script.scenes()]
    assert headings == [
        ("1-1", "办公室", 7),
        (None, "走廊", 17),
        (None, "天台", 26),
        ("1", "咖啡厅", 33),
    ]
    first = script.episodes[0].scenes[0]
    assert first.characters == ["王总", "小李", "小张"]
    assert [(e.speaker, e.extension) for e in first.elements[1:]] == [
        ("小李", None),
        ("小张", "OS"),
        ("王总", None),
    ]
    assert script.episodes[1].scenes[0].elements[-1].mark == "卡点"


def test_element_text_keeps_full_width_punctuation_as_written() -> None:
    [element] = only_scene("1-1 日 内 客厅\n甲：你好！（笑）真的？").elements
    assert element.text == "你好！（笑）真的？"


def generated_script(episodes: int = 100, size: int = 80_000) -> str:
    """A long, well-formed script: `episodes` episodes of about size/episodes characters."""
    lines = ["《长剧》", "大纲：很长。", "人物小传：林星野（28）：创业者 苏晓（27）：工程师"]
    scene_text = [
        "人物：林星野、苏晓",
        "△林星野把最后一份文件塞进碎纸机。机器发出干涩的咀嚼声，像一地扯烂的绷带。",
        "苏晓：（站在门口）工商的人下午来封门。你还有三个小时收拾东西。",
        "林星野没回头。他盯着碎纸机出口吐出的白色条状物，一言不发。",
        "林星野：看我笑话？苏晓：数据不会说谎。清算报告出来了。",
        "【字幕：三小时后】",
    ]
    per_episode = size // episodes
    for episode in range(1, episodes + 1):
        lines.append(f"第{episode}集：第{episode}集的标题")
        written, scene = 0, 0
        while written < per_episode:
            scene += 1
            lines.append(f"{episode}-{scene} {'日' if scene % 2 else '夜'} 内 总裁办公室")
            lines.extend(scene_text)
            written += sum(len(line) for line in scene_text) + 12
        lines.append("【卡点】")
    return "\n".join(lines)


def test_a_hundred_episode_eighty_thousand_character_script_parses_without_problems() -> None:
    # Its speed is measured by `make bench` (bench/script_bench.py), not asserted here.
    text = generated_script()
    assert len(text) >= 80_000
    script = parse_zh(text)
    assert len(script.episodes) == 100
    assert script.problems == []
