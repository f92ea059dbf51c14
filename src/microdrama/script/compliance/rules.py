"""Compliance rule sets: versioned YAML files loaded from directories, validated, layered.

A rule set is the shipped default directory plus any user directories, in order:

- every ``*.yaml`` / ``*.yml`` file of every directory is read (files sorted by name);
- an id defined twice within one directory is an error naming both files;
- a rule in a later directory with the id of an earlier one replaces it (user override);
- ``disable: [ids]`` in any file removes those rules; an unknown id there is an error.

So ``microdrama script review FILE --rules DIR`` reviews with the defaults plus DIR's rules.
Texts and rules meet folded (`fold`, `fold_pattern`), so a rule written in traditional or
simplified characters matches a script written in either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from microdrama.errors import RuleFileError
from microdrama.script.variants import simplified_table

# Bump with an upgrade function when the file format changes; files carry it as `version`.
RULE_FILE_VERSION = 1

Severity = Literal["block", "warn", "info"]
# Where a text comes from: the document model's element kinds, titles and subtitle lines.
TextKind = Literal["action", "dialogue", "mark", "transition", "note", "other", "title", "subtitle"]
# What a context rule does to a hit: drop it, lower its severity one step, or leave it.
ContextAction = Literal["drop", "downgrade", "keep"]

# One code point for one, so that offsets in a folded text are offsets in the text as written:
# full-width ASCII to half-width, capitals to lower case, traditional characters to simplified.
FOLD: dict[int, int] = {
    **{code: ord(chr(code - 0xFEE0).lower()) for code in range(0xFF01, 0xFF5F)},
    **{code: code + 32 for code in range(ord("A"), ord("Z") + 1)},
    **simplified_table(),
}
_REGEX_TOKEN = re.compile(r"\\.|.", re.DOTALL)


def fold(text: str) -> str:
    """The text as rules see it (賭場 is 赌场, ＫＴＶ is ktv), offsets unchanged."""
    return text.translate(FOLD)


def fold_pattern(source: str) -> str:
    """A regex source that matches folded text: its literal characters folded as `fold` does."""

    def folded(token: re.Match[str]) -> str:
        # Full-width punctuation folds to ASCII that may be special (（ would open a group),
        # hence the escape; capitals stay, for re.IGNORECASE: \S and (?P<name> need theirs.
        char = token.group()[-1]
        code = FOLD.get(ord(char)) if not "A" <= char <= "Z" else None
        if code is None:
            return token.group()
        return re.escape(chr(code))

    return _REGEX_TOKEN.sub(folded, source)


def compile_pattern(source: str) -> re.Pattern[str]:
    """A rule pattern compiled to run over folded texts joined by newlines."""
    # MULTILINE: ^ and $ mark the start and end of each text (element, subtitle line).
    return re.compile(fold_pattern(source), re.MULTILINE | re.IGNORECASE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleContext(_Strict):
    """Context rules that keep false positives down."""

    # A negation word (不要, 别, 禁止 ...) shortly before the hit, in the same clause.
    negation: ContextAction = "downgrade"
    negation_window: int = Field(default=6, ge=0, le=30)
    # The hit is quoted inside a rebuke (你竟然说出‘滚’这种话？) or named after a forbidden
    # speech verb (不能骂人傻逼).
    rebuke: ContextAction = "drop"
    # Reporting, legal or educational framing (据报道, 涉嫌, 法院, 普法 ...) within
    # `report_window` characters of the hit, in the same sentence: a crime told, not shown.
    report: ContextAction = "downgrade"
    report_window: int = Field(default=10, ge=0, le=30)
    allow_in: tuple[TextKind, ...] = ()  # never report in these kinds of text
    only_in: tuple[TextKind, ...] = ()  # report only in these kinds (empty: everywhere)
    min_count: int = Field(default=1, ge=1)  # hits of the rule needed within one episode
    exclude_if_nearby: tuple[str, ...] = ()
    nearby_window: int = Field(default=10, ge=1, le=100)
    # Terms only: drop a hit that jieba does not segment as whole words (杀 in 杀青).
    word_boundary: bool = True

    @field_validator("exclude_if_nearby")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value):
            raise ValueError("entries must be non-empty")
        return value


class RuleSpec(_Strict):
    """One rule as written in a file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    category: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Severity
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    citation: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    context: RuleContext = RuleContext()
    note: str | None = None

    @field_validator("terms")
    @classmethod
    def _terms_are_words(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, term in enumerate(value):
            if not term.strip() or term != term.strip():
                raise ValueError(f"terms[{index}] {term!r} is empty or has surrounding spaces")
        return value

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, pattern in enumerate(value):
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"patterns[{index}] is not a valid regex: {error}") from None
            try:
                compiled = compile_pattern(pattern)
            except re.error as error:  # a character range whose ends fold out of order
                raise ValueError(
                    f"patterns[{index}] is not a valid regex once folded to simplified "
                    f"characters: {error}"
                ) from None
            if compiled.match(""):
                raise ValueError(f"patterns[{index}] matches the empty string")
        return value

    @model_validator(mode="after")
    def _has_something_to_match(self) -> RuleSpec:
        if not self.terms and not self.patterns:
            raise ValueError("a rule needs terms or patterns")
        return self


