"""The Final Draft parser: real Final Draft saves, styled runs, source lines, hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.errors import ScriptFormatError
from microdrama.script.document import Element, Script
from microdrama.script.parse.fdx import parse_fdx

SHARED_FDX = Path(__file__).resolve().parents[3].parent / "shared" / "scripts" / "fdx"


@pytest.fixture
def fdx_samples() -> Path:
    """The shared Final Draft samples in /work/shared, or a skip when they are not there."""
    if not SHARED_FDX.is_dir():
        pytest.skip(f"the shared script samples are not at {SHARED_FDX}")
    return SHARED_FDX


def elements(script: Script) -> list[Element]:
    return [element for _, scene in script.scenes() for element in scene.elements]


def test_the_final_draft_test_file_has_two_numbered_scenes_and_its_speakers(
    fdx_samples: Path,
) -> None:
    # SOURCES.md says three scenes; the file's <Content> holds two Scene Heading paragraphs.
    script = parse_fdx((fdx_samples / "TestFDX-FD.fdx").read_bytes())
    assert script.format == "fdx"
    assert (script.title, script.metadata["author"]) == ("FDX Test Script", "Ian")
    scenes = [scene for _, scene in script.scenes()]
    assert [(s.number, s.heading, s.interior, s.line) for s in scenes] == [
        ("1", "INT. RADIO STUDIO", "内", 5),
        ("2", "EXT. OUTSIDE THE FOOD STORE", "外", 51),
    ]
    speeches = [(e.speaker, e.extension, e.parenthetical) for e in elements(script) if e.speaker]
    assert speeches == [
        ("DJ", None, "(bored)"),
        ("DAVE", None, None),
        ("JIM", "OS", None),
        ("KAY", None, None),
    ]
    transitions = [e.text for e in elements(script) if e.kind == "transition"]
    assert transitions == ["CUT TO:", "FADE TO BLACK"]


def test_acts_become_marks_and_styled_runs_are_joined(fdx_samples: Path) -> None:
    script = parse_fdx((fdx_samples / "Extranormal-Pilot-excerpt.fdx").read_bytes())
    assert script.title == "EXTRANORMAL"
    marks = [(e.mark, e.text) for e in elements(script) if e.kind == "mark"]
    assert marks == [
        ("New Act", "COLD OPEN"),
        ("End Of Act", "END ACT ONE"),
        ("New Act", "TAG"),
        ("End Of Act", "END OF PILOT"),
    ]
    assert len([s for _, s in script.scenes() if s.heading]) == 3
    assert any("couldn’t" in e.text for e in elements(script))


def test_big_fish_has_its_scene_headings_and_every_line_points_into_the_file(
    fdx_samples: Path,
) -> None:
    data = (fdx_samples / "Big-Fish.fdx").read_bytes()
    script = parse_fdx(data)
    assert len([s for _, s in script.scenes() if s.heading]) == 192
    lines = data.decode("utf-8").split("\n")
    for element in elements(script)[:50]:
        assert "<Paragraph" in lines[element.line - 1]


def fdx(content: str, title_page: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<FinalDraft DocumentType="Script" Version="5">\n'
        f"<Content>\n{content}\n</Content>\n"
        f"<TitlePage><Content>{title_page}</Content></TitlePage>\n</FinalDraft>\n"
    )


def test_text_runs_are_concatenated_and_nested_scene_properties_ignored() -> None:
    script = parse_fdx(
        fdx(
            '<Paragraph Type="Scene Heading" Number="7"><SceneProperties><SceneArcBeats>'
            '<CharacterArcBeat Name="X"><Paragraph><Text>IGNORED</Text></Paragraph>'
            "</CharacterArcBeat></SceneArcBeats></SceneProperties>"
            '<Text>INT. </Text><Text Style="Bold">KITCHEN</Text><Text> - NIGHT</Text></Paragraph>\n'
            '<Paragraph Type="Character"><Text>ANN</Text><Text></Text></Paragraph>\n'
            '<Paragraph Type="Dialogue"><Text>First.</Text></Paragraph>\n'
            '<Paragraph Type="Parenthetical"><Text>(beat)</Text></Paragraph>\n'
            '<Paragraph Type="Dialogue"><Text>Second.</Text></Paragraph>\n'
            '<Paragraph Type="Action"><Text/></Paragraph>\n'
            '<Paragraph Type="Shot"><Text>CLOSE ON the cup.</Text></Paragraph>',
            "<Paragraph><Text>我的剧</Text></Paragraph><Paragraph><Text>by</Text></Paragraph>"
            "<Paragraph><Text>小明</Text></Paragraph>",
        )
    )
    assert (script.title, script.metadata["author"]) == ("我的剧", "小明")
    [(_, scene)] = script.scenes()
    assert (scene.number, scene.heading, scene.location, scene.time_of_day) == (
        "7",
        "INT. KITCHEN - NIGHT",
        "KITCHEN",
        "NIGHT",
    )
    assert [(e.kind, e.speaker, e.parenthetical, e.text, e.line) for e in scene.elements] == [
        ("dialogue", "ANN", None, "First.", 6),
        ("dialogue", "ANN", "(beat)", "Second.", 8),
        ("action", None, None, "CLOSE ON the cup.", 10),
    ]


def test_a_doctype_with_entities_is_refused_before_any_expansion() -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<FinalDraft><Content>'
        '<Paragraph Type="Action"><Text>&lol2;</Text></Paragraph></Content></FinalDraft>'
    )
    with pytest.raises(ScriptFormatError, match="laughs.fdx: .*DOCTYPE"):
        parse_fdx(laughs, name="laughs.fdx")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<FinalDraft><Content><Paragraph>", "damaged Final Draft XML"),
        ("", "damaged Final Draft XML"),
        ("<html><body/></html>", "not a Final Draft file"),
    ],
)
def test_broken_or_foreign_xml_raises_a_format_error_naming_the_file(
    data: str, message: str
) -> None:
    with pytest.raises(ScriptFormatError, match=f"broken.fdx: {message}"):
        parse_fdx(data, name="broken.fdx")


def test_a_file_with_no_paragraphs_has_no_episodes() -> None:
    script = parse_fdx(fdx(""))
    assert (script.episodes, script.title) == ([], None)
