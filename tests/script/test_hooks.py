"""Episode endings, reversal and conflict density, and the paywall suggestion."""

from __future__ import annotations

import pytest

from microdrama.script.document import Element, Episode, Scene
from microdrama.script.hooks import EpisodeHooks, episode_hooks, suggest_paywall


def say(speaker: str, text: str, line: int) -> Element:
    return Element("dialogue", text, line, speaker=speaker)


def act(text: str, line: int) -> Element:
    return Element("action", text, line)


def mark(name: str, line: int) -> Element:
    return Element("mark", f"【{name}】", line, mark=name)


def episode(*elements: Element, number: int = 1) -> Episode:
    opening = Scene("1", 1, "1 日 内 客厅", elements=[say("林晚", "早。", 2)])
    closing = Scene("2", 3, "2 夜 外 街头", elements=list(elements))
    return Episode(number, 1, None, [opening, closing])


@pytest.mark.parametrize(
    ("elements", "kind", "line"),
    [
        ((say("林晚", "你骗我。", 10), act("她转身离去。", 11), mark("卡点", 12)), "marked", 12),
        ((say("林晚", "走吧。", 10), mark("反转", 11)), "reveal", 11),
        ((say("林晚", "原来是你。", 10), act("雨停了。", 11)), "reveal", 10),
        ((act("他竟然没有死。", 10),), "reveal", 10),
        ((say("JOHN", "It was you all along.", 10),), "reveal", 10),
        ((say("林晚", "其实我一直想告诉你——", 10),), "interrupted", 10),
        ((say("林晚", "等等，那个人是……", 10),), "interrupted", 10),
        ((say("JOHN", "Wait, that's...", 10),), "interrupted", 10),
        ((say("林晚", "你到底是谁？", 10), act("他沉默不语。", 11)), "question", 10),
        ((say("林晚", "孩子是你的？！”", 10),), "question", 10),
    ],
)
def test_each_kind_of_hook_is_detected_with_its_evidence_line(
    elements: tuple[Element, ...], kind: str, line: int
) -> None:
    hooks = episode_hooks(episode(*elements))

    assert (hooks.ends_on_hook, hooks.hook_kind, hooks.evidence_line) == (True, kind, line)


def test_a_flat_ending_is_not_a_hook() -> None:
    hooks = episode_hooks(episode(say("林晚", "晚安。", 10), act("她关上了灯。", 11)))

    assert (hooks.ends_on_hook, hooks.hook_kind, hooks.evidence_line) == (False, None, None)


def test_a_question_that_is_answered_is_not_a_hook() -> None:
    hooks = episode_hooks(episode(say("林晚", "你是谁？", 10), say("顾承泽", "你的丈夫。", 11)))

    assert not hooks.ends_on_hook


def test_a_mark_outside_the_last_few_elements_does_not_count() -> None:
    late = [act(f"第{n}个镜头。", 20 + n) for n in range(4)]
    hooks = episode_hooks(episode(mark("卡点", 10), *late))

    assert not hooks.ends_on_hook


def test_a_cliffhanger_mark_outranks_a_question() -> None:
    hooks = episode_hooks(episode(say("林晚", "你是谁？", 10), mark("卡点", 11)))

    assert hooks.hook_kind == "marked"


def test_an_episode_without_scenes_has_no_hook() -> None:
    assert not episode_hooks(Episode(1, 1)).ends_on_hook


def test_reversal_density_counts_marks_and_reveal_words_per_thousand_characters() -> None:
    hooks = episode_hooks(episode(say("林晚", "原来是你", 10), mark("反转", 11)))

    # 早 + 原来是你 = 5 spoken characters; one word plus one mark.
    assert (hooks.spoken_characters, hooks.reversals) == (5, 2)
    assert hooks.reversal_density == pytest.approx(400.0)


