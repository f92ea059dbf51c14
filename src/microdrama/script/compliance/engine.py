"""Compliance review: a rule set matched against a script or subtitle lines, with context rules.

Terms are found with one Aho-Corasick automaton per rule set, patterns with regexes compiled
once, both over the folded text (full-width, capitals and traditional characters folded one
code point for one, see `rules.fold`); a finding shows the text as written. A hit that lies
inside a character's name (赌场 in 赌场老板, a speaker of the script) is not content and is
dropped. Then each hit passes the rule's context rules, cheapest first:

1. ``only_in`` / ``allow_in``: the kind of text (action, dialogue, mark, title, subtitle ...);
2. ``exclude_if_nearby``: one of these strings within ``nearby_window`` characters;
3. ``rebuke``: the hit is quoted inside a rebuke (你竟然说出‘滚’这种话？) or is what a
   forbidden speech verb names (不能骂人傻逼);
4. ``negation``: 不要/别/不能/禁止/拒绝/反对 ... within ``negation_window`` characters before it,
   in the same clause;
5. ``report``: reporting, legal or educational framing (据报道, 涉嫌, 法院, 普法 ...) within
   ``report_window`` characters, in the same sentence;
6. ``word_boundary`` (terms only): jieba segments the clause; a hit that straddles a word
   boundary is dropped (他妈 in 其他/妈妈, 大麻 in 大/麻烦), and a one-character term must be a
   word of its own (滚 but not 翻滚);
7. ``min_count``: the rule must hit that often within one episode.

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
from microdrama.script.compliance.rules import Rule, RuleSet, Severity, TextKind, fold
from microdrama.script.document import Script

SNIPPET = 120  # characters of context kept in a finding's text
_DOWNGRADE: dict[Severity, Severity] = {"block": "warn", "warn": "info", "info": "info"}
# 别 as "don't", not in 别人, 特别, 区别, 告别 ...
_BIE = r"(?<![特区分告性级类离识差个派辨鉴道送永惜判临话])别(?![人的墅处样致扭称具名号克])"
_NEGATION = re.compile(
    r"不要|不能|禁止|拒绝|反对|不许|不准|不该|不可以|严禁|杜绝|抵制|远离|不得|"
    rf"从不|从没|从来不|绝不|决不|不会|没有|{_BIE}"
)
_REBUKE = re.compile(
    r"竟然|居然|怎么能|怎么可以|怎能|这种话|这样的话|这种字眼|这种词|脏话|粗话|骂人|"
    r"不许(再)?说|不准(再)?说|别(再)?说|不要(再)?说|不该说|少说"
)
# A forbidden speech verb right before the hit: the word is named, not used (不能骂人傻逼).
_MENTION_WINDOW = 12  # characters looked back, within the clause
_MENTION = re.compile(
    rf"(不要|不能|不许|不准|不该|不可以|{_BIE}|少)再?(说|骂|讲|喊|叫)"
    r"(人|别人|他|她|你|我|他们|她们|你们|我们|大家|人家)?$"
)
# A crime told rather than shown: news, police and court wording, legal education.
# Someone spoken to, or a speaker's own threat: what a news report never says.
_ADDRESSED = re.compile(r"你|您|我(?:就|要|会|照样|一定|非|迟早|今天|明天)")
_REPORT = re.compile(
    r"据报道|据悉|报道称|新闻|本台消息|记者|通报|警方|公安机关|犯罪嫌疑人|嫌疑人|嫌犯|涉嫌|"
    r"被判|判处|判决|宣判|获刑|法院|检察院|公诉|起诉|刑事拘留|刑拘|被捕|落网|立案|案件|"
    r"普法|以案说法|警示"
)
_CLAUSE_END = frozenset("，。！？；：,.!?;:\n…")
_SENTENCE_END = frozenset("。！？!?\n")
# Texts are folded before any check, so ＂ and ＇ arrive as " and ', which open and close alike.
_QUOTES = {"‘": "’", "“": "”", "「": "」", "『": "』", '"': '"', "'": "'"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One hit of one rule at one line."""

    episode: int | None
    scene: str | None
    line: int | None  # None: not from a source line (filing data, a title from a file name)
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
    findings = _review_units(units, rules, names=_cast_names(script))
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
                by_term.setdefault(fold(term), []).append(index)
        self.automaton = ahocorasick.Automaton()
        for term, indexes in by_term.items():
            self.automaton.add_word(term, (len(term), tuple(indexes)))
        if by_term:
            self.automaton.make_automaton()
        self.has_terms = bool(by_term)
        # Rule patterns are compiled folded already (rules.compile_pattern).
        self.patterns = [
            (index, pattern) for index, rule in enumerate(rules.rules) for pattern in rule.patterns
        ]
        self.nearby = [
            tuple(fold(nearby) for nearby in rule.context.exclude_if_nearby) for rule in rules.rules
        ]


