"""The Fountain parser on the official samples, the Chinese variants and each rule of the syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.script.document import Element, Script
from microdrama.script.parse.fountain import parse_fountain, split_cue, split_heading
from microdrama.script.parse.sources import decode_text

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "scripts"


@pytest.fixture
def samples() -> Path:
    """The shared script samples in /work/shared, or a skip when they are not there."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared script samples are not at {SHARED}")
    return SHARED


def read(path: Path) -> Script:
    text, problems = decode_text(path.read_bytes())
    assert problems == []
    return parse_fountain(text)


def elements(script: Script) -> list[Element]:
    return [element for _, scene in script.scenes() for element in scene.elements]


def headed(script: Script) -> list[str]:
    return [scene.heading for _, scene in script.scenes() if scene.heading]


def test_brick_and_steel_with_mixed_line_ends_has_eight_scenes_and_its_title_page(
    samples: Path,
) -> None:
    script = read(samples / "fountain" / "Brick-and-Steel.fountain")
    assert script.title == "BRICK & STEEL FULL RETIRED"
    assert script.metadata["author"] == "Stu Maschwitz"
    assert (
        script.metadata["contact"] == "Next Level Productions\n1588 Mission Dr.\nSolvang, CA 93463"
    )
    assert len(headed(script)) == 8
    first = script.scenes()[0][1]
    assert (first.heading, first.interior, first.location, first.time_of_day, first.line) == (
        "EXT. BRICK'S PATIO - DAY",
        "外",
        "BRICK'S PATIO",
        "DAY",
        13,
    )
    speakers = {e.speaker for e in elements(script) if e.kind == "dialogue"}
    assert {"BRICK", "STEEL"} <= speakers
    assert elements(script)[-1].text == "THE END"


def test_big_fish_keeps_extensions_and_agrees_with_the_fdx_scene_count(samples: Path) -> None:
    from microdrama.script.parse.fdx import parse_fdx

    fountain = read(samples / "fountain" / "Big-Fish.fountain")
    fdx = parse_fdx((samples / "fdx" / "Big-Fish.fdx").read_bytes())
    assert fountain.title == fdx.title == "Big Fish"
    count, other = len(headed(fountain)), len(headed(fdx))
    assert abs(count - other) <= 0.05 * other
    first = next(e for e in elements(fountain) if e.kind == "dialogue")
    assert (first.speaker, first.extension) == ("EDWARD", "VO")
    scene = next(s for _, s in fountain.scenes() if s.heading)
    assert (scene.interior, scene.location, scene.time_of_day) == (
        "内",
        "WILL’S BEDROOM",
        "NIGHT (1973)",
    )


def test_the_last_birthday_card_drops_sections_and_reads_forced_and_comma_headings(
    samples: Path,
) -> None:
    script = read(samples / "fountain" / "The-Last-Birthday-Card.fountain")
    assert len(headed(script)) == 48
    assert "BACK IN THE APARTMENT" in headed(script)
    scenes = [scene for _, scene in script.scenes() if scene.heading]
    assert (scenes[0].location, scenes[0].time_of_day) == ("SAN FRANCISCO APARTMENT", "DAY")
    first = elements(script)[0]
    assert (first.kind, first.text) == ("transition", "HERE WE GO:")
    assert not any(e.text.startswith(("#", "=")) for e in elements(script))


def test_afterwriting_samples_with_lowercase_keys_and_contd_extensions(samples: Path) -> None:
    memory = read(samples / "fountain" / "My-Living-Memory.fountain")
    assert (memory.title, memory.metadata["author"]) == ("My Living Memory", "Dan Rahmel")
    assert len(headed(memory)) == 9
    printing = read(samples / "fountain" / "Printing-Trouble.fountain")
    assert len(headed(printing)) == 29
    assert "CONT'D" in {e.extension for e in elements(printing)}


def test_the_chinese_fountain_story_has_nine_scenes_chinese_cues_and_notes(samples: Path) -> None:
    script = read(samples / "zh" / "afterwriting-cn_maozhuren-de-richang.fountain")
    assert script.title == "猫主人的日常"
    assert script.metadata["作者"] == "OrphBean"
    scenes = [scene for _, scene in script.scenes() if scene.heading]
    assert len(scenes) == 9
    assert (scenes[0].interior, scenes[0].location, scenes[0].time_of_day) == (
        "外",
        "猫城市",
        "清晨",
    )
    speakers = {e.speaker for e in elements(script) if e.kind == "dialogue"}
    assert {"橘猫大师", "小王", "野生人类首领", "主持猫"} <= speakers
    assert "续" in {e.extension for e in elements(script)}
    notes = [e for e in elements(script) if e.kind == "note"]
    assert len(notes) == 1 and notes[0].text.startswith("这个剧本展示了所有Fountain语法")


def test_the_tiny_chinese_sample_reads_full_width_colons_and_periods(samples: Path) -> None:
    script = read(samples / "zh" / "afterwriting_sc.fountain")
    assert (script.title, script.metadata["author"]) == ("电影", "匿名")
    [scene] = [scene for _, scene in script.scenes() if scene.heading]
    assert (scene.interior, scene.location, scene.time_of_day) == ("内", "医院", "天")
    speech = next(e for e in scene.elements if e.kind == "dialogue")
    assert (speech.speaker, speech.parenthetical, speech.text) == (
        "约翰",
        "（丢失）",
        "这是什么地方？",
    )


