"""Bootstrap intervals for scores and ranks, tiers from overlapping intervals, rank stability.

The bootstrap resamples summaries, not raw rows: a window total over n days with daily standard
deviation s is redrawn as total + √n·s·z (the central limit theorem for resampled days), an
audience rating with v votes as R + σ/√v·z, an expert mean as its estimate + se·z. That keeps
200 replicates of 100,000 works in seconds.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.stats import kendalltau

from microdrama.index.method.config import DATA_DIMENSIONS, IndexConfig
from microdrama.index.method.scoring import (
    F64,
    I64,
    Layout,
    cohort_percentiles,
    composite,
    ranks,
    row_dimensions,
    submetrics,
    to_works,
)

F32 = npt.NDArray[np.float32]
TIERS = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D")
# Replicates drawn at a time: bounds memory at (batch × rows) floats per array.
BATCH = 25
# Threads sharing a batch's sorts and searches (NumPy lets go of the interpreter while it sorts);
# each writes its own replicates, so the result does not depend on how many there are.
WORKERS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Noise:
    """Baseline sub-metrics per row and the standard deviation of each estimate."""

    baseline: dict[str, F64]
    sd: dict[str, F64]
    # Rows whose baseline values make up their cohort's percentile scale (eligible works);
    # None: every row.
    reference: npt.NDArray[np.bool_] | None = None
    # Sub-metrics driven by the same play counts move together in a replicate.
    shared_with_plays: frozenset[str] = frozenset(
        {"reach_raw", "watch_per_viewer", "interactions_per_k", "growth"}
    )


@dataclass(frozen=True)
class Expert:
    """Per work: corrected expert score (1–10, NaN if none) and its standard error."""

    score: F64
    se: F64


@dataclass(frozen=True)
class Intervals:
    """Point estimates and interval bounds per work."""

    score: F64
    score_low: F64
    score_high: F64
    rank: F64
    rank_low: F64
    rank_high: F64


def expert_percentiles(scores: F64, baseline: F64) -> F64:
    """Expert scores as 0–100 percentiles among the baseline's eligible works."""
    cohort = np.zeros(baseline.shape[-1], dtype=np.int64)
    return cohort_percentiles(scores, baseline, cohort)


def point_scores(
    noise: Noise,
    layout: Layout,
    expert: Expert,
    integrity: F64,
    eligible: np.ndarray,
    config: IndexConfig,
) -> tuple[dict[str, F64], F64, F64]:
    """Dimensions per work, expert percentile and composite score (NaN where not eligible)."""
    rows = {name: noise.baseline[name] for name in noise.baseline}
    scale = noise.reference
    pcts = {
        name: cohort_percentiles(
            v, v if scale is None else np.where(scale, v, np.nan), layout.cohort, layout.scales
        )
        for name, v in rows.items()
    }
    dims = {d: to_works(v, layout) for d, v in row_dimensions(pcts, config).items()}
    expert_pct = expert_percentiles(expert.score, expert.score)
    score = composite(dims, expert_pct, integrity, config)
    return dims, expert_pct, np.where(eligible, score, np.nan)


