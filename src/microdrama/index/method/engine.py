"""The Star Index, pure: data frames in, ranked and explained data frames out.

integrity (flag and discount fake traffic) → data dimensions (cohort percentiles) → expert
model (rater effects, shrinkage) → composite → bootstrap intervals and tiers → explanations.
No database, no web: the service feeds it frames and stores what it returns.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from microdrama.errors import NotFoundError
from microdrama.index.method import experts as expert_model
from microdrama.index.method.config import DATA_DIMENSIONS, METHOD_VERSION, IndexConfig
from microdrama.index.method.dimensions import raw_metrics
from microdrama.index.method.periods import Period
from microdrama.index.method.prepare import Prepared
from microdrama.index.method.scoring import Layout, contributions
from microdrama.index.method.uncertainty import (
    Expert,
    Noise,
    bootstrap,
    point_scores,
    stability,
    tiers,
)


@dataclass(frozen=True)
class IndexOutput:
    """Everything a run produces."""

    results: pl.DataFrame
    flags: pl.DataFrame
    experts: pl.DataFrame
    reliability: pl.DataFrame
    disagreements: pl.DataFrame
    stability: dict[str, float]
    method: str = METHOD_VERSION


def compute(
    prepared: Prepared,
    *,
    period: Period,
    works: pl.DataFrame,
    ratings: pl.DataFrame,
    reviews: pl.DataFrame,
    config: IndexConfig,
    fitted: expert_model.ExpertModel | None = None,
) -> IndexOutput:
    """Rank the works of the period.

    works: work_id, title, episodes, release_date, genre (primary); ratings: work_id, platform,
    score, votes; reviews: work_id, expert_id and the four dimension scores. `fitted`: the expert
    model of these reviews and works (`fit_experts`) when the caller fitted it already.
    """
    if prepared.summaries.is_empty():
        raise NotFoundError(
            f"no daily metrics between {period.start} and {period.end} (period {period.name}): "
            "nothing to rank"
        )
    # Eligibility first: the cohorts' scales hold eligible works only.
    work_ids = prepared.summaries["work_id"].unique(maintain_order=True).to_list()
    per_work = _work_frame(work_ids, prepared, prepared.summaries, period, config)
    rows = raw_metrics(
        prepared.summaries, works, ratings, config, eligible=per_work.select("work_id", "eligible")
    ).with_columns(_coverage(period))
    index_of = {work_id: i for i, work_id in enumerate(work_ids)}
    cohort_ids = {c: i for i, c in enumerate(sorted(set(rows["cohort"].to_list())))}
    layout = Layout(
        cohort=np.array([cohort_ids[c] for c in rows["cohort"].to_list()], dtype=np.int64),
        work=np.array([index_of[w] for w in rows["work_id"].to_list()], dtype=np.int64),
        weight=_platform_weights(rows, eligible=per_work.select("work_id", "eligible")),
        works=len(work_ids),
        scales=_scales(rows, list(cohort_ids)),
    )
    eligible = per_work["eligible"].to_numpy()
    # Works that are not ranked are scored against the cohort but are not part of it.
    noise = _noise(rows, config, reference=eligible[layout.work])
    if fitted is None:
        fitted = fit_experts(works, reviews, config)
    expert_frame = pl.DataFrame({"work_id": work_ids}).join(fitted.works, on="work_id", how="left")
    expert_score = (
        expert_frame.select(pl.when(pl.col("eligible").fill_null(False)).then(pl.col("score")))
        .to_series()
        .fill_null(np.nan)
        .to_numpy()
        .astype(float)
    )
    expert_se = expert_frame["se"].fill_null(0.0).to_numpy().astype(float)
    expert = Expert(score=expert_score, se=np.nan_to_num(expert_se))
    integrity = per_work["integrity"].to_numpy().astype(float)
    dims, expert_pct, point = point_scores(noise, layout, expert, integrity, eligible, config)
    # The weight-perturbation check (its own generator) fills the gaps between the bootstrap's
    # parallel steps; neither touches the other's data.
    with ThreadPoolExecutor(1) as background:
        perturbing = background.submit(
            stability, dims, expert_pct, integrity, eligible, config, point
        )
        intervals = bootstrap(noise, layout, expert, integrity, eligible, config, point)
        stable = perturbing.result()
    labels = tiers(intervals)
    results = per_work.with_columns(
        pl.Series("rank", intervals.rank).cast(pl.Int64, strict=False),
        pl.Series("rank_low", intervals.rank_low).cast(pl.Int64, strict=False),
        pl.Series("rank_high", intervals.rank_high).cast(pl.Int64, strict=False),
        pl.Series("score", intervals.score),
        pl.Series("score_low", intervals.score_low),
        pl.Series("score_high", intervals.score_high),
        pl.Series("tier", labels, dtype=pl.Utf8),
        *(pl.Series(d, dims[d]) for d in DATA_DIMENSIONS),
        pl.Series("expert", expert_pct),
        pl.Series("data_only", np.isnan(expert_pct)),
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    results = results.join(
        expert_frame.select(
            "work_id",
            pl.col("score").alias("expert_score"),
            pl.col("reviews").alias("expert_reviews"),
            pl.col("spread").alias("expert_spread"),
            pl.col("disagreement").alias("expert_disagreement"),
            *(pl.col(d).alias(f"expert_{d}") for d in expert_model.DIMENSIONS),
        ),
        on="work_id",
        how="left",
    ).join(_raw_per_work(rows), on="work_id", how="left")
    results = results.sort(pl.col("rank").is_null(), "rank", "work_id")
    return IndexOutput(
        results=results,
        flags=prepared.flags.sort("work_id", "platform", "date"),
        experts=fitted.experts.sort("expert_id"),
        reliability=fitted.reliability,
        disagreements=fitted.works.filter(pl.col("disagreement")).sort("work_id"),
        stability=stable,
    )


def _scales(rows: pl.DataFrame, cohorts: list[str]) -> list[np.ndarray]:
    """Per cohort (in id order), the rows of its scale: `平台|2025-10` its platform's works of
    the month, `平台|all` the platform's, `all|2025-10` the month's, `all|all` every row."""
    platform = rows["platform"].to_numpy()
    month = rows["release_month"].to_numpy()
    scales = []
    for label in cohorts:
        on, _, released = label.rpartition("|")
        match = np.ones(rows.height, dtype=bool)
        if on != "all":
            match &= platform == on
        if released != "all":
            match &= month == released
        scales.append(np.flatnonzero(match))
    return scales


def fit_experts(
    works: pl.DataFrame, reviews: pl.DataFrame, config: IndexConfig
) -> expert_model.ExpertModel:
    """The expert model `compute` uses: it needs neither the lake's rows nor the period."""
    companies = works.select("work_id", "company") if "company" in works.columns else None
    return expert_model.fit(
        reviews, works.select("work_id", "genre"), config.experts, companies=companies
    )


