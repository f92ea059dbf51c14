"""Compliance rule files: loading, validation errors that name file and field, layering."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

from microdrama.errors import ReadError, RuleFileError
from microdrama.script.compliance.rules import default_rules_dir, load_rule_set, read_rule_file

CATEGORIES = {
    "vulgarity",
    "violence_gore",
    "superstition",
    "money_worship",
    "minors",
    "discrimination",
    "false_claims",
    "gambling_drugs",
    "values",
}

RULE = """
  - id: {id}
    category: {category}
    severity: {severity}
    terms: [{terms}]
    citation: 测试条款
    suggestion: 改写
"""


def write_rules(directory: Path, name: str, rules: str = "", extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"version: 1\nname: test\n{extra}rules:{rules or ' []'}\n", encoding="utf-8")
    return path


def rule(
    rule_id: str, *, severity: str = "warn", terms: str = "测试词", category: str = "t"
) -> str:
    return RULE.format(id=rule_id, severity=severity, terms=terms, category=category)


def test_the_default_rule_set_has_every_category_and_cites_each_rule() -> None:
    rules = load_rule_set()
    assert set(rules.categories()) == CATEGORIES
    assert len(rules) >= 30
    for item in rules.rules:
        assert item.citation.strip() and item.suggestion.strip()
        assert "《" in item.citation or "国家广电总局" in item.citation


def test_every_default_file_names_its_sources_in_a_header_and_in_the_data() -> None:
    for entry in default_rules_dir().iterdir():
        text = entry.read_text(encoding="utf-8")
        assert text.startswith("#") and "Sources" in text.split("version:")[0]
        spec = read_rule_file(entry)
        assert spec.sources and spec.source_note


def test_the_default_lexicons_are_modest_but_real() -> None:
    rules = load_rule_set()
    for category in CATEGORIES:
        terms = [term for r in rules.rules if r.category == category for term in r.terms]
        patterns = [p for r in rules.rules if r.category == category for p in r.patterns]
        assert 1 <= len(terms) + len(patterns) <= 120, category


def test_the_default_rules_ship_as_package_data() -> None:
    folder = importlib.resources.files("microdrama.script.compliance").joinpath("rules/default")
    names = {entry.name for entry in folder.iterdir()}
    assert {f"{category}.yaml" for category in CATEGORIES} <= names


def test_a_bad_severity_names_the_file_the_rule_id_and_the_field(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.yaml", rule("mine.one") + rule("mine.two", severity="fatal"))
    with pytest.raises(RuleFileError) as caught:
        load_rule_set(tmp_path, defaults=False)
    message = str(caught.value)
    assert "mine.yaml" in message
    assert "rules[1] (id 'mine.two').severity" in message
    assert caught.value.file.endswith("mine.yaml")


def test_an_unknown_field_is_rejected_by_name(tmp_path: Path) -> None:
    text = rule("mine.one") + "    severty: warn\n"
    write_rules(tmp_path, "typo.yaml", text)
    with pytest.raises(RuleFileError, match=r"typo\.yaml: rules\[0\] \(id 'mine\.one'\)\.severty"):
        load_rule_set(tmp_path, defaults=False)


def test_an_unknown_context_field_is_rejected_with_its_path(tmp_path: Path) -> None:
    text = rule("mine.one") + "    context:\n      min_cnt: 2\n"
    write_rules(tmp_path, "ctx.yaml", text)
    with pytest.raises(RuleFileError, match=r"rules\[0\] \(id 'mine\.one'\)\.context\.min_cnt"):
        load_rule_set(tmp_path, defaults=False)


def test_every_problem_in_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = rule("a.one", severity="fatal") + rule("Bad Id")
    write_rules(tmp_path, "many.yaml", text)
    with pytest.raises(RuleFileError) as caught:
        load_rule_set(tmp_path, defaults=False)
    assert len(caught.value.problems) == 2


def test_invalid_yaml_names_the_file_and_the_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("version: 1\nname: x\nrules: [\n  - id: a\n", "utf-8")
    with pytest.raises(RuleFileError, match=r"broken\.yaml: line \d+: invalid YAML"):
        load_rule_set(tmp_path, defaults=False)


def test_an_invalid_regex_names_the_rule_and_the_pattern(tmp_path: Path) -> None:
    text = rule("mine.one").replace("terms: [测试词]", 'patterns: ["(未闭合"]')
    write_rules(tmp_path, "regex.yaml", text)
    with pytest.raises(RuleFileError, match=r"\(id 'mine\.one'\)\.patterns: patterns\[0\]"):
        load_rule_set(tmp_path, defaults=False)


def test_a_rule_needs_terms_or_patterns(tmp_path: Path) -> None:
    write_rules(tmp_path, "empty.yaml", rule("mine.one").replace("terms: [测试词]", "terms: []"))
    with pytest.raises(RuleFileError, match="needs terms or patterns"):
        load_rule_set(tmp_path, defaults=False)


def test_an_unsupported_version_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "v2.yaml").write_text("version: 2\nname: x\nrules: []\n", "utf-8")
    with pytest.raises(RuleFileError, match=r"v2\.yaml: version: unsupported version 2"):
        load_rule_set(tmp_path, defaults=False)


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n", "utf-8")
    with pytest.raises(RuleFileError, match="must be a mapping"):
        load_rule_set(tmp_path, defaults=False)


def test_duplicate_ids_across_files_of_one_directory_are_an_error(tmp_path: Path) -> None:
    write_rules(tmp_path, "a.yaml", rule("same.id"))
    write_rules(tmp_path, "b.yaml", rule("same.id"))
    with pytest.raises(
        RuleFileError, match=r"b\.yaml: rule id 'same\.id' is also defined in .*a\.yaml"
    ):
        load_rule_set(tmp_path, defaults=False)


def test_a_user_directory_adds_its_rules_to_the_defaults(tmp_path: Path) -> None:
    defaults = load_rule_set()
    write_rules(tmp_path, "house.yaml", rule("house.brand", terms="竞品甲"))
    layered = load_rule_set(tmp_path)
    assert len(layered) == len(defaults) + 1
    assert layered.get("house.brand") is not None


def test_a_user_rule_with_a_default_id_replaces_the_default(tmp_path: Path) -> None:
    write_rules(tmp_path, "override.yaml", rule("violence.gore", severity="info", terms="碎尸"))
    layered = load_rule_set(tmp_path)
    replaced = layered.get("violence.gore")
    assert replaced is not None
    assert replaced.severity == "info" and replaced.terms == ("碎尸",)
    assert replaced.file.endswith("override.yaml")
    assert len(layered) == len(load_rule_set())


def test_disable_removes_a_default_rule(tmp_path: Path) -> None:
    write_rules(tmp_path, "quiet.yaml", extra="disable: [money.luxury, values.affair]\n")
    layered = load_rule_set(tmp_path)
    assert layered.get("money.luxury") is None and layered.get("values.affair") is None
    assert len(layered) == len(load_rule_set()) - 2


def test_disabling_an_unknown_id_is_an_error(tmp_path: Path) -> None:
    write_rules(tmp_path, "quiet.yaml", extra="disable: [no.such.rule]\n")
    with pytest.raises(
        RuleFileError, match=r"quiet\.yaml: disable: no rule has the id 'no\.such\.rule'"
    ):
        load_rule_set(tmp_path)


def test_a_missing_directory_is_a_rule_file_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not a directory"):
        load_rule_set(tmp_path / "absent")


def test_a_rule_file_error_is_a_read_error() -> None:
    assert issubclass(RuleFileError, ReadError)
