"""Adversarial scenarios laid on a simulated world: what the people the index ranks would try.

Each scenario takes the clean world (`DemoData`) and the works it targets, and returns the
manipulated world; the targets and what was done to them are the truth the index never sees.
The clean and the manipulated world share every other number, so a scenario's effect is the
difference between two runs. Pure Polars and NumPy: `make validate` and the tests run them
through the index (`run_index`, as the engine computes it, no database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import polars as pl

from microdrama.demo.simulator import DemoData
from microdrama.index.method import engine
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.periods import parse_period
from microdrama.index.method.prepare import prepare
from microdrama.lake.metrics import DAILY_COLUMNS, YUAN_NAMES

# A day's counts and money as the simulator writes them (money in yuan).
COUNTS = ("plays", "viewers", "likes", "comments", "shares", "favorites")
MONEY = ("recharge_yuan", "ad_revenue_yuan", "ad_spend_yuan")
REVIEW_DIMENSIONS = ("values", "artistry", "production", "innovation")


def lake_daily(data: DemoData) -> pl.LazyFrame:
    """The metrics as the lake holds them (money in integer fen)."""
    fen = [(pl.col(yuan) * 100).round().cast(pl.Int64).alias(f) for f, yuan in YUAN_NAMES.items()]
    return data.metrics.with_columns(fen).select(DAILY_COLUMNS).lazy()


def run_index(data: DemoData, *, period: str, config: IndexConfig | None = None) -> pl.DataFrame:
    """The index of the period on a world, as the engine computes it (no database)."""
    config = config or IndexConfig()
    window = parse_period(period)
    prepared = prepare(lake_daily(data), period=window, config=config, partition_rows=10_000_000)
    works = data.works.select(
        "work_id",
        "title",
        "episodes",
        "episode_minutes",
        "release_date",
        pl.col("genres").str.split("|").list.first().fill_null("unknown").alias("genre"),
        pl.col("producer").alias("company"),
    )
    reviews = data.reviews.select(
        "work_id", "expert_id", *(pl.col(d).cast(pl.Float64) for d in REVIEW_DIMENSIONS)
    )
    output = engine.compute(
        prepared, period=window, works=works, ratings=data.ratings, reviews=reviews, config=config
    )
    return output.results


@dataclass(frozen=True)
class Scenario:
    """A manipulation, the works it picks, and whether those works are the wrongdoers."""

    name: str
    description: str
    # From the clean run's ranking (work_id, rank, latent_quality), the targeted works.
    pick: Callable[[pl.DataFrame, DemoData, np.random.Generator], list[str]]
    apply: Callable[[DemoData, list[str], np.random.Generator], DemoData]
    # "fraud": the targets bought what was done (flags are hits); "victim": a rival did it to
    # them, or it is honest (flags are false), so their rank should not move.
    role: str


def _window(data: DemoData, days: int, *, end_offset: int = 5) -> list[date]:
    """`days` consecutive dates ending `end_offset` days before the data's last day."""
    last: date = data.metrics["date"].max()  # type: ignore[assignment]
    first = last - timedelta(days=end_offset + days - 1)
    return [first + timedelta(days=i) for i in range(days)]


def _primary(metrics: pl.DataFrame, works: list[str], days: list[date]) -> pl.DataFrame:
    """Each target's platform with the most plays on those days."""
    return (
        metrics.filter(pl.col("work_id").is_in(works), pl.col("date").is_in(days))
        .group_by("work_id", "platform")
        .agg(pl.col("plays").sum())
        .sort("plays", "platform", descending=[True, False])
        .unique("work_id", keep="first", maintain_order=True)
        .select("work_id", "platform")
    )


def _rewrite(data: DemoData, rows: pl.Expr, changes: dict[str, pl.Expr]) -> DemoData:
    """The world with `changes` applied to the metric rows where `rows` holds."""
    dtypes = data.metrics.schema
    metrics = data.metrics.with_columns(
        pl.when(rows).then(expr).otherwise(pl.col(name)).cast(dtypes[name]).alias(name)
        for name, expr in changes.items()
    )
    return replace(data, metrics=metrics)


def _on(data: DemoData, works: list[str], days: list[date] | None) -> pl.Expr:
    """The rows of the targets' primary platforms (on `days`, or every day)."""
    span = days or data.metrics["date"].unique().to_list()
    primary = _primary(data.metrics, works, span)
    key = pl.concat_str("work_id", "platform", separator="|")
    keys = primary.select(pl.concat_str("work_id", "platform", separator="|"))
    rows = key.is_in(keys.to_series().implode())
    return rows if days is None else rows & pl.col("date").is_in(days)


