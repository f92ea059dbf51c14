"""Episode endings, reversal and conflict density, and where to put the paywall.

How an ending is read (the last scene's last `TAIL_ELEMENTS` elements, notes ignored), strongest
kind first:

- ``marked``: a 【卡点】 mark.
- ``reveal``: a 【反转】 mark, or a word from `REVEAL_WORDS` in the last two spoken lines.
- ``interrupted``: the tail's last dialogue breaks off with ——, —, …, ..., -- or a dash.
- ``question``: the tail's last dialogue ends with ？ or ? (no one answers it after).

Densities are hits per 1,000 spoken characters (letters, digits and ideographs; punctuation and
spaces do not count). Reversal hits are 【反转】 marks plus `REVEAL_WORDS`; conflict hits are
`CONFLICT_WORDS` plus dialogue lines with two or more exclamation marks. The lexicons are kept
small on purpose: they rank episodes against each other, they do not judge a single line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from microdrama.script.document import Element, Episode

HookKind = Literal["marked", "reveal", "interrupted", "question"]
PaywallBasis = Literal["marked", "score", "none"]
Gettext = Callable[[str], str]

TAIL_ELEMENTS = 3
REVEAL_TAIL = 2  # reveal words count in the last two spoken lines only

# Weight of each ending in the paywall score; a writer's own 【卡点】 outranks any guess.
HOOK_WEIGHTS: dict[HookKind, float] = {
    "marked": 3.0,
    "reveal": 2.5,
    "interrupted": 2.0,
    "question": 1.5,
}
# Density terms are scaled so that a typical 800-character episode's densities (a few per
# 1,000) refine, but rarely overturn, the ending's weight.
REVERSAL_DENSITY_WEIGHT = 0.5
CONFLICT_DENSITY_WEIGHT = 0.2

REVEAL_WORDS: tuple[str, ...] = (
    "原来",
    "竟然",
    "竟是",
    "居然",
    "真相",
    "身份",
    "其实是",
    "没想到",
    "亲生",
    "it was you",
    "the truth is",
    "all along",
    "reveal",
)
CONFLICT_WORDS: tuple[str, ...] = (
    # 打 alone is a fight; 打开, 打算, 打电话 ... are not, so they are excluded below.
    "打",
    "骂",
    "滚",
    "离婚",
    "报警",
    "威胁",
    "背叛",
    "巴掌",
    "跪下",
    "闭嘴",
    "贱人",
    "废物",
    "凭什么",
    "休想",
    "报复",
    "get out",
    "slap",
    "divorce",
    "betray",
    "call the police",
    "shut up",
)
_NOT_A_FIGHT = "开|算|电话|扫|听|扮|工|车|招呼|印|包|量|理|造|折|扰|针|卡|字|的|球|游戏"


def _alternation(words: Sequence[str]) -> str:
    # Longest first, so 其实是 wins over a shorter overlapping word.
    return "|".join(
        "打(?!" + _NOT_A_FIGHT + ")" if word == "打" else re.escape(word)
        for word in sorted(words, key=len, reverse=True)
    )


_REVEAL = re.compile(_alternation(REVEAL_WORDS), re.IGNORECASE)
_CONFLICT = re.compile(_alternation(CONFLICT_WORDS), re.IGNORECASE)
_NOT_SPOKEN = re.compile(r"[\W_]+")
_CLOSERS = "\"'”’」』）)》 \t"
_QUESTION = re.compile(r"[?？][?？!！]*$")
_BROKEN_OFF = re.compile(r"(?:—|…|\.\.\.|--|–|-|－)$")


@dataclass(frozen=True, slots=True)
class EpisodeHooks:
    """How one episode ends, and how dense it is in reversals and conflict."""

    episode: int
    ends_on_hook: bool
    hook_kind: HookKind | None
    evidence_line: int | None
    evidence_text: str | None
    spoken_characters: int
    reversals: int
    conflicts: int
    paywall_mark_line: int | None

    @property
    def reversal_density(self) -> float:
        """Reversal hits per 1,000 spoken characters."""
        return _per_thousand(self.reversals, self.spoken_characters)

    @property
    def conflict_density(self) -> float:
        """Conflict hits per 1,000 spoken characters."""
        return _per_thousand(self.conflicts, self.spoken_characters)

    @property
    def score(self) -> float:
        """The paywall score: ending weight plus weighted densities."""
        weight = HOOK_WEIGHTS[self.hook_kind] if self.hook_kind else 0.0
        return (
            weight
            + REVERSAL_DENSITY_WEIGHT * self.reversal_density
            + CONFLICT_DENSITY_WEIGHT * self.conflict_density
        )


@dataclass(frozen=True, slots=True)
class PaywallSuggestion:
    """Which episode to put behind the paywall, and why."""

    episode: int | None
    basis: PaywallBasis
    reason: str  # the same sentence as `explanation` (the JSON export's field name)
    explanation: str
    line: int | None


def _per_thousand(hits: int, characters: int) -> float:
    return 1000.0 * hits / characters if characters else 0.0


def spoken_length(text: str) -> int:
    """Letters, digits and ideographs in `text`: the unit of every density."""
    return len(_NOT_SPOKEN.sub("", text))


def _bare_end(text: str) -> str:
    return text.rstrip().rstrip(_CLOSERS)


def _ending(episode: Episode) -> tuple[HookKind, Element] | None:
    if not episode.scenes:
        return None
    tail = [e for e in episode.scenes[-1].elements if e.kind != "note"][-TAIL_ELEMENTS:]
    for element in reversed(tail):
        # A paywall mark at the very end is a cliffhanger too: the viewer must pay to go on.
        if element.kind == "mark" and element.mark in ("卡点", "付费点"):
            return "marked", element
    for element in reversed(tail):
        if element.kind == "mark" and element.mark == "反转":
            return "reveal", element
    # A reveal word ends an episode only in its very last lines: one said earlier has
    # usually been answered (an arrest, a confession) by the time the episode closes.
    spoken = [e for e in tail if e.kind in ("dialogue", "action")][-REVEAL_TAIL:]
    for element in reversed(spoken):
        if _REVEAL.search(element.text):
            return "reveal", element
    last_line = next((e for e in reversed(tail) if e.kind == "dialogue"), None)
    if last_line is None:
        return None
    text = _bare_end(last_line.text)
    if _BROKEN_OFF.search(text):
        return "interrupted", last_line
    if _QUESTION.search(text):
        return "question", last_line
    return None


def episode_hooks(episode: Episode) -> EpisodeHooks:
    """Read an episode's ending and count its reversal and conflict hits."""
    texts: list[str] = []
    reversals = conflicts = 0
    paywall_line: int | None = None
    for scene in episode.scenes:
        for element in scene.elements:
            if element.kind == "mark":
                if element.mark == "反转":
                    reversals += 1
                elif element.mark == "付费点" and paywall_line is None:
                    paywall_line = element.line
            elif element.kind in ("dialogue", "action"):
                texts.append(element.text)
                if element.kind == "dialogue" and (
                    element.text.count("！") + element.text.count("!") >= 2
                ):
                    conflicts += 1
    # One pass over the joined text keeps this linear in the episode's length.
    joined = "\n".join(texts)
    reversals += len(_REVEAL.findall(joined))
    conflicts += len(_CONFLICT.findall(joined))
    ending = _ending(episode)
    kind, evidence = ending if ending else (None, None)
    return EpisodeHooks(
        episode=episode.number,
        ends_on_hook=kind is not None,
        hook_kind=kind,
        evidence_line=evidence.line if evidence else None,
        evidence_text=(evidence.text or evidence.mark or "")[:80] if evidence else None,
        spoken_characters=spoken_length(joined),
        reversals=reversals,
        conflicts=conflicts,
        paywall_mark_line=paywall_line,
    )


