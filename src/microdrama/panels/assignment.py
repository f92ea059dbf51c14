"""Who reviews what: balanced load, conflicts of interest excluded. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def assign(
    works: Sequence[int],
    experts: Sequence[int],
    *,
    per_work: int,
    conflicts: Mapping[int, set[int]],
    load: Mapping[int, int] | None = None,
) -> tuple[list[tuple[int, int]], list[int]]:
    """Give each work `per_work` distinct experts, always the least loaded free of conflict.

    conflicts: expert → works they may not review (their own company's). Ties go to the expert
    listed first, so the result is deterministic. Returns (work, expert) pairs and the works
    that could not get `per_work` experts.
    """
    current = {expert: (load or {}).get(expert, 0) for expert in experts}
    order = {expert: position for position, expert in enumerate(experts)}
    pairs: list[tuple[int, int]] = []
    short: list[int] = []
    for work in works:
        eligible = [e for e in experts if work not in conflicts.get(e, set())]
        chosen = sorted(eligible, key=lambda e: (current[e], order[e]))[:per_work]
        for expert in chosen:
            current[expert] += 1
            pairs.append((work, expert))
        if len(chosen) < per_work:
            short.append(work)
    return pairs, short
