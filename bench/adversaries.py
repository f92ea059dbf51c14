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

from microdrama.demo.scenarios import (
    REVIEW_DIMENSIONS,
    SCENARIOS,
    Scenario,
    lake_daily,
    run_index,
)
from microdrama.demo.simulator import DemoData, SimulationConfig, simulate
from microdrama.index.method.integrity import flag_days
from microdrama.index.method.periods import parse_period

WORKS, DAYS, SEED, PERIOD = 3_000, 120, 20251101, "2025-11"


_DIMS = REVIEW_DIMENSIONS


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


def false_flags(world: DemoData) -> dict[str, object]:
    """Per check, the honest works (no planted fraud at all) it flags on some day: the checks'
    false-positive rates on honest data; and the planted works found."""
    flagged = flag_days(lake_daily(world)).filter(pl.col("flagged")).collect()
    planted = set(world.truth_fraud["work_id"].to_list())
    honest = world.truth_works.height - len(planted)
    phrases = flagged.select("work_id", pl.col("reason").str.split("; ").alias("check")).explode(
        "check"
    )
    check = pl.col("check").str.replace_all(r"[0-9.,×]+", "").str.split(" (").list.first()
    wrongly = phrases.filter(~pl.col("work_id").is_in(list(planted))).with_columns(check)
    per_check = wrongly.group_by("check").agg(pl.col("work_id").n_unique().alias("works"))
    found = set(flagged["work_id"].to_list())
    return {
        "honest_works": honest,
        "honest_works_flagged": len(found - planted),
        "false_positive_rate_by_check": {
            row["check"].strip(): round(row["works"] / honest, 5)
            for row in per_check.sort("check").iter_rows(named=True)
        },
        "planted_works_found": f"{len(found & planted)} of {len(planted)}",
    }


def _ranked(results: pl.DataFrame, data: DemoData) -> pl.DataFrame:
    # A work is flagged when a day is, when its declared episodes cannot hold its watching, or
    # when a block of votes since the import before is suspicious.
    implausible = pl.col("episodes_implausible").fill_null(False).cast(pl.UInt32)
    suspicious = pl.col("rating_suspicious").fill_null(False).cast(pl.UInt32)
    flagged = (pl.col("flagged_days") + implausible + suspicious).alias("flagged_days")
    return results.select(
        "work_id", "rank", "rank_low", "rank_high", "score", "expert_score", flagged
    ).join(data.truth_works.select("work_id", "latent_quality", "fraud"), on="work_id")


def evaluate(
    scenario: Scenario, clean_world: DemoData, clean: pl.DataFrame, seed: int
) -> dict[str, object]:
    """One scenario against the clean run."""
    rng = np.random.default_rng(seed)
    targets = scenario.pick(clean, clean_world, rng)
    world = scenario.apply(clean_world, targets, rng)
    started = time.perf_counter()
    results = _ranked(run_index(world, period=PERIOD), world)
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
        "spearman_expert_part": _spearman(results, "expert_score"),
        "spearman_expert_part_clean": _spearman(clean, "expert_score"),
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


def report(wanted: set[str] | None = None, *, progress: bool = True) -> dict[str, object]:
    """Every scenario (or those named) against the clean world."""
    world = simulate(SimulationConfig(works=WORKS, days=DAYS, seed=SEED))
    # The clean world has the simulator's own planted fraud: kept, so that each scenario adds
    # to a world that already has some.
    clean = _ranked(run_index(world, period=PERIOD), world)
    out: dict[str, object] = {
        "works": WORKS,
        "days": DAYS,
        "seed": SEED,
        "period": PERIOD,
        "clean": {
            "spearman": _spearman(clean.filter(pl.col("rank").is_not_null()), "score"),
            "baselines": baselines(world, clean),
            **false_flags(world),
            "honest_works_flagged_by_the_index": clean.filter(
                (pl.col("flagged_days") > 0) & ~pl.col("fraud")
            ).height,
        },
    }
    for offset, scenario in enumerate(SCENARIOS):
        if wanted and scenario.name not in wanted:
            continue
        out[scenario.name] = evaluate(scenario, world, clean, SEED + offset)
        if progress:
            print(scenario.name, json.dumps(out[scenario.name], ensure_ascii=False), flush=True)
    return out


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run every scenario (or those named) and print the report as JSON."""
    out = report(set(argv if argv is not None else sys.argv[1:]))
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
