"""Script studio service: analyse an uploaded script (breakdown + review) and export it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from microdrama.errors import NotFoundError
from microdrama.i18n import Translator
from microdrama.script import export
from microdrama.script.breakdown import Breakdown, BreakdownConfig, breakdown
from microdrama.script.compliance.engine import Finding, has_blocking, review, review_texts
from microdrama.script.compliance.filing import FilingData
from microdrama.script.compliance.rules import RuleSet, load_rule_set
from microdrama.script.document import SCHEMA_VERSION, Script
from microdrama.script.parse import parse_bytes
from microdrama.script.parse.sources import normalise_newlines, read_source
from microdrama.script.subtitles import SUBTITLE_SUFFIXES, subtitle_lines

Gettext = Callable[[str], str]
ExportFormat = Literal["json", "csv", "characters.csv", "html", "uss"]
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "characters.csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "uss": "application/json",
}
MAX_SCRIPT_BYTES = 20 * 1024 * 1024


@dataclass
class Analysis:
    """A parsed script, its breakdown and its compliance findings."""

    name: str
    script: Script
    breakdown: Breakdown
    findings: list[Finding] = field(default_factory=list)
    # The file's text lines (None for Final Draft XML, whose lines are markup).
    source_lines: list[str] | None = None

    @property
    def blocking(self) -> bool:
        """Whether a finding of severity "block" was made."""
        return has_blocking(self.findings)


def script_lang(script: Script) -> str:
    """zh for the Chinese convention and for Fountain or Final Draft written in Chinese, else en."""
    if script.format == "zh":
        return "zh"
    words = [script.title or ""] + [
        element.text for _, scene in script.scenes() for element in scene.elements
    ]
    text = "".join(words)
    ideographs = len(_IDEOGRAPH.findall(text))
    # An ideograph carries about a word: compare it with Latin words, not letters.
    return "zh" if ideographs and ideographs >= len(_LATIN_WORD.findall(text)) else "en"


_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def translator(lang: str) -> Translator:
    """The message catalogue of a report language (zh or en)."""
    return Translator("zh_CN" if lang.startswith("zh") else "en")


@cache
def default_rules() -> RuleSet:
    """The shipped rule set, loaded once per process."""
    return load_rule_set()


def rules_from(directory: Path | None) -> RuleSet:
    """The default rules layered with the user's rule files in `directory`, if given."""
    return default_rules() if directory is None else load_rule_set(directory)


def analyse(
    data: bytes,
    *,
    filename: str,
    rules: RuleSet | None = None,
    filing: FilingData | None = None,
    config: BreakdownConfig | None = None,
    gettext: Gettext | None = None,
    lang: str | None = None,
) -> Analysis:
    """Parse, break down and review one script file (bytes as uploaded).

    Messages follow `gettext` when given, else `lang` (zh or en), else the script's own
    language: Chinese for the Chinese convention, English for Fountain and Final Draft.
    """
    script = parse_bytes(data, filename=filename)
    if gettext is None:
        gettext = translator(lang or script_lang(script)).gettext
    result = breakdown(script, config, gettext=gettext)
    findings = review(script, rules or default_rules(), filing=filing)
    source = read_source(data, filename=filename)
    lines = None if source.format == "fdx" else normalise_newlines(source.text).split("\n")
    return Analysis(Path(filename).name, script, result, findings, lines)


def review_subtitles(data: bytes, *, rules: RuleSet | None = None) -> list[Finding]:
    """Findings in a subtitle file (.srt, .vtt): every cue's text, with its line number."""
    return review_texts(subtitle_lines(data), rules or default_rules())


def is_subtitle(filename: str) -> bool:
    """Whether the file is a subtitle file rather than a script."""
    return Path(filename).suffix.lower() in SUBTITLE_SUFFIXES


