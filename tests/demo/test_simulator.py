"""The demo simulator: shape, determinism, and distributions against the calibration facts."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from microdrama.catalog import uscc
from microdrama.catalog.vocab import GENRES, INVESTMENT_TIERS, KNOWN_CITIES, KNOWN_PLATFORMS
from microdrama.demo.simulator import SIMULATED_NOTICE, DemoData, SimulationConfig, simulate
from microdrama.ingest.columns import SPECS

SMALL = SimulationConfig(works=3_000, days=120)


@pytest.fixture(scope="module")
def data() -> DemoData:
    return simulate(SMALL)


@pytest.fixture(scope="module")
def plays_per_work(data: DemoData) -> pl.DataFrame:
    totals: pl.DataFrame = data.metrics.group_by("work_id").agg(pl.col("plays").sum())
    return totals


def test_the_notice_says_the_data_is_simulated() -> None:
    assert "模拟" in SIMULATED_NOTICE and "Simulated" in SIMULATED_NOTICE


def test_the_same_seed_gives_identical_frames_and_another_seed_differs(data: DemoData) -> None:
    again = simulate(SMALL)
    other = simulate(SimulationConfig(works=3_000, days=120, seed=SMALL.seed + 1))
    for name in ("works", "metrics", "ratings", "reviews", "truth_works", "truth_fraud"):
        assert getattr(again, name).equals(getattr(data, name)), name
    assert not other.works.equals(data.works)
    assert not other.metrics.equals(data.metrics)


def test_import_frames_carry_the_canonical_columns_without_nulls_where_required(
    data: DemoData,
) -> None:
    frames = {"works": data.works, "metrics": data.metrics, "ratings": data.ratings}
    frames["reviews"] = data.reviews
    for kind, frame in frames.items():
        spec = SPECS[kind]
        assert frame.columns == list(spec.all), kind
        nulls = frame.select(spec.required).null_count().row(0)
        assert sum(nulls) == 0, kind
        assert frame.select(spec.key).is_duplicated().sum() == 0, kind
    assert data.works.height == SMALL.works


def test_import_frames_use_natural_dtypes(data: DemoData) -> None:
    works, metrics = data.works.schema, data.metrics.schema
    assert works["episodes"] == pl.Int64 and works["release_date"] == pl.Date
    assert works["price_per_episode"] == pl.Float64 and works["paywall_episode"] == pl.Int64
    assert metrics["date"] == pl.Date and metrics["plays"] == pl.Int64
    assert metrics["recharge_yuan"] == pl.Float64 and metrics["completion_rate"] == pl.Float64
    money = data.metrics.select(pl.col("ad_revenue_yuan").drop_nulls().head(1000))
    cents = money.to_series().to_numpy() * 100
    assert np.allclose(cents, np.round(cents))


def test_metrics_stay_inside_the_window(data: DemoData) -> None:
    first = SMALL.end_date - timedelta(days=SMALL.days - 1)
    earliest, latest = data.metrics["date"].min(), data.metrics["date"].max()
    assert isinstance(earliest, date) and earliest >= first
    assert latest == SMALL.end_date


def test_labels_come_from_the_vocabularies(data: DemoData) -> None:
    works = data.works
    assert set(works["platform"]) <= set(KNOWN_PLATFORMS)
    assert set(data.metrics["platform"]) <= set(KNOWN_PLATFORMS)
    assert set(works["city"]) <= set(KNOWN_CITIES)
    assert set(works["model"]) == {"IAP", "IAA", "hybrid"}
    assert set(works["investment_tier"]) == {t.zh for t in INVESTMENT_TIERS}
    genre_labels = {g.zh for g in GENRES}
    for genres in works["genres"]:
        parts = genres.split("|")
        assert 1 <= len(parts) <= 3 and len(set(parts)) == len(parts)
        assert set(parts) <= genre_labels


def test_work_ids_and_titles_are_unique(data: DemoData) -> None:
    assert data.works["work_id"][0] == "W000001"
    assert data.works["work_id"].n_unique() == SMALL.works
    assert data.works["title"].n_unique() == SMALL.works


def test_every_producer_has_one_valid_credit_code(data: DemoData) -> None:
    codes = data.works.select("producer", "producer_credit_code").unique()
    assert all(uscc.is_valid(code) for code in codes["producer_credit_code"])
    assert codes["producer"].n_unique() == codes.height
    assert codes["producer_credit_code"].n_unique() == codes.height
    assert all(code.startswith("91") for code in codes["producer_credit_code"])


def test_a_few_producers_hold_a_large_share_of_works(data: DemoData) -> None:
    counts = data.works["producer"].value_counts().sort("count", descending=True)["count"]
    assert counts[:3].sum() / SMALL.works > 0.15
    assert counts.len() > SMALL.works / 30


def test_plays_are_heavy_tailed(plays_per_work: pl.DataFrame) -> None:
    plays = np.sort(plays_per_work["plays"].to_numpy())[::-1]
    top_decile = plays[: plays.size // 10].sum() / plays.sum()
    assert 0.55 <= top_decile <= 0.85
    assert np.median(plays) > 100_000


@pytest.mark.slow
def test_the_default_catalogue_has_billion_play_hits_on_chinese_apps() -> None:
    full = simulate(SimulationConfig())
    totals = full.metrics.group_by("work_id", "platform").agg(pl.col("plays").sum())
    hits = totals.filter(pl.col("plays") >= 1_000_000_000)
    assert 1 <= hits.height <= 200
    assert "红果短剧" in set(hits["platform"])
    assert 1_000_000 <= full.metrics.height <= 1_500_000


def test_episodes_follow_the_catalogue(data: DemoData) -> None:
    episodes = data.works["episodes"].to_numpy()
    assert 60 <= np.median(episodes) <= 80
    assert 30 <= np.quantile(episodes, 0.1) <= 55
    assert 85 <= np.quantile(episodes, 0.9) <= 110
    top = data.works["episodes"].value_counts().sort("count", descending=True)["episodes"][:3]
    assert set(top) <= {80, 60, 100, 70, 50}
    minutes = data.works["episode_minutes"]
    assert minutes.min() >= 1.0 and minutes.max() <= 3.0
    assert 1.6 <= minutes.mean() <= 2.0


def test_paid_models_have_a_paywall_and_price_and_free_ones_none(data: DemoData) -> None:
    paid = data.works.filter(pl.col("model") != "IAA")
    assert paid["paywall_episode"].is_between(8, 15).all()
    assert paid["price_per_episode"].is_between(0.3, 3.0).all()
    free = data.works.filter(pl.col("model") == "IAA")
    assert free["paywall_episode"].is_null().all() and free["price_per_episode"].is_null().all()


def test_iaa_is_a_large_share_of_works_and_most_revenue(data: DemoData) -> None:
    iaa_works = (data.works["model"] == "IAA").mean()
    assert 0.35 <= iaa_works <= 0.55
    totals = data.metrics.select(pl.col("recharge_yuan").sum(), pl.col("ad_revenue_yuan").sum())
    recharge, ads = totals.row(0)
    assert 0.45 <= ads / (ads + recharge) <= 0.75


def test_investment_tiers_and_filing_numbers(data: DemoData) -> None:
    works = data.works
    shares = works["investment_tier"].value_counts(normalize=True)
    share = dict(zip(shares["investment_tier"], shares["proportion"], strict=True))
    assert 0.02 <= share["重点"] <= 0.09 and 0.18 <= share["普通"] <= 0.32
    filed = works.filter(pl.col("investment_tier") != "其他")["filing_no"]
    assert filed.null_count() == 0
    assert filed.str.contains(r"^(\([^)]+\))?网剧审字\(\d{4}\)第\d{3,}号$").all()
    other = works.filter(pl.col("investment_tier") == "其他")["filing_no"]
    assert 0.6 <= other.is_null().mean() <= 0.8
    assert works["filing_no"].drop_nulls().is_duplicated().sum() == 0


def test_favourites_per_play_match_the_catalogue(data: DemoData) -> None:
    per_work = data.metrics.group_by("work_id").agg(
        (pl.col("favorites").sum() / pl.col("plays").sum()).alias("rate")
    )
    rate = per_work["rate"].to_numpy()
    assert 0.006 <= np.median(rate) <= 0.02
    assert np.quantile(rate, 0.9) / np.quantile(rate, 0.1) > 3


def test_some_watch_minutes_and_completion_are_unknown(data: DemoData) -> None:
    share = data.metrics.select(
        pl.col("watch_minutes").is_null().mean(), pl.col("completion_rate").is_null().mean()
    ).row(0)
    assert all(0.002 <= s <= 0.03 for s in share)
    spend_known = data.metrics.group_by("work_id").agg(pl.col("ad_spend_yuan").is_not_null().any())
    assert 0.3 <= spend_known["ad_spend_yuan"].mean() <= 0.5


def test_completion_rises_with_quality(data: DemoData) -> None:
    per_work = data.metrics.group_by("work_id").agg(pl.col("completion_rate").median())
    joined = per_work.join(data.truth_works.filter(~pl.col("fraud")), on="work_id").drop_nulls()
    assert joined["completion_rate"].is_between(0.1, 0.7).all()
    corr = np.corrcoef(joined["completion_rate"], joined["latent_quality"])[0, 1]
    assert corr > 0.5


def test_about_two_percent_of_works_carry_planted_fake_traffic(data: DemoData) -> None:
    share = data.truth_works["fraud"].mean()
    assert abs(share - SMALL.fraud_share) <= 0.01
    flagged = set(data.truth_works.filter("fraud")["work_id"])
    assert set(data.truth_fraud["work_id"]) == flagged
    fraud = data.truth_fraud
    assert fraud["factor"].is_between(3, 20).all()
    days = (fraud["end"] - fraud["start"]).dt.total_days() + 1
    assert days.min() >= 1 and days.max() <= 7


def _burst_ratios(data: DemoData, kinds: tuple[str, ...], ratio: pl.Expr) -> pl.DataFrame:
    """Median `ratio` inside each burst of `kinds` and on the series' days outside any burst."""
    series = ["work_id", "platform"]
    bursts = data.truth_fraud.with_row_index("burst_no")
    rows = data.metrics.join(bursts.select(series).unique(), on=series).with_columns(
        ratio.alias("ratio")
    )
    inside = (
        rows.join(bursts, on=series)
        .filter(pl.col("date").is_between(pl.col("start"), pl.col("end")))
        .select(*series, "date", "burst_no", "kind", "ratio")
    )
    usual = (
        rows.join(inside, on=[*series, "date"], how="anti")
        .group_by(series)
        .agg(pl.col("ratio").median().alias("usual"))
    )
    per_burst: pl.DataFrame = (
        inside.filter(pl.col("kind").is_in(kinds))
        .group_by("burst_no", *series)
        .agg(pl.col("ratio").median().alias("burst"))
        .join(usual, on=series)
    )
    return per_burst


