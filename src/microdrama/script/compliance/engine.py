"""Compliance review: a rule set matched against a script or subtitle lines, with context rules.

Terms are found with one Aho-Corasick automaton per rule set, patterns with regexes compiled
once; then each hit passes the rule's context rules, cheapest first:

1. ``only_in`` / ``allow_in``: the kind of text (action, dialogue, mark, title, subtitle ...);
2. ``exclude_if_nearby``: one of these strings within ``nearby_window`` characters;
3. ``rebuke``: the hit is quoted inside a rebuke (你竟然说出‘滚’这种话？);
4. ``negation``: 不要/别/不能/禁止/拒绝/反对 ... within ``negation_window`` characters before it,
   in the same clause;
5. ``word_boundary`` (terms only): jieba segments the clause; a hit that straddles a word
   boundary is dropped (他妈 in 其他/妈妈, 大麻 in 大/麻烦), and a one-character term must be a
   word of its own (滚 but not 翻滚);
6. ``min_count``: the rule must hit that often within one episode.

A pattern may name a group ``hit``: context rules then look at that group, not the whole match.
Patterns run with ``re.MULTILINE`` over the texts joined by newlines: ``^`` and ``$`` mark each
text, and a match that runs into the next text is discarded.
"""

from __future__ import annotations

import re
import threading
import weakref
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import ahocorasick

from microdrama.script.compliance import words
from microdrama.script.compliance.filing import FilingData, FilingIssue, check_filing
from microdrama.script.compliance.rules import Rule, RuleSet, Severity, TextKind
from microdrama.script.document import Script