def _noise(rows: pl.DataFrame, config: IndexConfig, *, reference: np.ndarray) -> Noise:
    """Baseline sub-metrics and the standard deviation of each, per row; `reference`: the rows
    that make up their cohorts' percentile scales."""

    def col(name: str) -> np.ndarray:
        return rows[name].cast(pl.Float64).fill_null(np.nan).to_numpy().astype(float)

    days = np.maximum(col("days"), 1.0)
    effective = col("effective_plays")
    episodes = col("episodes_used")
    plays_sd = np.sqrt(days) * np.nan_to_num(col("sd_effective_plays"))
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(effective > 0, plays_sd / effective, 0.0)
        completion_sd = np.nan_to_num(col("sd_completion")) / np.sqrt(
            np.maximum(col("completion_days"), 1.0)
        )
        revenue_sd = np.sqrt(days) * np.nan_to_num(col("sd_revenue_fen"))
        votes = col("votes")
        # IMDb-style weight of the rating itself: v / (v + m), m the median votes.
        typical_votes = np.nanmedian(votes[votes > 0]) if np.any(votes > 0) else 1.0
        own_weight = np.where(votes > 0, votes / (votes + typical_votes), 0.0)
        rating_sd = np.where(votes > 0, own_weight * config.rating_sd / np.sqrt(votes), 0.0)
        revenue = col("revenue_fen")
        revenue_relative = np.where(revenue > 0, revenue_sd / revenue, 0.0)
    baseline = {
        "reach_raw": col("reach_raw"),
        "completion": col("completion"),
        "watch_per_viewer": col("watch_per_viewer"),
        "interactions_per_k": col("interactions_per_k"),
        "revenue_fen": revenue,
        "roas": col("roas"),
        "weighted_rating": col("weighted_rating"),
        "growth": col("growth"),
    }
    # Reach is a mean over the reported days: its error grows as fewer days are known.
    sd = {
        "reach_raw": np.nan_to_num(col("sd_effective_plays")) / np.sqrt(days) / episodes,
        "completion": completion_sd,
        "watch_per_viewer": np.nan_to_num(baseline["watch_per_viewer"]) * relative,
        "interactions_per_k": np.nan_to_num(baseline["interactions_per_k"]) * relative,
        "revenue_fen": revenue_sd,
        "roas": np.nan_to_num(baseline["roas"]) * revenue_relative,
        "weighted_rating": np.nan_to_num(rating_sd),
        "growth": np.where(effective >= 0, plays_sd / (effective + 1), 0.0),
    }
    return Noise(
        baseline=baseline,
        sd={k: np.nan_to_num(v) for k, v in sd.items()},
        reference=np.asarray(reference, dtype=bool),
    )


