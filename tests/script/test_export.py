"""Breakdown exports: JSON schema, CSVs that parse back, USS and the standalone HTML report."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

from microdrama.script.breakdown import Breakdown, breakdown
from microdrama.script.document import SCHEMA_VERSION, Element, Episode, Problem, Scene, Script
from microdrama.script.export import (
    USS_VERSION,
    character_matrix_csv,
    scene_list_csv,
    to_html,
    to_json_dict,
    to_uss,
)


def say(speaker: str, text: str, line: int, extension: str | None = None) -> Element:
    return Element("dialogue", text, line, speaker=speaker, extension=extension)


def sample(title: str = "逆袭") -> tuple[Script, Breakdown]:
    one = Episode(
        1,
        2,
        "订婚宴",
        [
            Scene(
                "1-1",
                3,
                "1-1 日 内 林家客厅",
                "日",
                "内",
                "林家客厅",
                characters=["林晚", "顾母"],
                elements=[say("林晚", "你来干什么？", 5), say("顾母", "滚！", 6)],
            ),
            Scene(
                "1-2",
                8,
                "1-2 夜 外 街头",
                "夜",
                "外",
                "街头",
                elements=[
                    say("林晚", "我在想……", 9, extension="OS"),
                    Element("mark", "【卡点】", 10, mark="卡点"),
                ],
            ),
        ],
    )
    two = Episode(
        2,
        12,
        None,
        [
            Scene(
                "2",
                13,
                "第2场 内外/黄昏 地下停车场",
                "黄昏",
                "内外",
                "地下停车场",
                elements=[say("顾承泽", "上车。", 14)],
            )
        ],
    )
    script = Script(title, "zh", [one, two], problems=[Problem(11, "无法识别的行")])
    return script, breakdown(script)


def test_the_json_has_the_issue_schema_in_a_fixed_key_order() -> None:
    script, result = sample()
    data = to_json_dict(script, result)

    assert list(data) == [
        "schema_version",
        "title",
        "format",
        "metadata",
        "config",
        "totals",
        "episodes",
        "characters",
        "locations",
        "paywall_suggestion",
        "problems",
    ]
    assert data["schema_version"] == SCHEMA_VERSION
    episode = data["episodes"][0]
    assert {"number", "estimated_seconds", "ends_on_hook", "scenes"} <= set(episode)
    assert {"number", "time_of_day", "interior", "location", "characters", "line"} <= set(
        episode["scenes"][0]
    )
    assert {"name", "lines", "episodes"} <= set(data["characters"][0])
    assert {"name", "scenes"} <= set(data["locations"][0])
    assert {"episode", "reason"} <= set(data["paywall_suggestion"])
    assert data["problems"] == [{"line": 11, "message": "无法识别的行"}]


def test_the_json_carries_the_breakdown_values() -> None:
    script, result = sample()
    data = to_json_dict(script, result)

    first, second = data["episodes"]
    assert (first["ends_on_hook"], first["hook_kind"], first["hook_line"]) == (True, "marked", 10)
    assert [s["interior"] for s in first["scenes"] + second["scenes"]] == ["内", "外", "内外"]
    assert first["scenes"][0]["characters"] == ["林晚", "顾母"]
    lin = data["characters"][0]
    assert (lin["name"], lin["lines"], lin["episodes"]) == ("林晚", 2, [1])
    assert lin["aliases"] == ["林晚", "林晚（OS）"]
    assert data["paywall_suggestion"]["episode"] is None
    assert data["totals"]["scenes"] == 3


def test_the_json_is_serialisable_and_deterministic() -> None:
    script, result = sample()

    once = json.dumps(to_json_dict(script, result), ensure_ascii=False)
    again = json.dumps(to_json_dict(*sample()), ensure_ascii=False)

    assert once == again


def test_the_scene_list_csv_parses_back_with_one_row_per_scene() -> None:
    _, result = sample()
    rows = list(csv.reader(io.StringIO(scene_list_csv(result))))

    assert rows[0] == [
        "episode",
        "scene",
        "line",
        "time_of_day",
        "interior",
        "location",
        "characters",
        "estimated_seconds",
    ]
    assert len(rows) == 1 + len(result.scenes)
    assert all(len(row) == 8 for row in rows)
    assert rows[1][:7] == ["1", "1-1", "3", "日", "内", "林家客厅", "林晚、顾母"]
    assert float(rows[1][7]) == result.scenes[0].estimated_ms / 1000


def test_the_character_matrix_has_a_column_per_episode_and_row_totals() -> None:
    _, result = sample()
    rows = list(csv.reader(io.StringIO(character_matrix_csv(result))))

    assert rows[0] == ["character", "1", "2", "total"]
    assert len(rows) == 1 + len(result.characters)
    for row in rows[1:]:
        assert sum(int(cell) for cell in row[1:-1]) == int(row[-1])
    assert rows[1] == ["林晚", "2", "0", "2"]


def test_the_uss_export_has_every_scene_with_its_set_time_and_cast() -> None:
    script, result = sample()
    uss = to_uss(script, result, created=datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))
    body = uss["universalScheduleStandard"]

    scenes = [b for b in body["breakdowns"] if b["type"] == "scene"]
    assert [b["scene"] for b in scenes] == ["1-1", "1-2", "2-2"]
    assert body["version"] == USS_VERSION
    assert body["created"] == "2026-01-02T03:04:05.006Z"
    names = {e["id"]: e["name"] for e in body["elements"]}
    assert [names[i] for i in scenes[0]["elements"]] == ["内", "林家客厅", "日", "林晚", "顾母"]
    assert scenes[2]["_estimatedSeconds"] == result.scenes[2].estimated_ms / 1000


def test_the_uss_export_is_internally_consistent() -> None:
    script, result = sample()
    body = to_uss(script, result)["universalScheduleStandard"]

    ids = [body["id"]] + [
        o["id"] for k in ("breakdowns", "categories", "elements") for o in body[k]
    ]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids)
    in_categories = [i for category in body["categories"] for i in category["elements"]]
    assert sorted(in_categories) == sorted(e["id"] for e in body["elements"])
    assert {c["name"]: c["ucid"] for c in body["categories"]} == {
        "Set": 0,
        "INT/EXT": 1,
        "Day/Night": 2,
        "Cast Members": 100,
    }
    cast = next(c for c in body["categories"] if c["ucid"] == 100)
    assert len(cast["elements"]) == len(result.characters)
    for breakdown_object in body["breakdowns"]:
        assert all(i in set(in_categories) for i in breakdown_object["elements"])
        custom = set(breakdown_object) - {
            "id",
            "comments",
            "created",
            "description",
            "elements",
            "pages",
            "scene",
            "scriptPage",
            "time",
            "type",
        }
        assert all(key.startswith("_") for key in custom)
    assert (body["calendars"], body["stripboards"]) == ([], [])
    json.dumps(body)


def test_the_html_report_escapes_a_script_title() -> None:
    script, result = sample(title="<script>alert(1)</script>")

    html = to_html(script, result)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_html_report_is_standalone_and_shows_every_section() -> None:
    script, result = sample()

    html = to_html(script, result, gettext=lambda m: {"Episodes": "剧集"}.get(m, m))

    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "<link" not in html
    assert "剧集" in html
    for text in (
        "林家客厅",
        "林晚（OS）",
        "无法识别的行",
        "◆ Cliffhanger mark",
        "Noto Sans CJK SC",
    ):
        assert text in html