SNIPPET = 120  # characters of context kept in a finding's text
_DOWNGRADE: dict[Severity, Severity] = {"block": "warn", "warn": "info", "info": "info"}
_NEGATION = re.compile(
    r"不要|不能|禁止|拒绝|反对|不许|不准|不该|不可以|严禁|杜绝|抵制|远离|不得|"
    r"从不|从没|从来不|绝不|决不|不会|没有|"
    # 别 as "don't", not in 别人, 特别, 区别, 告别 ...
    r"(?<![特区分告性级类离识差个派辨鉴道送永惜判临话])别(?![人的墅处样致扭称具名号克])"
)
_REBUKE = re.compile(
    r"竟然|居然|怎么能|怎么可以|怎能|这种话|这样的话|这种字眼|这种词|脏话|粗话|骂人|"
    r"不许(再)?说|不准(再)?说|别(再)?说|不要(再)?说|不该说|少说"
)
_CLAUSE_END = frozenset("，。！？；：,.!?;:\n…")
_QUOTES = {"‘": "’", "“": "”", "「": "」", "『": "』"}
# Full-width ASCII to half-width and upper to lower case, one character for one, so that
# offsets in the folded text are offsets in the original.
_FOLD = str.maketrans(
    {
        **{chr(code): chr(code - 0xFEE0).lower() for code in range(0xFF01, 0xFF5F)},
        **{chr(code): chr(code).lower() for code in range(ord("A"), ord("Z") + 1)},
    }
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One hit of one rule at one line."""

    episode: int | None
    scene: str | None
    line: int | None  # None: not from a source line (script title, filing data)
    text: str
    match: str
    rule: str
    category: str
    severity: Severity
    citation: str
    suggestion: str

    def to_dict(self) -> dict[str, object]:
        """The finding as the JSON report writes it."""
        return asdict(self)


def has_blocking(findings: Iterable[Finding]) -> bool:
    """Whether any finding has severity "block" (the CLI then exits with 1)."""
    return any(finding.severity == "block" for finding in findings)


def review(script: Script, rules: RuleSet, *, filing: FilingData | None = None) -> list[Finding]:
    """Every finding of the rules in the script (and its filing data, when given)."""
    units = list(_script_units(script))
    findings = _review_units(units, rules)
    if filing is not None:
        findings.extend(_filing_finding(issue) for issue in check_filing(filing))
    return sorted(findings, key=_order)


def review_texts(lines: Iterable[tuple[int, str]], rules: RuleSet) -> list[Finding]:
    """Findings in subtitle lines given as (line number, text); min_count spans all lines."""
    units = [_Unit(None, None, number, "subtitle", text) for number, text in lines]
    return sorted(_review_units(units, rules), key=_order)


@dataclass(frozen=True, slots=True)
class _Unit:
    episode: int | None
    scene: str | None
    line: int | None
    kind: TextKind
    text: str


@dataclass(slots=True)
class _Hit:
    unit: int
    rule: int
    start: int  # the whole match, for the finding's `match`
    end: int
    core_start: int  # what context rules look at: a pattern's `hit` group, else the match
    core_end: int
    term: bool


class _Compiled:
    """A rule set's automaton and regexes, built once per rule set."""

    def __init__(self, rules: RuleSet) -> None:
        by_term: dict[str, list[int]] = {}
        for index, rule in enumerate(rules.rules):
            for term in rule.terms:
                by_term.setdefault(term.translate(_FOLD), []).append(index)
        self.automaton = ahocorasick.Automaton()
        for term, indexes in by_term.items():
            self.automaton.add_word(term, (len(term), tuple(indexes)))
        if by_term:
            self.automaton.make_automaton()
        self.has_terms = bool(by_term)
        self.patterns = [
            (index, pattern) for index, rule in enumerate(rules.rules) for pattern in rule.patterns
        ]


_COMPILED: weakref.WeakKeyDictionary[RuleSet, _Compiled] = weakref.WeakKeyDictionary()
_COMPILED_LOCK = threading.Lock()


def _compiled(rules: RuleSet) -> _Compiled:
    with _COMPILED_LOCK:
        compiled = _COMPILED.get(rules)
        if compiled is None:
            compiled = _COMPILED[rules] = _Compiled(rules)
        return compiled


def _script_units(script: Script) -> Iterable[_Unit]:
    if script.title:
        yield _Unit(None, None, None, "title", script.title)
    for episode in script.episodes:
        if episode.title:
            yield _Unit(episode.number, None, episode.line, "title", episode.title)
        for scene in episode.scenes:
            if scene.location:  # a set such as 赌场 is content too
                yield _Unit(episode.number, scene.number, scene.line, "title", scene.location)
            if scene.synopsis:
                yield _Unit(episode.number, scene.number, scene.line, "note", scene.synopsis)
            for element in scene.elements:
                for text in (element.text, element.parenthetical):
                    if text:
                        yield _Unit(episode.number, scene.number, element.line, element.kind, text)


def _review_units(units: list[_Unit], rules: RuleSet) -> list[Finding]:
    if not units or not rules.rules:
        return []
    hits = _find(units, rules)
    kept: list[tuple[_Hit, Severity]] = []
    needs_boundary: list[tuple[_Hit, Severity]] = []
    for hit in hits:
        severity = _context_severity(hit, units[hit.unit], rules.rules[hit.rule])
        if severity is None:
            continue
        rule = rules.rules[hit.rule]
        if hit.term and rule.context.word_boundary:
            needs_boundary.append((hit, severity))
        else:
            kept.append((hit, severity))
    kept.extend(_on_word_boundaries(needs_boundary, units))
    counts = Counter((units[hit.unit].episode, hit.rule) for hit, _ in kept)
    findings = []
    for hit, severity in kept:
        unit, rule = units[hit.unit], rules.rules[hit.rule]
        if counts[(unit.episode, hit.rule)] < rule.context.min_count:
            continue
        findings.append(_finding(hit, unit, rule, severity))
    return findings


def _find(units: list[_Unit], rules: RuleSet) -> list[_Hit]:
    """Every raw hit; the texts are joined so each matcher runs once over the whole script."""
    compiled = _compiled(rules)
    starts, position = [], 0
    for unit in units:
        starts.append(position)
        position += len(unit.text) + 1
    joined = "\n".join(unit.text for unit in units)

    def locate(start: int, end: int) -> int | None:
        index = bisect_right(starts, start) - 1
        return index if end <= starts[index] + len(units[index].text) else None

    raw: dict[tuple[int, int], list[_Hit]] = {}
    if compiled.has_terms:
        for last, (length, indexes) in compiled.automaton.iter(joined.translate(_FOLD)):
            start, end = last + 1 - length, last + 1
            at = locate(start, end)
            if at is not None:
                local = (start - starts[at], end - starts[at])
                for rule in indexes:
                    raw.setdefault((at, rule), []).append(_Hit(at, rule, *local, *local, term=True))
    for rule, pattern in compiled.patterns:
        for match in pattern.finditer(joined):
            at = locate(match.start(), match.end())
            if at is None:
                continue
            whole = match.span()
            core = match.span("hit") if "hit" in pattern.groupindex else whole
            core = whole if core[0] < 0 else core
            start, end, core_start, core_end = (p - starts[at] for p in (*whole, *core))
            hit = _Hit(at, rule, start, end, core_start, core_end, term=False)
            raw.setdefault((at, rule), []).append(hit)
    hits = []
    for candidates in raw.values():
        # Overlapping hits of one rule (算命 in 算命先生, a term inside a pattern's match):
        # the leftmost, then the longest, wins.
        candidates.sort(key=lambda hit: (hit.start, hit.start - hit.end))
        reach = -1
        for hit in candidates:
            if hit.start >= reach:
                hits.append(hit)
                reach = hit.end
    return hits


def _context_severity(hit: _Hit, unit: _Unit, rule: Rule) -> Severity | None:
    """The severity after the text-only context rules, or None when the hit is dropped."""
    context = rule.context
    if unit.kind in context.allow_in or (context.only_in and unit.kind not in context.only_in):
        return None
    text, start, end = unit.text, hit.core_start, hit.core_end
    if context.exclude_if_nearby:
        window = text[max(0, start - context.nearby_window) : end + context.nearby_window]
        if any(nearby in window for nearby in context.exclude_if_nearby):
            return None
    actions = []
    if context.rebuke != "keep" and _in_quoted_rebuke(text, start, end):
        actions.append(context.rebuke)
    if context.negation != "keep" and _negated(text, start, context.negation_window):
        actions.append(context.negation)
    if "drop" in actions:
        return None
    return _DOWNGRADE[rule.severity] if actions else rule.severity


def _negated(text: str, start: int, window: int) -> bool:
    clause = start
    while clause > 0 and start - clause < window and text[clause - 1] not in _CLAUSE_END:
        clause -= 1
    return _NEGATION.search(text, clause, start) is not None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotation marks in a text, innermost included."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if stack and char == _QUOTES[stack[-1][0]]:
            spans.append((stack.pop()[1], index))
        elif char in _QUOTES:
            stack.append((char, index))
    return spans


def _in_quoted_rebuke(text: str, start: int, end: int) -> bool:
    body = text.strip()
    outer = (text.find(body), text.find(body) + len(body) - 1) if body else (-1, -1)
    for opened, closed in _quoted_spans(text):
        # Quotes around the whole line are the dialogue's own, not a quotation within it.
        if (opened, closed) == outer or not (opened < start and end <= closed):
            continue
        if _REBUKE.search(text[:opened] + "\x00" + text[closed + 1 :]):
            return True
    return False


def _on_word_boundaries(
    candidates: list[tuple[_Hit, Severity]], units: list[_Unit]
) -> list[tuple[_Hit, Severity]]:
    """The hits whose terms jieba segments as whole words (see the module docstring)."""
    if not candidates:
        return []
    located: list[tuple[_Hit, Severity, str | None, int]] = []
    for hit, severity in candidates:
        text = units[hit.unit].text
        run = next(
            (m for m in words.BLOCK.finditer(text) if m.start() <= hit.start < m.end()), None
        )
        if run is None or hit.end > run.end():
            located.append((hit, severity, None, 0))  # the term has non-word characters
        else:
            located.append((hit, severity, run.group(), run.start()))
    tokens = words.segment({block for _, _, block, _ in located if block is not None})
    kept = []
    for hit, severity, block, offset in located:
        if block is None or _whole_words(tokens[block], hit.start - offset, hit.end - offset):
            kept.append((hit, severity))
    return kept


def _whole_words(tokens: list[str], start: int, end: int) -> bool:
    position = 0
    for token in tokens:
        token_end = position + len(token)
        if position <= start and end <= token_end:  # inside one token
            return end - start > 1 or token_end - position == 1
        if position < start < token_end or position < end < token_end:
            return False  # straddles a boundary
        position = token_end
    return True


def _filing_finding(issue: FilingIssue) -> Finding:
    return Finding(
        episode=None,
        scene=None,
        line=None,
        text=issue.text,
        match=issue.match,
        rule=issue.rule,
        category="filing",
        severity=issue.severity,
        citation=issue.citation,
        suggestion=issue.suggestion,
    )


def _finding(hit: _Hit, unit: _Unit, rule: Rule, severity: Severity) -> Finding:
    return Finding(
        episode=unit.episode,
        scene=unit.scene,
        line=unit.line,
        text=_snippet(unit.text, hit.start, hit.end),
        match=unit.text[hit.start : hit.end],
        rule=rule.id,
        category=rule.category,
        severity=severity,
        citation=rule.citation,
        suggestion=rule.suggestion,
    )


def _snippet(text: str, start: int, end: int) -> str:
    text = text.strip() if len(text) <= SNIPPET else text
    if len(text) <= SNIPPET:
        return text
    margin = max(0, (SNIPPET - (end - start)) // 2)
    left, right = max(0, start - margin), min(len(text), end + margin)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def _order(finding: Finding) -> tuple[int, str, int, str, str]:
    line = -1 if finding.line is None else finding.line
    return (line, finding.rule, finding.episode or 0, finding.match, finding.text)