def bootstrap(
    noise: Noise,
    layout: Layout,
    expert: Expert,
    integrity: F64,
    eligible: np.ndarray,
    config: IndexConfig,
    point: F64,
) -> Intervals:
    """Replicate scores and ranks; the interval is the central `config.interval` share."""
    rng = np.random.default_rng(config.seed)
    plan = _plan(noise, layout, expert, integrity, eligible, config)
    ranked = np.flatnonzero(plan.known)
    draws = np.full((config.bootstrap, point.size), np.nan, dtype=np.float32)
    rank_draws = np.empty((config.bootstrap, ranked.size), dtype=np.float32)

    def shocks(batch: int) -> tuple[dict[str, F64], F64 | None]:
        """A batch's shocks, drawn in one fixed order (so the same whatever thread draws them)."""
        shape = (batch, layout.cohort.size)
        plays_shock = rng.standard_normal(shape)
        drawn = {
            name: plays_shock if name in noise.shared_with_plays else rng.standard_normal(shape)
            for name in noise.baseline
        }
        expert = None
        if plan.expert is not None:
            expert = rng.standard_normal((batch, layout.works))
        return drawn, expert

    sizes = [min(BATCH, config.bootstrap - d) for d in range(0, config.bootstrap, BATCH)]
    done = 0
    # The next batch's shocks are drawn (NumPy lets go of the interpreter) while the pool
    # works through this one's; the generator is only ever used by that one thread.
    with ThreadPoolExecutor(WORKERS) as pool, ThreadPoolExecutor(1) as drawer:
        drawing = drawer.submit(shocks, sizes[0]) if sizes else None
        for index, batch in enumerate(sizes):
            assert drawing is not None
            metric_shocks, expert_shock = drawing.result()
            if index + 1 < len(sizes):
                drawing = drawer.submit(shocks, sizes[index + 1])
            score = np.zeros((batch, layout.works))
            for name, shock in metric_shocks.items():
                if (part := plan.metrics.get(name)) is not None:
                    part.add_to(score, shock, clip=name != "growth", pool=pool)
            del metric_shocks
            if plan.expert is not None and expert_shock is not None:
                plan.expert.add_to(score, expert_shock, clip=False, pool=pool)
            del expert_shock
            score = score[:, ranked]
            draws[done : done + batch, ranked] = score
            ranks_out = rank_draws[done : done + batch]

            def rank(low: int, high: int, score: F64 = score, out: F32 = ranks_out) -> None:
                out[low:high] = _fast_ranks(score[low:high])

            _split(pool, batch, rank)
            done += batch
    tail = (1 - config.interval) / 2
    point_rank = ranks(point)
    # Works that are not ranked have no draws: their bounds stay NaN.
    low = np.full(point.shape, np.nan)
    high, rank_low, rank_high = low.copy(), low.copy(), low.copy()
    if ranked.size:
        score_bounds = np.empty((2, ranked.size))
        rank_bounds = np.empty((2, ranked.size))

        def bounds(first: int, last: int) -> None:
            works = ranked[first:last]
            score_bounds[:, first:last] = np.quantile(draws[:, works], [tail, 1 - tail], axis=0)
            ranks = rank_draws[:, first:last]
            rank_bounds[:, first:last] = np.quantile(ranks, [tail, 1 - tail], axis=0)

        with ThreadPoolExecutor(WORKERS) as pool:
            _split(pool, ranked.size, bounds)
        low[ranked], high[ranked] = score_bounds
        rank_low[ranked], rank_high[ranked] = rank_bounds
    return Intervals(
        score=point,
        score_low=np.fmin(low, point),
        score_high=np.fmax(high, point),
        rank=point_rank,
        rank_low=np.fmin(np.floor(rank_low), point_rank),
        rank_high=np.fmax(np.ceil(rank_high), point_rank),
    )


@dataclass(frozen=True)
class _Drawn:
    """The known values of one sub-metric, cohort after cohort: how each is drawn, the cohort's
    sorted baseline, and how much its percentile adds to its work's score."""

    rows: I64  # positions in the layout, grouped by cohort
    cuts: list[tuple[int, int]]  # each cohort's [start, end) in `rows`
    base: F64
    sd: F64
    references: list[F64]
    weights: sparse.csr_array  # (rows, works): the percentile's weight in the work's score

    def add_to(self, score: F64, shock: F64, *, clip: bool, pool: Executor) -> None:
        """Add what the percentiles of a batch of replicates give each work to its `score`,
        given every layout row's shock; threads take a share of the replicates each."""

        def replicates(low: int, high: int) -> None:
            drawn = self.base + self.sd * np.take(shock[low:high], self.rows, axis=1)
            if clip:
                np.maximum(drawn, 0.0, out=drawn)
            out = np.empty(drawn.shape)
            for (start, end), reference in zip(self.cuts, self.references, strict=True):
                _percentiles(drawn[:, start:end], reference, out=out[:, start:end])
            score[low:high] += out @ self.weights

        _split(pool, score.shape[0], replicates)


@dataclass(frozen=True)
class _Plan:
    """What stays fixed across replicates: a drawn value is unknown exactly where its baseline
    is, so every renormalised weight on the way from percentiles to the score is fixed too, and
    a replicate's score is a weighted sum of its percentiles."""

    metrics: dict[str, _Drawn]
    expert: _Drawn | None
    known: npt.NDArray[np.bool_]  # works with a score (eligible, some data dimension known)