class SourceSpec(_Strict):
    """A document a rule file cites."""

    title: str = Field(min_length=1)
    issuer: str | None = None
    date: str | None = None
    url: str | None = None


class RuleFileSpec(_Strict):
    """A whole rule file."""

    version: int
    name: str = Field(min_length=1)
    description: str | None = None
    sources: tuple[SourceSpec, ...] = ()
    source_note: str | None = None
    disable: tuple[str, ...] = ()
    rules: tuple[RuleSpec, ...] = ()

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != RULE_FILE_VERSION:
            raise ValueError(f"unsupported version {value}; this release reads {RULE_FILE_VERSION}")
        return value


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule, with the file it came from."""

    id: str
    category: str
    severity: Severity
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    citation: str
    suggestion: str
    context: RuleContext
    file: str


# eq=False: identity hashing lets the engine cache its compiled matcher per rule set.
@dataclass(frozen=True, eq=False)
class RuleSet:
    """The rules in force after layering and disabling, in a stable order."""

    rules: tuple[Rule, ...]
    files: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id, if it is in force."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def categories(self) -> dict[str, int]:
        """How many rules each category has."""
        counts: dict[str, int] = {}
        for rule in self.rules:
            counts[rule.category] = counts.get(rule.category, 0) + 1
        return dict(sorted(counts.items()))


def default_rules_dir() -> Traversable:
    """The shipped default rule set (package data)."""
    return files("microdrama.script.compliance").joinpath("rules/default")


def load_rule_set(*directories: Path | Traversable, defaults: bool = True) -> RuleSet:
    """The default rules (unless `defaults` is false) layered with each directory in turn."""
    layers = ([default_rules_dir()] if defaults else []) + list(directories)
    in_force: dict[str, Rule] = {}
    disabled: list[tuple[str, str]] = []  # (rule id, file that disabled it)
    names: list[str] = []
    for directory in layers:
        seen: dict[str, str] = {}
        for name, spec in _read_directory(directory):
            names.append(name)
            disabled.extend((rule_id, name) for rule_id in spec.disable)
            for rule_spec in spec.rules:
                if rule_spec.id in seen:
                    raise RuleFileError(
                        name, [f"rule id {rule_spec.id!r} is also defined in {seen[rule_spec.id]}"]
                    )
                seen[rule_spec.id] = name
                in_force[rule_spec.id] = _rule(rule_spec, name)
    for rule_id, name in disabled:
        if rule_id not in in_force:
            raise RuleFileError(name, [f"disable: no rule has the id {rule_id!r}"])
    for rule_id, _ in disabled:
        in_force.pop(rule_id, None)
    return RuleSet(rules=tuple(in_force.values()), files=tuple(names))


def read_rule_file(path: Path | Traversable, name: str | None = None) -> RuleFileSpec:
    """One file, validated; every problem found is listed in the error."""
    label = name or str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise RuleFileError(label, [f"not UTF-8 text ({error.reason})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RuleFileError(label, [f"{where}invalid YAML: {problem}"]) from None
    if not isinstance(data, dict):
        raise RuleFileError(label, ["the file must be a mapping with version, name and rules"])
    try:
        return RuleFileSpec.model_validate(data)
    except ValidationError as error:
        raise RuleFileError(label, _problems(error, data)) from None


def _read_directory(directory: Path | Traversable) -> Iterable[tuple[str, RuleFileSpec]]:
    if not directory.is_dir():
        raise RuleFileError(str(directory), ["not a directory of rule files"])
    entries = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith((".yaml", ".yml"))),
        key=lambda entry: entry.name,
    )
    for entry in entries:
        name = str(entry) if isinstance(entry, Path) else f"{directory.name}/{entry.name}"
        yield name, read_rule_file(entry, name)


def _rule(spec: RuleSpec, file: str) -> Rule:
    return Rule(
        id=spec.id,
        category=spec.category,
        severity=spec.severity,
        terms=tuple(dict.fromkeys(spec.terms)),
        patterns=tuple(compile_pattern(pattern) for pattern in spec.patterns),
        citation=spec.citation,
        suggestion=spec.suggestion,
        context=spec.context,
        file=file,
    )


def _problems(error: ValidationError, data: dict[str, Any]) -> list[str]:
    """Each validation error as `rules[3] (id 'x').severity: message`."""
    problems = []
    for item in error.errors():
        location = item["loc"]
        parts: list[str] = []
        for index, key in enumerate(location):
            if isinstance(key, int):
                parts[-1] += f"[{key}]"
                if index == 1 and location[0] == "rules":
                    parts[-1] += _rule_label(data, key)
            else:
                parts.append(str(key))
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{'.'.join(parts) or 'file'}: {message}")
    return problems


def _rule_label(data: dict[str, Any], index: int) -> str:
    rules = data.get("rules")
    if isinstance(rules, list) and index < len(rules) and isinstance(rules[index], dict):
        rule_id = rules[index].get("id")
        if rule_id is not None:
            return f" (id {rule_id!r})"
    return ""
