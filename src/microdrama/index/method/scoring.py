"""Percentiles within cohorts, dimension scores and the composite, in NumPy.

One code path serves the point estimate and every bootstrap replicate: arrays are shaped
(replicates, rows) and the point estimate is simply the replicate without noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from microdrama.index.method.config import DATA_DIMENSIONS, IndexConfig

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def submetrics(config: IndexConfig) -> dict[str, tuple[str, float]]:
    """Each raw sub-metric's dimension and its weight inside that dimension."""
    completion, watch, interactions = config.engagement_parts
    revenue, roas = config.commercial_parts
    return {
        "reach_raw": ("reach", 1.0),
        "completion": ("engagement", completion),
        "watch_per_viewer": ("engagement", watch),
        "interactions_per_k": ("engagement", interactions),
        "revenue_fen": ("commercial", revenue),
        "roas": ("commercial", roas),
        "weighted_rating": ("reputation", 1.0),
        "growth": ("momentum", 1.0),
    }


@dataclass(frozen=True)
class Layout:
    """How rows (work × platform) map to cohorts and to works."""

    cohort: I64  # (rows,) cohort id of each row
    work: I64  # (rows,) work index of each row
    weight: F64  # (rows,) weight of the row in its work (effective plays; ≥ 0)
    works: int  # number of works
    # Per cohort id, the rows whose values make up its percentile scale; None: its own rows.
    # A widened cohort (a lone platform's work scored among the month's works) has a scale
    # wider than its members.
    scales: list[I64] | None = None


def cohort_percentiles(
    values: F64, baseline: F64, cohort: I64, scales: list[I64] | None = None
) -> F64:
    """0–100 percentile of each value among its cohort's baseline values (NaN stays NaN);
    `scales`: per cohort id, the rows of the baseline that make up its scale.

    With values = baseline this is 100·(rank − ½)/n with average ranks for ties.
    """
    out = np.full(values.shape, np.nan)
    for group in np.unique(cohort):
        members = cohort == group
        scale = baseline[members] if scales is None else baseline[scales[group]]
        reference = np.sort(scale[~np.isnan(scale)])
        if reference.size == 0:
            continue
        block = values[..., members]
        below = np.searchsorted(reference, block, side="left")
        through = np.searchsorted(reference, block, side="right")
        pct = 100.0 * (below + through) / (2.0 * reference.size)
        out[..., members] = np.where(np.isnan(block), np.nan, pct)
    return out


def weighted_nanmean(parts: list[tuple[F64, float]]) -> F64:
    """Mean of the parts with the given weights, renormalised over the parts that are known."""
    total = np.zeros_like(parts[0][0])
    weights = np.zeros_like(parts[0][0])
    for values, weight in parts:
        known = ~np.isnan(values)
        total += np.where(known, values * weight, 0.0)
        weights += np.where(known, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, total / weights, np.nan)


def row_dimensions(pcts: dict[str, F64], config: IndexConfig) -> dict[str, F64]:
    """Each data dimension per row, from its sub-metric percentiles."""
    grouped: dict[str, list[tuple[F64, float]]] = {d: [] for d in DATA_DIMENSIONS}
    for name, (dimension, weight) in submetrics(config).items():
        grouped[dimension].append((pcts[name], weight))
    return {dimension: weighted_nanmean(parts) for dimension, parts in grouped.items()}


def to_works(row_values: F64, layout: Layout) -> F64:
    """Weighted mean over a work's platforms (weights renormalised over known values)."""
    known = ~np.isnan(row_values)
    weight = np.where(known, layout.weight, 0.0)
    replicates = row_values.shape[0] if row_values.ndim == 2 else 1
    flat_values = np.atleast_2d(np.where(known, row_values, 0.0) * weight)
    flat_weight = np.atleast_2d(weight)
    offsets = (np.arange(replicates)[:, None] * layout.works + layout.work[None, :]).ravel()
    size = replicates * layout.works
    total = np.bincount(offsets, weights=flat_values.ravel(), minlength=size)
    weights = np.bincount(
        offsets, weights=np.broadcast_to(flat_weight, flat_values.shape).ravel(), minlength=size
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(weights > 0, total / weights, np.nan).reshape(replicates, layout.works)
    return result if row_values.ndim == 2 else result[0]


def composite(
    dimensions: dict[str, F64],
    expert: F64,
    integrity: F64,
    config: IndexConfig,
    weights: dict[str, float] | None = None,
) -> F64:
    """(data part, or data and expert parts weighted) on the 0–100 scale, times the integrity
    penalty when one is configured (`penalty_factor`)."""
    data_weights = weights or config.data_weights()
    data = weighted_nanmean([(dimensions[d], data_weights[d]) for d in DATA_DIMENSIONS])
    blended = (config.data_weight * data + config.expert_weight * expert) / (
        config.data_weight + config.expert_weight
    )
    kept: F64 = penalty_factor(integrity, config) * np.where(np.isnan(expert), data, blended)
    return kept


def penalty_factor(integrity: F64 | float, config: IndexConfig) -> Any:
    """What a work keeps of its composite for the share of its traffic that was fake: all of
    it by default (the fake traffic is discounted, not punished a second time)."""
    return 1.0 - config.integrity_penalty * (1.0 - np.asarray(integrity))


def contributions(
    dimensions: dict[str, float], expert: float, integrity: float, config: IndexConfig
) -> dict[str, dict[str, float | None]]:
    """Per dimension: score, effective weight and contribution to the composite (they sum to it)."""
    integrity = float(penalty_factor(integrity, config))
    data_weights = config.data_weights()
    known = {d: w for d, w in data_weights.items() if not np.isnan(dimensions[d])}
    total = sum(known.values())
    expert_share = 0.0
    if not np.isnan(expert):
        expert_share = config.expert_weight / (config.data_weight + config.expert_weight)
    out: dict[str, dict[str, float | None]] = {}
    for dimension in DATA_DIMENSIONS:
        value = dimensions[dimension]
        if dimension not in known or total == 0:
            out[dimension] = {"score": None, "weight": 0.0, "contribution": 0.0}
            continue
        weight = (1 - expert_share) * known[dimension] / total
        out[dimension] = {
            "score": value,
            "weight": weight,
            "contribution": integrity * weight * value,
        }
    out["expert"] = {
        "score": None if np.isnan(expert) else expert,
        "weight": expert_share,
        "contribution": 0.0 if np.isnan(expert) else integrity * expert_share * expert,
    }
    return out


def ranks(scores: F64) -> F64:
    """1 = best, per replicate row; NaN scores get NaN ranks; ties broken by position."""
    matrix = np.atleast_2d(scores)
    filled = np.where(np.isnan(matrix), -np.inf, matrix)
    order = np.argsort(-filled, axis=1, kind="stable")
    result = np.empty(matrix.shape)
    rows = np.arange(matrix.shape[0])[:, None]
    result[rows, order] = np.arange(1, matrix.shape[1] + 1)
    result = np.where(np.isnan(matrix), np.nan, result)
    return result if scores.ndim == 2 else result[0]