def _plan(
    noise: Noise,
    layout: Layout,
    expert: Expert,
    integrity: F64,
    eligible: np.ndarray,
    config: IndexConfig,
) -> _Plan:
    """The weight of each sub-metric's percentile in its work's score, cohort by cohort."""
    works = layout.works
    known = {name: ~np.isnan(values) for name, values in noise.baseline.items()}
    metrics = submetrics(config)
    # Inside a row's dimension: each known sub-metric's share of the dimension's weight.
    share: dict[str, F64] = {}
    row_known: dict[str, npt.NDArray[np.bool_]] = {}
    for dimension in DATA_DIMENSIONS:
        names = [n for n, (d, _) in metrics.items() if d == dimension]
        total = np.zeros(layout.cohort.size)
        for n in names:
            total += np.where(known[n], metrics[n][1], 0.0)
        row_known[dimension] = total > 0
        for n in names:
            share[n] = np.where(known[n], metrics[n][1] / np.where(total > 0, total, 1.0), 0.0)
    # Across a work's platforms: each row's share of the plays of the rows knowing the dimension;
    # across dimensions: each known dimension's share of the data weights.
    weights = config.data_weights()
    row_share: dict[str, F64] = {}
    data_total = np.zeros(works)
    for dimension in DATA_DIMENSIONS:
        weight = np.where(row_known[dimension], layout.weight, 0.0)
        per_work = np.bincount(layout.work, weights=weight, minlength=works)
        row_share[dimension] = weight / np.where(per_work > 0, per_work, 1.0)[layout.work]
        data_total += np.where(per_work > 0, weights[dimension], 0.0)
    data_known = data_total > 0
    has_expert = ~np.isnan(expert.score)
    blend = config.data_weight + config.expert_weight
    data_part = np.where(has_expert, config.data_weight / blend, 1.0)
    scale = integrity * data_part / np.where(data_known, data_total, 1.0)
    drawn: dict[str, _Drawn] = {}
    for name, (dimension, _) in metrics.items():
        coef = weights[dimension] * scale[layout.work] * row_share[dimension] * share[name]
        rows = np.flatnonzero(known[name])
        if rows.size:
            drawn[name] = _drawn(
                rows,
                layout.cohort[rows],
                noise.baseline[name],
                noise.sd[name],
                coef,
                layout.work,
                works,
                reference=noise.reference,
                scales=layout.scales,
            )
    reviewed = np.flatnonzero(has_expert)
    expert_drawn = None
    if reviewed.size:
        expert_drawn = _drawn(
            reviewed,
            np.zeros(reviewed.size, np.int64),
            expert.score,
            expert.se,
            integrity * config.expert_weight / blend,
            np.arange(works),
            works,
        )
    known_works = np.asarray(eligible, dtype=bool) & data_known
    return _Plan(metrics=drawn, expert=expert_drawn, known=known_works)


def _drawn(
    rows: I64,
    cohort: I64,
    base: F64,
    sd: F64,
    coef: F64,
    work: I64,
    works: int,
    *,
    reference: npt.NDArray[np.bool_] | None = None,
    scales: list[I64] | None = None,
) -> _Drawn:
    """`base` and `reference` (the rows that may make up a scale) are over all layout rows;
    `rows` are the ones drawn, `cohort` theirs; `scales` as in `Layout`."""
    order = np.argsort(cohort, kind="stable")
    rows, cohort = rows[order], cohort[order]
    edges = [0, *(np.flatnonzero(np.diff(cohort)) + 1).tolist(), rows.size]
    cuts = list(itertools.pairwise(edges))
    values = base[rows]
    scale = base if reference is None else np.where(reference, base, np.nan)
    # Each cohort's scale: the baselines of its scale's rows, or of its own drawn rows.
    references = [
        _known_sorted(scale[rows[start:end]] if scales is None else scale[scales[cohort[start]]])
        for start, end in cuts
    ]
    return _Drawn(
        rows=rows,
        cuts=cuts,
        base=values,
        sd=sd[rows],
        references=references,
        weights=sparse.csr_array(
            (coef[rows], (np.arange(rows.size), work[rows])), shape=(rows.size, works)
        ),
    )


def _known_sorted(values: F64) -> F64:
    ordered = np.sort(values)
    return ordered[: int(np.count_nonzero(~np.isnan(ordered)))]


