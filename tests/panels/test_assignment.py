"""Assigning experts to works: balanced, distinct, never against a conflict of interest."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from microdrama.panels.assignment import assign


def test_load_is_balanced_and_each_work_gets_distinct_experts() -> None:
    pairs, short = assign(list(range(10)), [1, 2, 3, 4, 5], per_work=3, conflicts={})
    load = Counter(expert for _, expert in pairs)
    assert short == [] and len(pairs) == 30
    assert max(load.values()) - min(load.values()) <= 1
    for work in range(10):
        experts = [e for w, e in pairs if w == work]
        assert len(set(experts)) == 3


def test_an_expert_never_reviews_a_work_of_their_own_company() -> None:
    pairs, _ = assign([100, 200], [1, 2, 3], per_work=2, conflicts={1: {100}})
    assert (100, 1) not in pairs and len([p for p in pairs if p[0] == 100]) == 2


def test_works_without_enough_free_experts_are_reported() -> None:
    pairs, short = assign([7], [1, 2], per_work=2, conflicts={2: {7}})
    assert pairs == [(7, 1)] and short == [7]


def test_existing_load_counts() -> None:
    pairs, _ = assign([1], [10, 20], per_work=1, conflicts={}, load={10: 5})
    assert pairs == [(1, 20)]


@given(
    works=st.lists(st.integers(0, 50), unique=True, max_size=20),
    experts=st.lists(st.integers(100, 130), unique=True, min_size=1, max_size=8),
    per_work=st.integers(1, 4),
)
def test_assignment_is_always_conflict_free_and_duplicate_free(
    works: list[int], experts: list[int], per_work: int
) -> None:
    conflicts = {e: {w for w in works if (w + e) % 3 == 0} for e in experts}
    pairs, short = assign(works, experts, per_work=per_work, conflicts=conflicts)
    assert len(pairs) == len(set(pairs))
    assert all(w not in conflicts[e] for w, e in pairs)
    for work in works:
        count = sum(1 for w, _ in pairs if w == work)
        assert count == per_work or work in short
