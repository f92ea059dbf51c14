"""Script breakdown: characters and their aliases, locations, day/night, screen-time arithmetic."""

from __future__ import annotations

import pytest

from microdrama.script.breakdown import (
    BreakdownConfig,
    breakdown,
    character_key,
    day_night,
    display_name,
)
from microdrama.script.document import Element, Episode, Problem, Scene, Script


def say(speaker: str, text: str, line: int = 1, extension: str | None = None) -> Element:
    return Element("dialogue", text, line, speaker=speaker, extension=extension)


def act(text: str, line: int = 1) -> Element:
    return Element("action", text, line)


def scene(
    *elements: Element,
    number: str = "1-1",
    time_of_day: str | None = "日",
    interior: str | None = "内",
    location: str | None = "林家客厅",
    characters: list[str] | None = None,
    line: int = 1,
) -> Scene:
    return Scene(
        number=number,
        line=line,
        heading=f"{number} {time_of_day} {interior} {location}",
        time_of_day=time_of_day,
        interior=interior,
        location=location,
        characters=characters or [],
        elements=list(elements),
    )


def script(*episodes: list[Scene], problems: list[Problem] | None = None) -> Script:
    return Script(
        title="测试剧",
        format="zh",
        episodes=[Episode(n, n, f"第{n}集", scenes) for n, scenes in enumerate(episodes, 1)],
        problems=problems or [],
    )


def test_a_name_and_its_os_form_are_one_character() -> None:
    result = breakdown(
        script([scene(say("张三", "你好。"), say("张三", "我在想……", extension="OS"))])
    )

    (zhang,) = result.characters
    assert (zhang.name, zhang.lines, zhang.aliases) == ("张三", 2, ("张三", "张三（OS）"))
    assert zhang.scenes == 1


def test_full_width_spaced_and_differently_cased_names_are_one_person_named_as_first_seen() -> None:
    result = breakdown(
        script(
            [
                scene(
                    say("ＪＯＨＮ", "Hi."),
                    say("John", "Hello there."),
                    say("JOHN", "Still me.", extension="V.O."),
                    say("张 三", "嗯。"),
                    characters=["张三（25岁，男主）", "John (CONT'D)"],
                )
            ]
        )
    )

    assert {c.name: c.lines for c in result.characters} == {"John": 3, "张三": 1}
    assert display_name("林晚　（OS）") == "林晚"
    assert character_key("Mary Jane") == character_key("MARY  JANE")


def test_a_trailing_de_is_kept_because_it_can_be_part_of_a_name() -> None:
    assert display_name("小的") == "小的"


def test_listed_characters_count_even_without_lines() -> None:
    result = breakdown(script([scene(say("林晚", "走吧。"), characters=["林晚", "保安"])]))

    guard = next(c for c in result.characters if c.name == "保安")
    assert (guard.lines, guard.episodes, guard.scenes) == (0, (1,), 1)
    assert result.characters[0].name == "林晚"


def test_characters_know_their_first_and_last_episode_and_lines_per_episode() -> None:
    result = breakdown(
        script(
            [scene(say("林晚", "一。"), say("林晚", "二。"))],
            [scene(say("顾承泽", "三。"))],
            [scene(say("林晚", "四五六。"), characters=["顾承泽"])],
        )
    )

    lin = next(c for c in result.characters if c.name == "林晚")
    gu = next(c for c in result.characters if c.name == "顾承泽")
    assert (lin.first_episode, lin.last_episode, lin.episodes) == (1, 3, (1, 3))
    assert lin.lines_by_episode == {1: 2, 3: 1}
    assert lin.spoken_by_episode == {1: 2, 3: 3}
    assert (gu.first_episode, gu.last_episode, gu.lines, gu.scenes) == (2, 3, 1, 2)


def test_scene_characters_are_the_listed_ones_then_the_speakers() -> None:
    result = breakdown(
        script([scene(say("苏曼", "哼。"), say("林晚", "嗯。"), characters=["林晚", "顾母"])])
    )

    assert result.scenes[0].characters == ("林晚", "顾母", "苏曼")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("日", "day"),
        ("夜", "night"),
        ("清晨", "day"),
        ("黄昏", "day"),
        ("凌晨", "night"),
        ("夜雨", "night"),
        ("日/夜", "day"),
        ("NIGHT", "night"),
        ("Day (flashback)", "day"),
        ("LATE NIGHT", "night"),
        ("EVENING", "night"),
        ("CONTINUOUS", None),
        ("连续", None),
        (None, None),
    ],
)
def test_times_of_day_map_to_day_or_night(written: str | None, expected: str | None) -> None:
    assert day_night(written) == expected