def _percentiles(drawn: F64, reference: F64, *, out: F64) -> None:
    """0–100 percentile of each drawn value among the sorted reference (average rank of ties).

    The same as `cohort_percentiles`, computed faster: each replicate's values are sorted
    first, so that the binary searches walk the reference in order.
    """
    if reference.size == 0:
        out.fill(np.nan)  # a cohort with no ranked work has no scale
        return
    order = np.argsort(drawn, axis=1)
    ordered = np.take_along_axis(drawn, order, axis=1)
    below = np.searchsorted(reference, ordered, side="left")
    through = below.copy()
    tied = reference[np.minimum(below, reference.size - 1)] == ordered
    if tied.any():
        through[tied] = np.searchsorted(reference, ordered[tied], side="right")
    below += through  # twice the average rank: an index into the table of percentiles
    np.put_along_axis(out, order, _percentile_table(reference.size)[below], axis=1)


@functools.cache
def _percentile_table(size: int) -> F64:
    """100·k / (2·size) for k = 0 … 2·size: the percentile of twice an average rank k."""
    table = 100.0 * np.arange(2 * size + 1, dtype=np.int64) / (2.0 * size)
    return table.astype(np.float64, copy=False)


def _split(pool: Executor, n: int, work: Callable[[int, int], None]) -> None:
    """Runs `work(low, high)` on the pool over about equal parts of range(n), and waits."""
    bounds = np.linspace(0, n, min(WORKERS, n) + 1).astype(int).tolist()
    for future in [pool.submit(work, low, high) for low, high in itertools.pairwise(bounds)]:
        future.result()


def _fast_ranks(scores: F64) -> npt.NDArray[np.float32]:
    """1 = best per replicate row, for scores without NaN (ties in any fixed order)."""
    order = np.argsort(-scores, axis=1)
    result = np.empty(scores.shape, dtype=np.float32)
    np.put_along_axis(
        result,
        order,
        np.broadcast_to(np.arange(1, scores.shape[1] + 1, dtype=np.float32), scores.shape),
        axis=1,
    )
    return result


def tiers(intervals: Intervals) -> list[str | None]:
    """Walk down the ranking; a work whose interval reaches its tier leader's shares the tier."""
    labels: list[str | None] = [None] * intervals.score.size
    order = [
        i for i in np.argsort(intervals.rank, kind="stable") if not np.isnan(intervals.rank[i])
    ]
    tier = -1
    leader_low = np.inf
    for index in order:
        if tier < 0 or intervals.score_high[index] < leader_low:
            tier = min(tier + 1, len(TIERS) - 1)
            leader_low = intervals.score_low[index]
        labels[index] = TIERS[tier]
    return labels


def stability(
    dims: dict[str, F64],
    expert_pct: F64,
    integrity: F64,
    eligible: np.ndarray,
    config: IndexConfig,
    point: F64,
) -> dict[str, float]:
    """Kendall's tau between the ranking and rankings under ±spread random weight changes."""
    rng = np.random.default_rng(config.seed + 1)
    taus = []
    overlaps = []
    base = np.where(eligible, point, np.nan)
    keep = ~np.isnan(base)
    # Only ranked works can be in a top 100 (with fewer than 100, all of them are).
    size = min(100, int(keep.sum()))
    top = set(np.argsort(-np.where(keep, base, -np.inf), kind="stable")[:size])
    draws = [
        rng.uniform(1 - config.stability_spread, 1 + config.stability_spread, len(DATA_DIMENSIONS))
        for _ in range(config.stability_draws)
    ]

    def perturbed(factors: F64) -> tuple[float | None, float]:
        weights = {
            d: config.data_weights()[d] * f for d, f in zip(DATA_DIMENSIONS, factors, strict=True)
        }
        changed = composite(dims, expert_pct, integrity, config, weights)
        tau = None
        if keep.sum() > 1:
            tau = float(kendalltau(base[keep], changed[keep]).statistic)
        changed_top = set(np.argsort(-np.where(keep, changed, -np.inf), kind="stable")[:size])
        return tau, len(top & changed_top) / max(1, size)

    # The draws are independent, and their results are taken in order.
    with ThreadPoolExecutor(WORKERS) as pool:
        for tau, overlap in pool.map(perturbed, draws):
            if tau is not None:
                taus.append(tau)
            overlaps.append(overlap)
    return {
        "draws": float(config.stability_draws),
        "spread": config.stability_spread,
        "kendall_tau_mean": float(np.mean(taus)) if taus else 1.0,
        "kendall_tau_min": float(np.min(taus)) if taus else 1.0,
        "top100_overlap_mean": float(np.mean(overlaps)) if overlaps else 1.0,
    }