SYNTAX = """\
Title:
    _**MY SHOW**_
    Part Two
Author: Somebody
draft date: 2026

# Episode 1

INT. HOUSE - DAY #1A#

= The family wakes.

!SHOUTING FROM THE STAIRS.

@McCLANE
(quietly)
Yippee.
~A song line

BRICK ^
Hello.

STEEL ^
Hello too.

CUT TO:

> THE END <

.FLASHBACK

I/E. CAR - NIGHT

INT./EXT. PORCH - CONTINUOUS

EST. CITY - DAWN

> SMASH CUT

/* a scene
that was cut */
[[a note
on two lines]]
===
A *soft* and **loud** and _underlined_ word, \\*not emphasis\\*.

# 第2集 反击

外景. 天台 - 夜
"""


def test_every_fountain_element_is_recognised() -> None:
    script = parse_fountain(SYNTAX)
    assert script.title == "MY SHOW Part Two"
    assert script.metadata["draft date"] == "2026"
    assert [(e.number, e.title, e.line) for e in script.episodes] == [
        (1, None, 7),
        (2, "反击", 47),
    ]
    first = script.episodes[0].scenes[0]
    assert (first.number, first.heading, first.synopsis) == (
        "1A",
        "INT. HOUSE - DAY",
        "The family wakes.",
    )
    kinds = [(e.kind, e.speaker, e.text) for e in first.elements]
    assert kinds[:5] == [
        ("action", None, "SHOUTING FROM THE STAIRS."),
        ("dialogue", "McCLANE", "Yippee.\nA song line"),
        ("dialogue", "BRICK", "Hello."),
        ("dialogue", "STEEL", "Hello too."),
        ("transition", None, "CUT TO:"),
    ]
    assert first.elements[1].parenthetical == "(quietly)"
    assert first.elements[5].text == "THE END"
    interiors = [(s.heading, s.interior) for s in script.episodes[0].scenes[1:]]
    assert interiors == [
        ("FLASHBACK", None),
        ("I/E. CAR - NIGHT", "内外"),
        ("INT./EXT. PORCH - CONTINUOUS", "内外"),
        ("EST. CITY - DAWN", "外"),
    ]
    last = script.episodes[0].scenes[-1]
    assert [(e.kind, e.line) for e in last.elements] == [
        ("transition", 38),
        ("note", 42),
        ("action", 45),
    ]
    assert last.elements[1].text == "a note\non two lines"
    assert last.elements[2].text == "A soft and loud and underlined word, *not emphasis*."
    assert not any("cut" in e.text for e in elements(script))
    assert script.episodes[1].scenes[0].location == "天台"


@pytest.mark.parametrize(
    ("cue", "name", "extension"),
    [
        ("JIM (O.S.)", "JIM", "OS"),
        ("EDWARD (V.O.)(CONT’D)", "EDWARD", "VO"),
        ("MIKE (CONT'D)", "MIKE", "CONT'D"),
        ("小王（续）", "小王", "续"),
        ("DAVE", "DAVE", None),
    ],
)
def test_cue_extensions_are_normalised_and_the_telling_one_kept(
    cue: str, name: str, extension: str | None
) -> None:
    assert split_cue(cue) == (name, extension)


@pytest.mark.parametrize(
    ("heading", "fields"),
    [
        ("INT. HOUSE - KITCHEN - NIGHT", ("内", "HOUSE - KITCHEN", "NIGHT")),
        ("EXT. PARK, DAY", ("外", "PARK", "DAY")),
        ("int. bar", ("内", "bar", None)),
        ("内景. 豪华公寓 - 连续", ("内", "豪华公寓", "连续")),
        ("COLBY AND BRIAN DRIVING", (None, "COLBY AND BRIAN DRIVING", None)),
    ],
)
def test_headings_split_into_interior_location_and_time(
    heading: str, fields: tuple[str | None, str | None, str | None]
) -> None:
    assert split_heading(heading) == fields


def test_upper_case_lines_without_a_blank_line_around_them_are_not_cues_or_transitions() -> None:
    script = parse_fountain("INT. ROOM - DAY\n\nA RIVER.\n\nHe waits.\nCUT TO:\nthen more.\n")
    assert [(e.kind, e.text) for e in elements(script)] == [
        ("action", "A RIVER."),
        ("action", "He waits.\nCUT TO:\nthen more."),
    ]


def test_an_unclosed_note_or_boneyard_is_kept_as_text() -> None:
    script = parse_fountain("INT. ROOM - DAY\n\nHe says [[ nothing\n\n/* and more\n")
    assert [e.text for e in elements(script)] == ["He says [[ nothing", "/* and more"]


def test_crlf_and_lf_mixed_keep_their_line_numbers() -> None:
    from microdrama.script.parse import parse_text

    script = parse_text("INT. A - DAY\r\n\r\nOne.\n\nTWO\r\nHi.\r\n", format="fountain")
    assert [(e.kind, e.line) for e in elements(script)] == [("action", 3), ("dialogue", 6)]