def _work_frame(
    work_ids: list[str],
    prepared: Prepared,
    summaries: pl.DataFrame,
    period: Period,
    config: IndexConfig,
) -> pl.DataFrame:
    """Per work: days of data, integrity, eligibility and the reason when not eligible."""
    needed = min(config.min_days, max(1, period.days // 2))
    days = summaries.group_by("work_id").agg(
        pl.col("days").max().alias("days_of_data"),
        pl.col("plays").sum().alias("plays_reported"),  # null plays count as none
    )
    frame = (
        pl.DataFrame({"work_id": work_ids}, schema={"work_id": pl.Utf8})
        .join(days, on="work_id", how="left", maintain_order="left")
        .join(
            prepared.integrity.select(
                "work_id",
                "integrity",
                "flagged_days",
                *(["cohort_reason"] if "cohort_reason" in prepared.integrity.columns else []),
            ),
            on="work_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("integrity").fill_null(1.0), pl.col("flagged_days").fill_null(0))
    )
    enough_days = pl.col("days_of_data") >= needed
    # A work that reported no plays at all has nothing to rank it on.
    some_plays = pl.col("plays_reported") > 0
    return frame.with_columns(
        (enough_days & some_plays).alias("eligible"),
        pl.when(~enough_days)
        .then(
            pl.format(
                "{} {} of data in the period; at least {} needed",
                pl.col("days_of_data"),
                pl.when(pl.col("days_of_data") == 1).then(pl.lit("day")).otherwise(pl.lit("days")),
                pl.lit(needed),
            )
        )
        .when(~some_plays)
        .then(pl.lit("no plays reported in the period"))
        .alias("ineligible_reason"),
    ).drop("plays_reported")


def _platform_weights(rows: pl.DataFrame, *, eligible: pl.DataFrame) -> np.ndarray:
    """Each row's weight in its work: the number of ranked works its platform carries.

    Not the work's own volume there: with volume weights, doubling a work's honest audience on
    its weaker platform moved its score towards that platform's and could lower it. A weight
    the work cannot move keeps the score monotone: more honest traffic never lowers it.
    """
    counted = rows.join(eligible, on="work_id", how="left").with_columns(
        pl.col("eligible").fill_null(False).cast(pl.Float64)
    )
    weight = counted.select(pl.col("eligible").sum().over("platform").alias("w"))["w"]
    floored: np.ndarray = np.maximum(weight.to_numpy().astype(float), 1.0)
    return floored


def _coverage(period: Period) -> pl.Expr:
    """The share of the days a series could have reported (from the window's start or the
    work's release, whichever is later) that it did report."""
    first = pl.max_horizontal(pl.lit(period.start), pl.col("release_date").fill_null(period.start))
    possible = (pl.lit(period.end) - first).dt.total_days() + 1
    return (
        pl.when(possible > 0)
        .then((pl.col("days") / possible).clip(0.0, 1.0))
        .otherwise(1.0)
        .alias("coverage")
    )


def _raw_per_work(rows: pl.DataFrame) -> pl.DataFrame:
    """The raw metrics per work: totals summed over platforms, ratios from the largest one."""
    summed = ["plays", "effective_plays", "viewers", "watch_minutes", "revenue_fen", "ad_spend_fen"]
    largest = (
        rows.sort("effective_plays", descending=True, nulls_last=True)
        .group_by("work_id", maintain_order=True)
        .first()
    )
    totals = rows.group_by("work_id").agg(
        *(pl.when(pl.col(c).count() > 0).then(pl.col(c).sum()).alias(c) for c in summed),
        pl.col("coverage").max(),
        pl.col("episodes_declared").first(),
        pl.col("episodes_used").max(),
        pl.col("episodes_implausible").any(),
        pl.col("rating_suspicious").fill_null(False).any(),
        pl.col("platform").sort().str.join("|").alias("platforms"),
        pl.col("cohort").first().alias("cohort"),
    )
    ratios = largest.select(
        "work_id",
        pl.col("platform").alias("main_platform"),
        "completion",
        "watch_per_viewer",
        "interactions_per_k",
        "roas",
        pl.col("score").alias("rating"),
        "votes",
        pl.col("score_reported").alias("rating_reported"),
        "votes_reported",
        "weighted_rating",
        "growth",
    )
    return totals.join(ratios, on="work_id", how="left")


RAW_FIELDS = (
    "plays",
    "effective_plays",
    "viewers",
    "watch_minutes",
    "completion",
    "watch_per_viewer",
    "interactions_per_k",
    "revenue_fen",
    "ad_spend_fen",
    "roas",
    "rating",
    "votes",
    "weighted_rating",
    "growth",
    "days_of_data",
    "coverage",
    "episodes_declared",
    "episodes_used",
    "episodes_implausible",
    "rating_reported",
    "votes_reported",
    "rating_suspicious",
    "cohort_reason",
)


def detail(row: dict[str, Any]) -> dict[str, Any]:
    """What a stored result keeps beyond its columns: cohort, raw measures, expert panel."""
    return {
        "cohort": row.get("cohort"),
        "ineligible_reason": row.get("ineligible_reason"),
        "raw": {name: row.get(name) for name in RAW_FIELDS},
        "experts": {
            "reviews": row.get("expert_reviews"),
            "corrected_score": row.get("expert_score"),
            "spread": row.get("expert_spread"),
            "disagreement": row.get("expert_disagreement"),
            "dimensions": {d: row.get(f"expert_{d}") for d in expert_model.DIMENSIONS},
        },
    }


def details(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """`detail` of every row of a results frame given as lists of column values."""
    height = len(columns["work_id"])

    def get(name: str) -> list[Any]:
        return columns.get(name) or [None] * height

    cohort, reason = get("cohort"), get("ineligible_reason")
    raw = [get(name) for name in RAW_FIELDS]
    panel = [get(f"expert_{name}") for name in ("reviews", "score", "spread", "disagreement")]
    dims = [get(f"expert_{d}") for d in expert_model.DIMENSIONS]
    return [
        {
            "cohort": cohort[i],
            "ineligible_reason": reason[i],
            "raw": {name: values[i] for name, values in zip(RAW_FIELDS, raw, strict=True)},
            "experts": {
                "reviews": panel[0][i],
                "corrected_score": panel[1][i],
                "spread": panel[2][i],
                "disagreement": panel[3][i],
                "dimensions": {
                    d: values[i] for d, values in zip(expert_model.DIMENSIONS, dims, strict=True)
                },
            },
        }
        for i in range(height)
    ]


def detail_json(results: pl.DataFrame) -> pl.Expr:
    """`detail` of every row of a results frame, as JSON text (its keys in `detail`'s order)."""

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in results.columns else pl.lit(None)

    panel = {
        "reviews": "expert_reviews",
        "corrected_score": "expert_score",
        "spread": "expert_spread",
        "disagreement": "expert_disagreement",
    }
    experts = pl.struct(
        *(col(column).alias(key) for key, column in panel.items()),
        pl.struct(*(col(f"expert_{d}").alias(d) for d in expert_model.DIMENSIONS)).alias(
            "dimensions"
        ),
    )
    return pl.struct(
        col("cohort").alias("cohort"),
        col("ineligible_reason").alias("ineligible_reason"),
        pl.struct(*(col(name).alias(name) for name in RAW_FIELDS)).alias("raw"),
        experts.alias("experts"),
    ).struct.json_encode()


def explain(
    row: dict[str, Any],
    *,
    config: IndexConfig,
    flags: list[dict[str, Any]],
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """A work's score taken apart: dimensions, weights, contributions, raw data, flags, change."""
    dims = {d: _nan(row.get(d)) for d in DATA_DIMENSIONS}
    parts = contributions(dims, _nan(row.get("expert")), float(row.get("integrity") or 1.0), config)
    explanation: dict[str, Any] = {
        "work_id": row["work_id"],
        "method": METHOD_VERSION,
        "eligible": row.get("eligible"),
        "rank": row.get("rank"),
        "rank_interval": [row.get("rank_low"), row.get("rank_high")],
        "score": row.get("score"),
        "score_interval": [row.get("score_low"), row.get("score_high")],
        "tier": row.get("tier"),
        "data_only": row.get("data_only"),
        "integrity": row.get("integrity"),
        "dimensions": parts,
        **detail(row),
        "flags": flags,
        "change": _change(row, previous, parts, config),
    }
    return explanation


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _change(
    row: dict[str, Any],
    previous: dict[str, Any] | None,
    parts: dict[str, dict[str, float | None]],
    config: IndexConfig,
) -> dict[str, Any] | None:
    """How the rank moved since the previous period and which dimensions moved it most."""
    if previous is None:
        return None
    before = contributions(
        {d: _nan(previous.get(d)) for d in DATA_DIMENSIONS},
        _nan(previous.get("expert")),
        float(previous.get("integrity") or 1.0),
        config,
    )
    deltas = {
        name: (parts[name]["contribution"] or 0.0) - (before[name]["contribution"] or 0.0)
        for name in parts
    }
    drivers = sorted(deltas.items(), key=lambda item: -abs(item[1]))[:3]
    rank, previous_rank = row.get("rank"), previous.get("rank")
    return {
        "previous_rank": previous_rank,
        "previous_score": previous.get("score"),
        "rank_change": None if rank is None or previous_rank is None else previous_rank - rank,
        "drivers": [
            {"dimension": name, "contribution_change": round(delta, 3)}
            for name, delta in drivers
            if not math.isclose(delta, 0.0, abs_tol=1e-9)
        ],
    }