def crude_bots(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """Plays ×8 on ten days from few devices, barely watched, no likes, no money."""
    bots = 7
    plays = pl.col("plays")
    return _rewrite(
        data,
        _on(data, works, _window(data, 10)),
        {
            "plays": plays * (bots + 1),
            "viewers": pl.col("viewers") + plays * bots // 50,
            "watch_minutes": pl.col("watch_minutes") + plays * bots * 0.05,
            "completion_rate": (pl.col("completion_rate") + 0.01 * bots) / (bots + 1),
        },
    )


def ratio_bots(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """Plays, viewers, watch minutes and likes ×4 on ten days: every ratio kept, no money."""
    k = 4
    return _rewrite(
        data,
        _on(data, works, _window(data, 10)),
        {name: pl.col(name) * k for name in ("plays", "viewers", "watch_minutes", "likes")},
    )


def slow_burn(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """+200% plays over the whole life with matching viewers, watch minutes and likes."""
    k = 3
    return _rewrite(
        data,
        _on(data, works, None),
        {name: pl.col(name) * k for name in ("plays", "viewers", "watch_minutes", "likes")},
    )


def honest_viral(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """A real surge of casual viewers: plays and viewers ×5 for eight days, a casual viewer
    watching ¼ of a regular's minutes and finishing a quarter as often; likes, comments and
    money follow at half a regular's rate."""
    k, casual, half = 5.0, 0.25, 0.5
    new = k - 1
    plays = pl.col("plays")
    changes = {
        "plays": plays * k,
        "viewers": pl.col("viewers") * k,
        "watch_minutes": pl.col("watch_minutes") * (1 + new * casual),
        "completion_rate": pl.col("completion_rate") * (1 + new * casual) / k,
    }
    for name in ("likes", "comments", "shares", "favorites", "recharge_yuan", "ad_revenue_yuan"):
        changes[name] = pl.col(name) * (1 + new * half)
    return _rewrite(data, _on(data, works, _window(data, 8)), changes)


def _busiest_platform(data: DemoData) -> str:
    counts = (
        data.metrics.group_by("platform").len().sort("len", "platform", descending=[True, False])
    )
    return str(counts["platform"][0])


def plays_only_platform(data: DemoData, works: list[str], rng: np.random.Generator) -> DemoData:
    """The busiest platform reports plays, likes and money only (every work there), and crude
    bots land on the targets there."""
    platform = _busiest_platform(data)
    only = pl.col("platform") == platform
    hidden = [
        c for c in data.metrics.columns if c in {"viewers", "watch_minutes", "completion_rate"}
    ]
    blind = replace(
        data,
        metrics=data.metrics.with_columns(
            pl.when(only).then(None).otherwise(pl.col(name)).alias(name) for name in hidden
        ),
    )
    return crude_bots(blind, works, rng)


def rating_block(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """Bought votes: three times the work's real votes, all 10.0."""
    return _votes(data, works, score=10.0, times=3)


def review_bombing(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """A rival's bombing: three times the work's real votes, all 1.0."""
    return _votes(data, works, score=1.0, times=3)


def _votes(data: DemoData, works: list[str], *, score: float, times: int) -> DemoData:
    target = pl.col("work_id").is_in(works)
    added = pl.col("votes") * times
    ratings = data.ratings.with_columns(
        # The import before the block said what the real audience had said.
        pl.when(target).then(pl.col("score")).alias("previous_score"),
        pl.when(target).then(pl.col("votes")).alias("previous_votes"),
        pl.when(target)
        .then((pl.col("score") * pl.col("votes") + score * added) / (pl.col("votes") + added))
        .otherwise(pl.col("score"))
        .round(1)
        .alias("score"),
        pl.when(target).then(pl.col("votes") + added).otherwise(pl.col("votes")).alias("votes"),
    )
    return replace(data, ratings=ratings)


def declared_episodes(data: DemoData, works: list[str], _: np.random.Generator) -> DemoData:
    """The work declares a quarter of its real episodes (reach per episode ×4)."""
    target = pl.col("work_id").is_in(works)
    episodes = pl.when(target).then((pl.col("episodes") // 4).clip(1)).otherwise("episodes")
    return replace(data, works=data.works.with_columns(episodes.alias("episodes")))


def expert_collusion(data: DemoData, works: list[str], rng: np.random.Generator) -> DemoData:
    """One expert adds three points to every review of one company's works."""
    reviewed = data.reviews.filter(pl.col("work_id").is_in(works))
    if reviewed.is_empty():
        return data
    expert = reviewed["expert_id"].mode().sort()[0]
    target = pl.col("work_id").is_in(works) & (pl.col("expert_id") == expert)
    dims = ("values", "artistry", "production", "innovation")
    reviews = data.reviews.with_columns(
        pl.when(target).then((pl.col(d) + 3).clip(1, 10)).otherwise(pl.col(d)).alias(d)
        for d in dims
    )
    return replace(data, reviews=reviews)


def expert_scales(data: DemoData, works: list[str], rng: np.random.Generator) -> DemoData:
    """A sixth of the experts score on 6-8 only: their scores squeezed to a third about 7."""
    experts = sorted(data.reviews["expert_id"].unique().to_list())
    narrow = rng.choice(experts, size=max(1, len(experts) // 6), replace=False).tolist()
    target = pl.col("expert_id").is_in(narrow)
    reviews = data.reviews.with_columns(
        pl.when(target)
        .then((7 + (pl.col(d) - 6.5) / 3).round().clip(6, 8))
        .otherwise(pl.col(d))
        .cast(data.reviews.schema[d])
        .alias(d)
        for d in REVIEW_DIMENSIONS
    )
    return replace(data, reviews=reviews)


def _reviewed(clean: pl.DataFrame, data: DemoData, _: np.random.Generator) -> list[str]:
    return sorted(data.reviews["work_id"].unique().to_list())


def missing_days(data: DemoData, works: list[str], rng: np.random.Generator) -> DemoData:
    """30% of the targets' days never reported, and a ten-day hole in the last month."""
    metrics = data.metrics
    target = metrics["work_id"].is_in(works).to_numpy()
    lost = target & (rng.random(metrics.height) < 0.30)
    hole = set(_window(data, 10, end_offset=8))
    lost |= target & metrics["date"].is_in(list(hole)).to_numpy()
    return replace(data, metrics=metrics.filter(pl.Series(~lost)))


def _top_decile(
    clean: pl.DataFrame, _: DemoData, rng: np.random.Generator, n: int = 40
) -> list[str]:
    ranked = clean.filter(pl.col("rank").is_not_null()).sort("rank")
    top = ranked.head(max(n, ranked.height // 10))["work_id"].to_list()
    return sorted(rng.choice(top, size=min(n, len(top)), replace=False).tolist())


def _middle(clean: pl.DataFrame, _: DemoData, rng: np.random.Generator, n: int = 60) -> list[str]:
    ranked = clean.filter(pl.col("rank").is_not_null()).sort("rank")
    third = ranked.height // 3
    middle = ranked.slice(third, third)["work_id"].to_list()
    return sorted(rng.choice(middle, size=min(n, len(middle)), replace=False).tolist())


def _middle_on_busiest(clean: pl.DataFrame, data: DemoData, rng: np.random.Generator) -> list[str]:
    """Middle-ranked works that play on the busiest platform alone."""
    platforms = data.metrics.group_by("work_id").agg(pl.col("platform").unique())
    alone = platforms.filter(pl.col("platform").list.len() == 1).with_columns(
        pl.col("platform").list.first()
    )
    there = alone.filter(pl.col("platform") == _busiest_platform(data))["work_id"].implode()
    return _middle(clean.filter(pl.col("work_id").is_in(there)), data, rng)


def _reviewed_company(clean: pl.DataFrame, data: DemoData, _: np.random.Generator) -> list[str]:
    """The reviewed works of the producer with the most of them."""
    reviewed = data.works.filter(pl.col("work_id").is_in(data.reviews["work_id"].implode()))
    counts = reviewed.group_by("producer").len().sort("len", "producer", descending=[True, False])
    company = counts["producer"][0]
    return sorted(reviewed.filter(pl.col("producer") == company)["work_id"].to_list())


SCENARIOS = (
    Scenario("sabotage", "a rival's crude bots on top-decile works", _top_decile, crude_bots,
             "victim"),
    Scenario("ratio_bots", "bots that keep every ratio, no money", _middle, ratio_bots, "fraud"),
    Scenario("slow_burn", "+200% over the whole life, ratios kept", _middle, slow_burn, "fraud"),
    Scenario("honest_viral", "a real surge of casual viewers", _top_decile, honest_viral,
             "victim"),
    Scenario("plays_only", "crude bots on a platform reporting plays, likes and money only",
             _middle_on_busiest, plays_only_platform, "fraud"),
    Scenario("rating_block", "bought 10.0 votes, 3× the real ones", _middle, rating_block,
             "fraud"),
    Scenario("review_bombing", "a rival's 1.0 votes, 3× the real ones", _top_decile,
             review_bombing, "victim"),
    Scenario("declared_episodes", "a quarter of the real episodes declared", _middle,
             declared_episodes, "fraud"),
    Scenario("expert_collusion", "one expert +3 on one company's works", _reviewed_company,
             expert_collusion, "fraud"),
    Scenario("expert_scales", "a sixth of the experts score on 6-8 only", _reviewed,
             expert_scales, "victim"),
    Scenario("missing_days", "30% of days missing and a 10-day hole", _top_decile,
             missing_days, "victim"),
)  # fmt: skip
