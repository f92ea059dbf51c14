"""The Star Index under adversaries: each scenario of `microdrama.demo.scenarios` against the
clean world, with the baselines beside it (`make validate`, also `python -m bench.adversaries`).

Per scenario: Spearman of the score with latent quality (clean world, manipulated world), of
raw plays, IMDb's weighted rating and the mean expert score in the manipulated world; the
targets flagged (recall for wrongdoers, false flags for victims and honest works); targets in
the top 50; the targets' median rank change; flags on untouched works.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import polars as pl
from scipy.stats import spearmanr

from microdrama.demo.scenarios import SCENARIOS, Scenario
from microdrama.demo.simulator import DemoData, SimulationConfig, simulate
from microdrama.index.method import engine
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.periods import parse_period
from microdrama.index.method.prepare import prepare
from microdrama.lake.metrics import DAILY_COLUMNS, YUAN_NAMES

WORKS, DAYS, SEED, PERIOD = 3_000, 120, 20251101, "2025-11"


def daily(data: DemoData) -> pl.LazyFrame:
    """The metrics as the lake holds them (money in integer fen)."""
    fen = [(pl.col(yuan) * 100).round().cast(pl.Int64).alias(f) for f, yuan in YUAN_NAMES.items()]
    return data.metrics.with_columns(fen).select(DAILY_COLUMNS).lazy()


def run_index(data: DemoData, config: IndexConfig | None = None) -> pl.DataFrame:
    """The index of the period on a world, as the engine computes it (no database)."""
    config = config or IndexConfig()
    period = parse_period(PERIOD)
    prepared = prepare(daily(data), period=period, config=config, partition_rows=10_000_000)
    works = data.works.select(
        "work_id",
        "title",
        "episodes",
        "release_date",
        pl.col("genres").str.split("|").list.first().fill_null("unknown").alias("genre"),
    )
    reviews = data.reviews.select(
        "work_id", "expert_id", *(pl.col(d).cast(pl.Float64) for d in _DIMS)
    )
    output = engine.compute(
        prepared, period=period, works=works, ratings=data.ratings, reviews=reviews, config=config
    )
    return output.results


_DIMS = ("values", "artistry", "production", "innovation")


def _spearman(frame: pl.DataFrame, column: str) -> float:
    known = frame.filter(pl.col(column).is_not_null() & pl.col(column).is_not_nan())
    return round(float(spearmanr(known[column], known["latent_quality"]).statistic), 4)


def baselines(data: DemoData, results: pl.DataFrame) -> dict[str, float]:
    """Spearman with latent quality of the ranked works' raw plays, IMDb rating, expert mean."""
    period = parse_period(PERIOD)
    plays = (
        data.metrics.filter(pl.col("date").is_between(period.start, period.end))
        .group_by("work_id")
        .agg(pl.col("plays").sum().cast(pl.Float64).alias("raw_plays"))
    )
    ratings = data.ratings.group_by("work_id").agg(
        ((pl.col("score") * pl.col("votes")).sum() / pl.col("votes").sum()).alias("score"),
        pl.col("votes").sum(),
    )
    mean, m = ratings["score"].mean(), ratings["votes"].median()
    imdb = ratings.select(
        "work_id",
        (
            (pl.col("votes") * pl.col("score") + m * mean)  # type: ignore[operator]
            / (pl.col("votes") + m)
        ).alias("imdb"),
    )
    experts = data.reviews.group_by("work_id").agg(
        pl.mean_horizontal(*_DIMS).mean().alias("expert_mean")
    )
    ranked = results.filter(pl.col("rank").is_not_null()).select("work_id")
    frame = (
        ranked.join(plays, on="work_id", how="left")
        .join(imdb, on="work_id", how="left")
        .join(experts, on="work_id", how="left")
        .join(data.truth_works.select("work_id", "latent_quality"), on="work_id")
    )
    return {name: _spearman(frame, name) for name in ("raw_plays", "imdb", "expert_mean")}


def _ranked(results: pl.DataFrame, data: DemoData) -> pl.DataFrame:
    return results.select("work_id", "rank", "rank_low", "rank_high", "score", "flagged_days").join(
        data.truth_works.select("work_id", "latent_quality", "fraud"), on="work_id"
    )


def evaluate(
    scenario: Scenario, clean_world: DemoData, clean: pl.DataFrame, seed: int
) -> dict[str, object]:
    """One scenario against the clean run."""
    rng = np.random.default_rng(seed)
    targets = scenario.pick(clean, clean_world, rng)
    world = scenario.apply(clean_world, targets, rng)
    started = time.perf_counter()
    results = _ranked(run_index(world), world)
    seconds = time.perf_counter() - started
    both = clean.join(results, on="work_id", suffix="_after", how="left")
    hit = both.filter(pl.col("work_id").is_in(targets))
    others = both.filter(~pl.col("work_id").is_in(targets) & ~pl.col("fraud"))
    change = (hit["rank"] - hit["rank_after"]).drop_nulls()  # positive: rose
    within = hit.filter(pl.col("rank_after").is_between(pl.col("rank_low"), pl.col("rank_high")))
    newly = others.filter((pl.col("flagged_days_after") > 0) & (pl.col("flagged_days") == 0))
    flagged = int((hit["flagged_days_after"].fill_null(0) > 0).sum())
    out: dict[str, object] = {
        "description": scenario.description,
        "role": scenario.role,
        "targets": len(targets),
        "spearman_clean": _spearman(clean, "score"),
        "spearman": _spearman(results.filter(pl.col("rank").is_not_null()), "score"),
        "baselines": baselines(world, results),
        "targets_flagged": flagged,
        "targets_in_top50": int((hit["rank_after"].fill_null(10**9) <= 50).sum()),
        "targets_in_top50_clean": int((hit["rank"].fill_null(10**9) <= 50).sum()),
        "median_rank_change": float(change.median()) if change.len() else None,
        "targets_within_clean_interval": within.height,
        "targets_unranked_after": int(hit["rank_after"].is_null().sum()),
        "newly_flagged_untouched_works": newly.height,
        "seconds": round(seconds, 2),
    }
    return out


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run every scenario (or those named) and print the report as JSON."""
    wanted = set(argv if argv is not None else sys.argv[1:])
    world = simulate(SimulationConfig(works=WORKS, days=DAYS, seed=SEED))
    # The clean world has the simulator's own planted fraud: kept, so that each scenario adds
    # to a world that already has some.
    clean = _ranked(run_index(world), world)
    report: dict[str, object] = {
        "works": WORKS,
        "days": DAYS,
        "seed": SEED,
        "period": PERIOD,
        "clean": {
            "spearman": _spearman(clean.filter(pl.col("rank").is_not_null()), "score"),
            "baselines": baselines(world, clean),
        },
    }
    for offset, scenario in enumerate(SCENARIOS):
        if wanted and scenario.name not in wanted:
            continue
        report[scenario.name] = evaluate(scenario, world, clean, SEED + offset)
        print(scenario.name, json.dumps(report[scenario.name], ensure_ascii=False), flush=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