_COMPILED: weakref.WeakKeyDictionary[RuleSet, _Compiled] = weakref.WeakKeyDictionary()
_COMPILED_LOCK = threading.Lock()


def _compiled(rules: RuleSet) -> _Compiled:
    with _COMPILED_LOCK:
        compiled = _COMPILED.get(rules)
        if compiled is None:
            compiled = _COMPILED[rules] = _Compiled(rules)
        return compiled


def _cast_names(script: Script) -> frozenset[str]:
    """The folded names of the script's speakers and listed cast."""
    # A one-character name (a speaker cued 滚 or 狗) would hide the word everywhere.
    names = {
        name
        for _, scene in script.scenes()
        for name in (*scene.characters, *(element.speaker for element in scene.elements))
        if name and len(name.strip()) > 1
    }
    return frozenset(fold(name.strip()) for name in names)


def _script_units(script: Script) -> Iterable[_Unit]:
    if script.title:
        yield _Unit(None, None, script.title_line, "title", script.title)
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


def _review_units(
    units: list[_Unit], rules: RuleSet, *, names: frozenset[str] = frozenset()
) -> list[Finding]:
    if not units or not rules.rules:
        return []
    compiled = _compiled(rules)
    folded = _folded(units)
    kept: list[tuple[_Hit, Severity]] = []
    needs_boundary: list[tuple[_Hit, Severity]] = []
    for hit in _find(folded, compiled):
        unit, text, rule = units[hit.unit], folded[hit.unit], rules.rules[hit.rule]
        # Titles keep every hit: a set named 赌场 or a title with 霸总 is content.
        if names and unit.kind != "title" and _in_name(text, hit.start, hit.end, names):
            continue
        severity = _context_severity(hit, unit.kind, text, rule, compiled.nearby[hit.rule])
        if severity is None:
            continue
        if hit.term and rule.context.word_boundary:
            needs_boundary.append((hit, severity))
        else:
            kept.append((hit, severity))
    kept.extend(_on_word_boundaries(needs_boundary, folded))
    counts = Counter((units[hit.unit].episode, hit.rule) for hit, _ in kept)
    findings = []
    for hit, severity in kept:
        unit, rule = units[hit.unit], rules.rules[hit.rule]
        if counts[(unit.episode, hit.rule)] < rule.context.min_count:
            continue
        findings.append(_finding(hit, unit, rule, severity))
    return findings


def _folded(units: list[_Unit]) -> list[str]:
    """Each unit's text folded (see `rules.fold`), folded in one pass."""
    joined = fold("\n".join(unit.text for unit in units))
    texts, position = [], 0
    for unit in units:
        texts.append(joined[position : position + len(unit.text)])
        position += len(unit.text) + 1
    return texts