def test_conflict_counts_fights_and_shouting_but_not_opening_a_door_or_phoning() -> None:
    hooks = episode_hooks(
        episode(
            act("他打开门，打算打电话。", 10),
            say("苏曼", "我要报警！你给我滚！", 11),
            say("林晚", "打他。", 12),
        )
    )

    # 报警, 滚, the two-exclamation line, and 打他.
    assert hooks.conflicts == 4


def hooks_for(count: int, **overrides: EpisodeHooks) -> list[EpisodeHooks]:
    flat = [EpisodeHooks(n, False, None, None, None, 800, 0, 0, None) for n in range(1, count + 1)]
    for key, value in overrides.items():
        flat[int(key.removeprefix("e")) - 1] = value
    return flat


def test_a_paywall_mark_in_range_is_suggested_as_marked() -> None:
    hooks = hooks_for(
        20,
        e5=EpisodeHooks(5, False, None, None, None, 800, 0, 0, 300),
        e12=EpisodeHooks(12, False, None, None, None, 800, 0, 0, 640),
        e14=EpisodeHooks(14, True, "marked", 700, "【卡点】", 800, 9, 9, None),
    )

    suggestion = suggest_paywall(hooks)

    assert (suggestion.episode, suggestion.basis, suggestion.line) == (12, "marked", 640)
    assert suggestion.reason == suggestion.explanation
    assert "line 640" in suggestion.explanation


def test_a_paywall_mark_outside_the_range_is_still_the_writers_choice() -> None:
    hooks = hooks_for(3, e2=EpisodeHooks(2, False, None, None, None, 800, 0, 0, 41))

    suggestion = suggest_paywall(hooks)

    assert (suggestion.episode, suggestion.basis, suggestion.line) == (2, "marked", 41)
    assert "outside the usual range of episodes 8–15" in suggestion.reason


def test_without_a_mark_the_strongest_hook_in_range_is_suggested_with_its_evidence() -> None:
    hooks = hooks_for(
        30,
        e3=EpisodeHooks(3, True, "marked", 100, "【卡点】", 800, 8, 8, None),
        e10=EpisodeHooks(10, True, "marked", 523, "【卡点】", 800, 2, 0, None),
        e11=EpisodeHooks(11, True, "question", 560, "你是谁？", 800, 2, 0, None),
    )

    suggestion = suggest_paywall(hooks)

    assert (suggestion.episode, suggestion.basis, suggestion.line) == (10, "score", 523)
    assert suggestion.reason == suggestion.explanation
    assert "Episode 10 ends on a 【卡点】 mark (line 523)" in suggestion.reason
    assert "2.5 per 1,000 characters" in suggestion.reason
    assert "episodes 8–15" in suggestion.reason


def test_equal_scores_go_to_the_earlier_episode() -> None:
    suggestion = suggest_paywall(hooks_for(20))

    assert suggestion.episode == 8
    assert "No episode in 8–15 ends on a hook" in suggestion.reason


def test_the_range_comes_from_the_arguments_and_shrinks_to_the_episodes_there() -> None:
    suggestion = suggest_paywall(hooks_for(4), first=2, last=9)

    assert suggestion.episode == 2
    assert "2–4" in suggestion.reason


def test_a_script_shorter_than_the_paywall_range_gets_no_suggestion() -> None:
    suggestion = suggest_paywall(hooks_for(5))

    assert (suggestion.episode, suggestion.basis, suggestion.line) == (None, "none", None)
    assert "only 5 episode(s)" in suggestion.reason


def test_paywall_reasons_go_through_gettext() -> None:
    suggestion = suggest_paywall(hooks_for(5), gettext=lambda message: "【译】" + message)

    assert suggestion.reason.startswith("【译】")


def test_an_episode_ending_on_a_paywall_mark_ends_on_a_hook() -> None:
    from microdrama.script.parse import parse_text

    script = parse_text("第1集\n1-1 日 内 客厅\n林晚：你到底是谁\n【付费卡点】\n")
    assert episode_hooks(script.episodes[0]).hook_kind == "marked"
