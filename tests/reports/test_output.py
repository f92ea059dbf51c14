"""The --out folder: refused when it is a file or someone else's, replaced whole when a report."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from microdrama.cli import app
from microdrama.cli.runtime import runtime
from microdrama.errors import ReportError
from microdrama.reports.content.queries import QUERIES
from tests.reports.conftest import Market


def _cli(market: Market, *args: str) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MICRODRAMA_DATA_DIR", str(market.settings.data_dir))
        patch.setenv("MICRODRAMA_DATABASE_URL", market.settings.resolved_database_url)
        runtime.cache_clear()
        try:
            return CliRunner().invoke(app, list(args))
        finally:
            runtime().engine.dispose()
            runtime.cache_clear()


def test_an_out_path_that_is_a_file_ends_the_command_with_a_message(
    market: Market, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    target.write_text("an earlier page", encoding="utf-8")
    result = _cli(
        market, "report", "build", "--period", "2025-11", "--out", str(target), "--no-compute"
    )
    assert result.exit_code == 1, result.output
    assert "is a file" in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "an earlier page"


def test_a_folder_holding_something_else_is_refused_and_left_alone(market: Market) -> None:
    folder = market.folder / "thesis"
    folder.mkdir()
    (folder / "chapter1.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(ReportError, match="holds no earlier report"):
        market.build("thesis", compute_missing=False)
    assert [p.name for p in folder.iterdir()] == ["chapter1.docx"]


def test_building_again_into_a_report_replaces_its_files_and_drops_stale_ones(
    market: Market,
) -> None:
    first = market.build("rebuilt", lang="en", compute_missing=False)
    stale = first.data / "old_chart.csv"
    stale.write_text("a,b\n1,2\n", encoding="utf-8")
    (first.out / "notes.txt").write_text("mine", encoding="utf-8")
    second = market.build("rebuilt", lang="zh", compute_missing=False)
    assert not stale.exists()
    assert {p.name for p in second.data.iterdir()} == {f"{name}.csv" for name in QUERIES}
    assert '<html lang="zh-CN">' in second.html.read_text(encoding="utf-8")
    assert (second.out / "notes.txt").read_text(encoding="utf-8") == "mine"  # not the report's
    assert not list(market.folder.glob(".rebuilt.*"))  # no staging folder left behind