def test_planted_play_bursts_raise_plays_per_viewer_far_above_the_median(data: DemoData) -> None:
    plays_per_viewer = pl.col("plays") / pl.col("viewers")
    per_burst = _burst_ratios(data, ("plays", "plays_and_likes"), plays_per_viewer)
    assert per_burst.height > 10
    assert (per_burst["burst"] >= 2.5 * per_burst["usual"]).all()
    completion = _burst_ratios(data, ("plays", "plays_and_likes"), pl.col("completion_rate"))
    assert (completion["burst"] < 0.5 * completion["usual"]).all()


def test_planted_like_bursts_raise_likes_per_play(data: DemoData) -> None:
    likes_per_play = pl.col("likes") / pl.col("plays")
    per_burst = _burst_ratios(data, ("likes",), likes_per_play)
    assert per_burst.height > 3
    assert (per_burst["burst"] >= 2.5 * per_burst["usual"]).all()


def test_plays_peak_two_to_ten_days_after_release_for_most_works(data: DemoData) -> None:
    first = SMALL.end_date - timedelta(days=SMALL.days - 1)
    honest = data.truth_works.filter(~pl.col("fraud")).select("work_id")
    launches = data.works.select("work_id", "platform", "release_date").join(honest, on="work_id")
    rows = data.metrics.join(launches, on=["work_id", "platform"])
    peaks = (
        rows.filter(pl.col("release_date") >= first)
        .group_by("work_id")
        .agg(
            pl.col("date").sort_by("plays").last().alias("peak"),
            pl.col("release_date").first(),
            pl.len().alias("days"),
        )
        .filter(pl.col("days") >= 15)
    )
    offset = (peaks["peak"] - peaks["release_date"]).dt.total_days()
    assert peaks.height > 500
    assert offset.is_between(2, 10).mean() >= 0.8


