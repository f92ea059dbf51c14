"""`microdrama script` as a user runs it: files in, JSON/CSV/HTML/USS out, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.test_cli import cli
from tests.conftest import SHARED

CLEAN = """《晚风》
第1集 重逢
1-1 日 内 咖啡馆
人物：林晚、顾承泽
△林晚推门进来，看见窗边的顾承泽。
林晚：好久不见。
顾承泽（OS）：她还是来了。
顾承泽：你终于肯见我了？
【卡点】
第2集 真相
2-1 夜 外 天台
人物：林晚
△风很大。
林晚：原来一切都是你安排的。
"""

BLOCKING = CLEAN + "林晚：我要把你开膛破肚，打得你血肉模糊！\n"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_breakdown_prints_the_required_json(tmp_path: Path) -> None:
    script = _write(tmp_path, "晚风.txt", CLEAN, encoding="gb18030")
    result = cli("script", "breakdown", str(script), data=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "晚风"
    first = data["episodes"][0]
    assert first["number"] == 1 and first["ends_on_hook"] is True
    scene = first["scenes"][0]
    assert (scene["number"], scene["time_of_day"], scene["interior"], scene["location"]) == (
        "1-1",
        "日",
        "内",
        "咖啡馆",
    )
    assert scene["line"] == 3
    names = {c["name"]: c for c in data["characters"]}
    assert names["顾承泽"]["lines"] == 2  # the （OS） line is the same person
    assert {loc["name"] for loc in data["locations"]} == {"咖啡馆", "天台"}
    assert set(data["paywall_suggestion"]) >= {"episode", "reason"}
    assert data["problems"] == []


def test_breakdown_writes_csv_scene_list_and_character_matrix(tmp_path: Path) -> None:
    script = _write(tmp_path, "script.txt", CLEAN)
    out = tmp_path / "out" / "scenes.csv"
    result = cli(
        "script", "breakdown", str(script), "--format", "csv", "--out", str(out), data=tmp_path
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig") as handle:
        scenes = list(csv.reader(handle))
    assert len(scenes) == 1 + 2
    matrix = out.with_name("scenes.characters.csv")
    with matrix.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert any(row[0] == "林晚" for row in rows[1:])


def test_breakdown_exports_uss_and_html(tmp_path: Path) -> None:
    script = _write(tmp_path, "script.txt", CLEAN)
    uss = cli("script", "breakdown", str(script), "--format", "uss", data=tmp_path)
    assert uss.returncode == 0, uss.stderr
    assert "universalScheduleStandard" in json.loads(uss.stdout)
    html = cli("script", "breakdown", str(script), "--format", "html", data=tmp_path)
    assert html.returncode == 0 and "<table" in html.stdout and "咖啡馆" in html.stdout


def test_review_exits_zero_without_and_one_with_a_blocking_finding(tmp_path: Path) -> None:
    clean = cli("script", "review", str(_write(tmp_path, "a.txt", CLEAN)), data=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert json.loads(clean.stdout)["blocking"] is False
    bad = cli("script", "review", str(_write(tmp_path, "b.txt", BLOCKING)), data=tmp_path)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    findings = json.loads(bad.stdout)["findings"]
    gore = [f for f in findings if f["severity"] == "block"]
    assert gore and gore[0]["line"] == BLOCKING.count("\n")
    assert set(gore[0]) >= {
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
    assert gore[0]["episode"] == 2 and gore[0]["citation"]


def test_review_html_highlights_the_finding(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = cli(
        "script",
        "review",
        str(_write(tmp_path, "b.txt", BLOCKING)),
        "--format",
        "html",
        "--out",
        str(out),
        data=tmp_path,
    )
    assert result.returncode == 1
    assert "<mark>" in out.read_text(encoding="utf-8")


def test_user_rules_extend_the_defaults(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "house.yaml").write_text(
        """version: 1
name: house style
rules:
  - id: house.no-coffee-brands
    category: advertising
    severity: block
    terms: [好久不见]
    citation: 公司内部规定第 1 条
    suggestion: 用虚构店名
""",
        encoding="utf-8",
    )
    result = cli(
        "script",
        "review",
        str(_write(tmp_path, "a.txt", CLEAN)),
        "--rules",
        str(rules),
        data=tmp_path,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert any(f["rule"] == "house.no-coffee-brands" for f in json.loads(result.stdout)["findings"])


def test_a_bad_rule_file_names_the_file_and_field(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text("version: 1\nname: x\nrules:\n  - id: a\n", encoding="utf-8")
    result = cli(
        "script",
        "review",
        str(_write(tmp_path, "a.txt", CLEAN)),
        "--rules",
        str(rules),
        data=tmp_path,
    )
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr


def test_a_fountain_sample_breaks_down(tmp_path: Path) -> None:
    sample = SHARED / "scripts" / "fountain" / "Brick-and-Steel.fountain"
    if not sample.exists():
        import pytest

        pytest.skip("shared samples missing")
    result = cli("script", "breakdown", str(sample), data=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert sum(len(e["scenes"]) for e in data["episodes"]) >= 8
    assert any(c["name"].upper() == "STEEL" for c in data["characters"])


def test_review_checks_the_filing_data_of_a_catalogue_work(tmp_path: Path) -> None:
    works = tmp_path / "works.csv"
    works.write_text(
        "work_id,title,episodes,investment_tier,filing_no\nW1,晚风,2,key,\n", encoding="utf-8"
    )
    imported = cli("import", "works", str(works), data=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    script = _write(tmp_path, "a.txt", CLEAN)
    result = cli("script", "review", str(script), "--work", "W1", data=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # 重点 without a number blocks
    filing = [f for f in json.loads(result.stdout)["findings"] if f["category"] == "filing"]
    assert filing and filing[0]["severity"] == "block"
    missing = cli("script", "review", str(script), "--work", "W404", data=tmp_path)
    assert missing.returncode == 2 and "W404" in missing.stderr


def test_a_screenplay_without_episodes_is_not_judged_as_a_short_drama_episode(
    tmp_path: Path,
) -> None:
    sample = SHARED / "scripts" / "fountain" / "Big-Fish.fountain"
    if not sample.exists():
        import pytest

        pytest.skip("shared samples missing")
    data = json.loads(cli("script", "breakdown", str(sample), data=tmp_path).stdout)
    assert len(data["episodes"]) == 1 and data["episodes"][0]["duration_flag"] is None
    assert data["paywall_suggestion"]["episode"] is None


def test_the_review_page_shows_every_line_of_the_script(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    script = _write(tmp_path, "b.txt", BLOCKING)
    cli("script", "review", str(script), "--format", "html", "--out", str(out), data=tmp_path)
    html = out.read_text(encoding="utf-8")
    for number, line in enumerate(BLOCKING.splitlines(), start=1):
        if line.strip():
            assert f'id="L{number}"' in html, line
    assert 'class="episode"' in html and 'class="mark"' in html
    assert "审查发现" in html  # a Chinese script gets a Chinese page


def test_an_empty_file_is_not_passed_as_reviewed(tmp_path: Path) -> None:
    empty = cli("script", "review", str(_write(tmp_path, "empty.txt", "\n\n")), data=tmp_path)

    assert empty.returncode == 2
    assert "empty.txt: nothing to review" in empty.stderr