def _identity(message: str) -> str:
    return message


def _hook_phrase(kind: HookKind, gettext: Gettext) -> str:
    phrases: dict[HookKind, str] = {
        "marked": gettext("a 【卡点】 mark"),
        "reveal": gettext("a reveal"),
        "interrupted": gettext("an interrupted line"),
        "question": gettext("an unanswered question"),
    }
    return phrases[kind]


def suggest_paywall(
    hooks: Sequence[EpisodeHooks],
    *,
    first: int = 8,
    last: int = 15,
    gettext: Gettext | None = None,
) -> PaywallSuggestion:
    """The writer's 【付费点】, else the strongest hook in episodes first–last (earlier wins)."""
    _ = gettext or _identity
    in_range = [h for h in hooks if first <= h.episode <= last]
    # The writer's own 【付费点】 wins, in the range if there is one there, else wherever it is.
    marked = [h for h in hooks if h.paywall_mark_line is not None]
    if marked:
        chosen = min([h for h in marked if h in in_range] or marked, key=lambda h: h.episode)
        explanation = _("Episode {episode} carries a 【付费点】 mark (line {line})").format(
            episode=chosen.episode, line=chosen.paywall_mark_line
        )
        if chosen not in in_range:
            explanation += _(", outside the usual range of episodes {first}–{last}").format(
                first=first, last=last
            )
        return PaywallSuggestion(
            chosen.episode, "marked", explanation, explanation, chosen.paywall_mark_line
        )
    if not in_range:
        explanation = _(
            "The script has only {count} episode(s); the paywall range starts at episode {first}"
        ).format(count=len(hooks), first=first)
        return PaywallSuggestion(None, "none", explanation, explanation, None)
    # max() keeps the first of equal scores, and in_range is in episode order.
    ordered = sorted(in_range, key=lambda h: h.episode)
    best = max(ordered, key=lambda h: h.score)
    first_in, last_in = ordered[0].episode, ordered[-1].episode
    span = str(first_in) if first_in == last_in else f"{first_in}–{last_in}"
    if best.hook_kind is not None:
        ending = {
            "episode": best.episode,
            "hook": _hook_phrase(best.hook_kind, _),
            "line": best.evidence_line,
            "reversal": best.reversal_density,
        }
        if first_in == last_in:
            explanation = _(
                "Episode {episode} ends on {hook} (line {line}), reversal density "
                "{reversal:.1f} per 1,000 characters; it is the only episode in the paywall range"
            ).format(**ending)
        else:
            explanation = _(
                "Episode {episode} ends on {hook} (line {line}), reversal density "
                "{reversal:.1f} per 1,000 characters: the strongest hook in episodes {span}"
            ).format(**ending, span=span)
    else:
        explanation = _(
            "No episode in {span} ends on a hook; episode {episode} has the highest reversal "
            "({reversal:.1f}) and conflict ({conflict:.1f}) density per 1,000 characters"
        ).format(
            span=span,
            episode=best.episode,
            reversal=best.reversal_density,
            conflict=best.conflict_density,
        )
    return PaywallSuggestion(best.episode, "score", explanation, explanation, best.evidence_line)