def test_a_second_platform_carries_fewer_plays(data: DemoData) -> None:
    rows = data.metrics.join(
        data.works.select("work_id", pl.col("platform").alias("primary")), on="work_id"
    )
    per = rows.group_by("work_id", (pl.col("platform") == pl.col("primary")).alias("first")).agg(
        pl.col("plays").sum()
    )
    second = per.filter(~pl.col("first"))
    assert 0.08 <= second.height / SMALL.works <= 0.2
    both = second.join(per.filter("first"), on="work_id", suffix="_primary")
    assert (both["plays"] < both["plays_primary"]).mean() > 0.9


def test_ratings_follow_quality_and_votes_follow_viewers(data: DemoData) -> None:
    ratings = data.ratings
    assert ratings["score"].is_between(1, 10).all() and (ratings["votes"] >= 1).all()
    assert ratings["work_id"].n_unique() >= 0.8 * SMALL.works
    joined = ratings.join(data.truth_works, on="work_id")
    assert np.corrcoef(joined["score"], joined["latent_quality"])[0, 1] > 0.6
    viewers = data.metrics.group_by("work_id", "platform").agg(pl.col("viewers").sum())
    with_viewers = ratings.join(viewers, on=["work_id", "platform"])
    logs = np.log(with_viewers.select("votes", "viewers").to_numpy().astype(float))
    assert np.corrcoef(logs.T)[0, 1] > 0.8