def _find(folded: list[str], compiled: _Compiled) -> list[_Hit]:
    """Every raw hit; the texts are joined so each matcher runs once over the whole script."""
    starts, position = [], 0
    for text in folded:
        starts.append(position)
        position += len(text) + 1
    joined = "\n".join(folded)

    def locate(start: int, end: int) -> int | None:
        index = bisect_right(starts, start) - 1
        return index if end <= starts[index] + len(folded[index]) else None

    raw: dict[tuple[int, int], list[_Hit]] = {}
    if compiled.has_terms:
        for last, (length, indexes) in compiled.automaton.iter(joined):
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


def _in_name(text: str, start: int, end: int, names: frozenset[str]) -> bool:
    """Whether text[start:end] lies inside an occurrence of one of the names."""
    hit = text[start:end]
    for name in names:
        if len(name) > end - start and hit in name:
            # An occurrence that covers the hit starts between end - len(name) and start.
            if text.find(name, max(0, end - len(name)), start + len(name)) >= 0:
                return True
    return False


def _context_severity(
    hit: _Hit, kind: TextKind, text: str, rule: Rule, nearby: tuple[str, ...]
) -> Severity | None:
    """The severity after the text-only context rules, or None when the hit is dropped."""
    context = rule.context
    if kind in context.allow_in or (context.only_in and kind not in context.only_in):
        return None
    start, end = hit.core_start, hit.core_end
    if nearby:
        window = text[max(0, start - context.nearby_window) : end + context.nearby_window]
        if any(word in window for word in nearby):
            return None
    actions = []
    if context.rebuke != "keep" and _in_rebuke(text, start, end):
        actions.append(context.rebuke)
    if context.negation != "keep" and _negated(text, start, context.negation_window):
        actions.append(context.negation)
    if context.report != "keep" and _reported(
        text, start, end, context.report_window, spoken=kind == "dialogue"
    ):
        actions.append(context.report)
    if "drop" in actions:
        return None
    return _DOWNGRADE[rule.severity] if actions else rule.severity


def _clause_start(text: str, start: int, window: int) -> int:
    clause = start
    while clause > 0 and start - clause < window and text[clause - 1] not in _CLAUSE_END:
        clause -= 1
    return clause


def _negated(text: str, start: int, window: int) -> bool:
    return _NEGATION.search(text, _clause_start(text, start, window), start) is not None


def _reported(text: str, start: int, end: int, window: int, *, spoken: bool) -> bool:
    """Whether report framing is within `window` characters of the hit, in its sentence, and
    the sentence speaks to no one: 敢去法院告我，我杀了你 is a threat, not a report. Spoken, the
    framing must open the sentence (a presenter's 据报道，…), not sit inside a character's plan
    (这批冰毒别让警方发现)."""
    first, last = start, end
    while first > 0 and text[first - 1] not in _SENTENCE_END:
        first -= 1
    while last < len(text) and text[last] not in _SENTENCE_END:
        last += 1
    if _ADDRESSED.search(text, first, last):
        return False
    if spoken:
        opening = len(text[first:last]) - len(text[first:last].lstrip(' \t“”"「『（('))
        return _REPORT.match(text, first + opening, last) is not None
    left, right = start, end
    while left > 0 and start - left < window and text[left - 1] not in _SENTENCE_END:
        left -= 1
    while right < len(text) and right - end < window and text[right] not in _SENTENCE_END:
        right += 1
    return any(
        framing.end() <= start or framing.start() >= end
        for framing in _REPORT.finditer(text, left, right)
    )


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


def _in_rebuke(text: str, start: int, end: int) -> bool:
    """Quoted inside a rebuke, or named by a forbidden speech verb (see the docstring)."""
    if _MENTION.search(text, _clause_start(text, start, _MENTION_WINDOW), start):
        return True
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
    candidates: list[tuple[_Hit, Severity]], folded: list[str]
) -> list[tuple[_Hit, Severity]]:
    """The hits whose terms jieba segments as whole words (see the module docstring)."""
    if not candidates:
        return []
    located: list[tuple[_Hit, Severity, str | None, int]] = []
    for hit, severity in candidates:
        text = folded[hit.unit]
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