def test_locations_merge_on_whitespace_and_split_day_night_and_interior() -> None:
    result = breakdown(
        script(
            [
                scene(location="医院  走廊", time_of_day="日", interior="内"),
                scene(location="医院 走廊", time_of_day="夜", interior="外"),
                scene(location="医院　走廊", time_of_day="夜", interior="内外"),
                scene(location="街头", time_of_day="连续", interior=None),
            ]
        )
    )

    hospital, street = result.locations
    assert (hospital.name, hospital.scenes, hospital.day, hospital.night) == ("医院 走廊", 3, 1, 2)
    assert (hospital.interior, hospital.exterior, hospital.interior_exterior) == (1, 1, 1)
    assert (street.scenes, street.unknown_time) == (1, 1)


def test_duration_is_the_configured_arithmetic() -> None:
    result = breakdown(
        script(
            [
                scene(
                    say("林晚", "你好世界！"),  # 4 ideographs / 4 per s = 1.0 s
                    act("他走了。"),  # 3.0 s + 3 characters x 0.1 s = 3.3 s
                    say("JOHN", "I am here."),  # 3 words / 2.5 per s = 1.2 s
                    Element("mark", "【字幕：三年后】", 1, mark="字幕"),  # no screen time
                )  # plus one 1.0 s cut into the scene
            ]
        )
    )

    assert result.scenes[0].estimated_ms == 6500
    assert result.episodes[0].estimated_ms == 6500
    assert result.estimated_ms == 6500


def test_long_action_lines_are_capped_and_rates_come_from_the_config() -> None:
    config = BreakdownConfig(action_char_cap_seconds=2.0, scene_transition_seconds=0.0)
    result = breakdown(script([scene(act("长" * 100))]), config)

    assert result.scenes[0].estimated_ms == 5000


def test_an_episode_longer_than_the_target_is_flagged_with_a_reason() -> None:
    config = BreakdownConfig(episode_min_seconds=1, episode_max_seconds=5)
    long_scene = scene(*(say("林晚", "这是一句很长很长的台词。") for _ in range(10)))
    result = breakdown(script([long_scene], [scene(say("林晚", "好。"))]), config)

    flag = result.episodes[0].duration_flag
    assert flag is not None and flag.code == "too_long"
    assert "longer than the 5 s target" in flag.message
    assert result.episodes[1].duration_flag is None


def test_a_short_episode_is_flagged_and_messages_go_through_gettext() -> None:
    result = breakdown(script([scene(say("林晚", "好。"))]), gettext=lambda m: "译:" + m)

    flag = result.episodes[0].duration_flag
    assert flag is not None and flag.code == "too_short"
    assert flag.message.startswith("译:Estimated 1 s, shorter than the 60 s")


def test_the_config_rejects_an_inverted_paywall_range() -> None:
    with pytest.raises(ValueError, match="paywall"):
        BreakdownConfig(paywall_first=15, paywall_last=8)


def test_parser_problems_are_carried_into_the_breakdown() -> None:
    result = breakdown(script([scene()], problems=[Problem(7, "无法识别的行")]))

    assert result.problems == (Problem(7, "无法识别的行"),)


def test_a_hundred_episode_script_breaks_down_into_all_its_scenes() -> None:
    episodes = [
        [
            scene(
                *(
                    say("林晚" if k % 2 else "顾承泽", "你以为我还是从前那个任你欺负的人吗？")
                    if k % 3
                    else act("顾承泽推门而入，目光冷冷扫过众人。")
                    for k in range(16)
                ),
                Element("mark", "【卡点】", 1, mark="卡点"),
                number=f"{n}-{m}",
                location=f"地点{m}",
            )
            for m in range(1, 4)
        ]
        for n in range(1, 101)
    ]
    big = script(*episodes)
    assert sum(len(e.text) for _, s in big.scenes() for e in s.elements) >= 80_000

    # Its speed is measured by `make bench` (bench/script_bench.py), not asserted here.
    result = breakdown(big)

    assert len(result.scenes) == 300


def test_a_group_cue_is_a_line_for_each_speaker() -> None:
    from microdrama.script.parse import parse_text

    script = parse_text(
        "第1集\n1-1 日 内 客厅\n人物：林晚、顾辰\n林晚、顾辰（同时）：你好！\n林晚：再见。\n"
    )
    lines = {c.name: c.lines for c in breakdown(script).characters}
    assert lines == {"林晚": 2, "顾辰": 1}