def test_expert_panels_are_three_to_seven_distinct_experts_late_in_the_window(
    data: DemoData,
) -> None:
    reviews = data.reviews
    panels = reviews.group_by("work_id").agg(pl.len(), pl.col("expert_id").n_unique())
    assert (panels["len"] == panels["expert_id"]).all()
    assert panels["len"].is_between(3, 7).all()
    assert abs(panels.height / SMALL.works - SMALL.reviewed_share) < 0.01
    scores = reviews.select("values", "artistry", "production", "innovation")
    assert scores.min_horizontal().min() >= 1 and scores.max_horizontal().max() <= 10
    first_day = SMALL.end_date - timedelta(days=29)
    assert reviews["reviewed_on"].is_between(first_day, SMALL.end_date).all()
    released = reviews.join(data.works.select("work_id", "release_date"), on="work_id")
    assert (released["reviewed_on"] >= released["release_date"]).all()
    assert reviews["comment"].null_count() == 0


def test_reviewed_works_lean_to_the_popular(data: DemoData) -> None:
    reviewed = set(data.reviews["work_id"])
    truth = data.truth_works.with_columns(pl.col("work_id").is_in(reviewed).alias("reviewed"))
    means = truth.group_by("reviewed").agg(pl.col("popularity").mean())
    by = dict(zip(means["reviewed"], means["popularity"], strict=True))
    assert by[True] > by[False] + 0.3


def test_expert_leniency_shows_in_their_scores(data: DemoData) -> None:
    joined = data.reviews.join(data.truth_works, on="work_id").with_columns(
        (
            pl.mean_horizontal("values", "artistry", "production", "innovation")
            - 1.2 * pl.col("latent_quality")
        ).alias("residual")
    )
    per_expert = joined.group_by("expert_id").agg(pl.col("residual").mean())
    truth = per_expert.join(data.truth_experts, on="expert_id")
    assert truth.height == SMALL.experts
    assert np.corrcoef(truth["residual"], truth["leniency"])[0, 1] > 0.8