def review_dict(analysis: Analysis) -> dict[str, Any]:
    """The review as JSON: findings, counts by severity and category, and whether it blocks."""
    by_severity: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for finding in analysis.findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        by_category[finding.category] = by_category.get(finding.category, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "file": analysis.name,
        "title": analysis.script.title,
        "blocking": analysis.blocking,
        "counts": {"severity": by_severity, "category": dict(sorted(by_category.items()))},
        "findings": [finding.to_dict() for finding in analysis.findings],
    }


def export_breakdown(
    analysis: Analysis, fmt: str, *, gettext: Gettext | None = None, lang: str = "zh-CN"
) -> str:
    """The breakdown as json, csv (scene list), characters.csv (matrix), html or uss."""
    if fmt == "json":
        return json.dumps(
            export.to_json_dict(analysis.script, analysis.breakdown), ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        return export.scene_list_csv(analysis.breakdown)
    if fmt == "characters.csv":
        return export.character_matrix_csv(analysis.breakdown)
    if fmt == "html":
        return export.to_html(analysis.script, analysis.breakdown, gettext=gettext, lang=lang)
    if fmt == "uss":
        return json.dumps(
            export.to_uss(analysis.script, analysis.breakdown), ensure_ascii=False, indent=2
        )
    raise ValueError(f"unknown format '{fmt}': use json, csv, characters.csv, html or uss")


def review_lines(analysis: Analysis) -> list[dict[str, Any]]:
    """Every line of the script in order, its kind, and the findings on it (for highlighting)."""
    on_line: dict[int, list[Finding]] = {}
    for finding in analysis.findings:
        if finding.line is not None:
            on_line.setdefault(finding.line, []).append(finding)
    kinds: dict[int, str] = {}
    for episode in analysis.script.episodes:
        kinds[episode.line] = "episode"
        for scene in episode.scenes:
            kinds[scene.line] = "scene"
            for element in scene.elements:
                kinds.setdefault(element.line, element.kind)
    if analysis.source_lines is not None:
        return [
            {
                "line": number,
                "text": text,
                "kind": kinds.get(number, "other"),
                "findings": on_line.get(number, []),
            }
            for number, text in enumerate(analysis.source_lines, start=1)
            if text.strip() or number in on_line
        ]
    rows: list[dict[str, Any]] = []
    for _episode, scene in analysis.script.scenes():
        rows.append({"kind": "scene", "line": scene.line, "text": scene.heading, "findings": []})
        for element in scene.elements:
            text = f"{element.speaker}：{element.text}" if element.speaker else element.text
            rows.append(
                {
                    "kind": element.kind,
                    "line": element.line,
                    "text": text,
                    "findings": on_line.get(element.line, []),
                }
            )
    return rows


# Uploads kept for their owner so that the studio page can link its exports.
def store_upload(data_dir: Path, *, data: bytes, filename: str, owner_id: int) -> str:
    """Keep an uploaded script under a content key; returns the key."""
    key = hashlib.sha256(data + str(owner_id).encode()).hexdigest()[:24]
    folder = data_dir / "scripts" / key
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "script.bin").write_bytes(data)
    meta = {
        "filename": Path(filename).name or "script.txt",
        "owner_id": owner_id,
        "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "bytes": len(data),
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return key


def list_uploads(data_dir: Path, *, owner_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The owner's uploaded scripts, newest first: key, file name, time, size."""
    found = []
    for meta_path in (data_dir / "scripts").glob("*/meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("owner_id") == owner_id:
            found.append({"key": meta_path.parent.name, **meta})
    found.sort(key=lambda m: (str(m.get("uploaded_at", "")), m["key"]), reverse=True)
    return found[:limit]


def load_upload(data_dir: Path, *, key: str, user_id: int, is_admin: bool) -> tuple[bytes, str]:
    """An upload's bytes and file name, for its owner (or an admin) only."""
    folder = data_dir / "scripts" / key
    if not key.isalnum() or not (folder / "meta.json").is_file():
        raise NotFoundError(f"no uploaded script {key}")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["owner_id"] != user_id and not is_admin:
        raise NotFoundError(f"no uploaded script {key}")
    return (folder / "script.bin").read_bytes(), str(meta["filename"])
