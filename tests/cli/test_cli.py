"""The command line as a user runs it: a subprocess, its output and its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..ingest.test_service import WORKS_ZH

COMMANDS = [
    ["import"],
    ["serve"],
    ["db", "upgrade"],
    ["demo", "generate"],
    ["demo", "load"],
]


def cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MICRODRAMA_DATA_DIR": str(data), "COLUMNS": "200"}
    env.pop("MICRODRAMA_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "microdrama", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = cli("--help", data=tmp_path)
    assert result.returncode == 0
    for name in ("import", "serve", "db", "demo"):
        assert name in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(tmp_path: Path, command: list[str]) -> None:
    result = cli(*command, "--help", data=tmp_path)
    assert result.returncode == 0 and "Example" in result.stdout


def test_an_import_with_bad_rows_exits_1_and_names_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "works.csv"
    bad.write_text("work_id,title,episodes\nW1,好剧,80\nW2,坏剧,八十\n", encoding="utf-8")
    result = cli("import", "works", str(bad), data=tmp_path / "var")
    assert result.returncode == 1
    assert (
        "episodes" in result.stdout
        and "3" in result.stdout
        and "nothing was imported" in result.stdout
    )


def test_a_good_import_exits_0_and_reports_what_it_created(tmp_path: Path) -> None:
    good = tmp_path / "works.csv"
    good.write_bytes(WORKS_ZH.encode("gbk"))
    result = cli("import", "works", str(good), data=tmp_path / "var")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 new" in result.stdout and "红果短剧" in result.stdout
    again = cli("import", "works", str(good), "--json", data=tmp_path / "var")
    assert again.returncode == 0 and '"updated": 2' in again.stdout


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = cli("import", "metrics", str(tmp_path / "nope.csv"), data=tmp_path / "var")
    assert (
        result.returncode == 1
        and "no such file" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_index_commands_run_end_to_end_and_repeat_byte_for_byte(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert cli("demo", "load", "--works", "200", "--days", "45", data=data).returncode == 0
    outputs = []
    for _ in range(2):
        computed = cli("index", "compute", "--period", "2025-11", data=data)
        assert computed.returncode == 0, computed.stdout + computed.stderr
        ranked = cli("index", "rank", "--period", "2025-11", "--format", "json", data=data)
        assert ranked.returncode == 0
        outputs.append(ranked.stdout)
    assert outputs[0] == outputs[1] and '"rank_low"' in outputs[0]
    first = json.loads(outputs[0])[0]["work_id"]
    explained = cli("index", "explain", first, "--period", "2025-11", "--format", "json", data=data)
    assert json.loads(explained.stdout)["rank"] == 1
    csv_out = cli(
        "index", "rank", "--period", "2025-11", "--format", "csv", "--top", "3", data=data
    )
    assert csv_out.stdout.startswith("\ufeffrank,rank_low,rank_high,work_id")
    assert len(csv_out.stdout.splitlines()) == 4
    experts = cli("index", "experts", "--period", "2025-11", data=data)
    assert experts.returncode == 0 and "leniency" in experts.stdout
    missing = cli("index", "rank", "--period", "2024-01", data=data)
    assert missing.returncode == 1 and "index compute" in missing.stderr
