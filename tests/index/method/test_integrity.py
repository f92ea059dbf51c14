"""Star Index step 1: fake-traffic days are found and discounted, organic traffic is left alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microdrama.demo.simulator import DemoData, SimulationConfig, simulate
from microdrama.index.method.integrity import METHOD, IntegrityParams, flag_days, summarise

SMALL = SimulationConfig(works=3_000, days=120)
START = date(2025, 9, 1)
# A deterministic wobble of a few percent, so that series have a spread like real ones.
WOBBLE = (1.00, 1.04, 0.97, 1.02, 0.96, 1.03, 0.99, 1.05, 0.98, 1.01, 0.95, 1.02, 0.97, 1.04)
DAYS = len(WOBBLE)
Columns = dict[str, list[Any]]


def series(
    plays: list[float] | None = None,
    *,
    work_id: str = "W1",
    platform: str = "红果短剧",
    plays_per_viewer: float = 2.0,
    likes_per_play: float = 0.03,
) -> Columns:
    """One clean daily series: viewers, likes, completion and watch time follow the plays."""
    base = plays or [10_000.0 * w for w in WOBBLE]
    n = len(base)
    return {
        "work_id": [work_id] * n,
        "platform": [platform] * n,
        "date": [START + timedelta(days=i) for i in range(n)],
        "plays": [round(p) for p in base],
        "viewers": [
            round(p / plays_per_viewer * WOBBLE[-1 - i % DAYS]) for i, p in enumerate(base)
        ],
        "watch_minutes": [p * 20.0 * WOBBLE[(i + 3) % DAYS] for i, p in enumerate(base)],
        "completion_rate": [0.4 * WOBBLE[(i + 5) % DAYS] for i in range(n)],
        "likes": [round(p * likes_per_play * WOBBLE[(i + 7) % DAYS]) for i, p in enumerate(base)],
        "comments": [round(p * 0.002) for p in base],
    }


def frame(*parts: Columns) -> pl.DataFrame:
    rows: Columns = {k: [] for k in parts[0]}
    for part in parts:
        for k, values in part.items():
            rows[k].extend(values)
    schema = {"plays": pl.Int64, "viewers": pl.Int64, "likes": pl.Int64, "comments": pl.Int64}
    return pl.DataFrame(rows, schema_overrides=schema)


def inflate(data: Columns, column: str, days: Sequence[int], factor: float) -> Columns:
    """Fake traffic as the black market sells it: one count multiplied, nothing else follows."""
    values = list(data[column])
    for i in days:
        value = values[i]
        assert value is not None
        values[i] = round(value * factor)
    out = dict(data)
    out[column] = values
    if column == "plays":  # the completion rate is per play, so fake plays dilute it
        out["completion_rate"] = [
            c / factor if i in days and c is not None else c
            for i, c in enumerate(data["completion_rate"])
        ]
    return out


def run(data: pl.DataFrame, params: IntegrityParams = IntegrityParams()) -> pl.DataFrame:
    out: pl.DataFrame = flag_days(data.lazy(), params).collect()
    return out


# --- hand-built series --------------------------------------------------------------------------


def test_the_method_has_a_version() -> None:
    assert METHOD == "integrity-3"


def test_a_clean_series_is_not_flagged_and_keeps_its_volume() -> None:
    out = run(frame(series()))
    assert not out["flagged"].any()
    assert out["reason"].null_count() == out.height
    assert out["effective_plays"].to_list() == out["plays"].cast(pl.Float64).to_list()
    assert out["effective_likes"].to_list() == out["likes"].cast(pl.Float64).to_list()


def test_a_burst_of_plays_without_viewers_is_flagged_naming_plays_per_viewer() -> None:
    clean = series()
    out = run(frame(inflate(clean, "plays", range(6, 9), 8.0)))
    assert out["flagged"].arg_true().to_list() == [6, 7, 8]
    for reason in out["reason"].drop_nulls():
        assert (
            reason.startswith("plays ") and "plays/viewer" in reason and "× the viewers" in reason
        )
    effective = out["effective_plays"].to_list()
    for i in range(6, 9):
        assert effective[i] == pytest.approx(clean["plays"][i], rel=0.1)


def test_a_like_burst_is_flagged_naming_likes_per_play() -> None:
    clean = series()
    out = run(frame(inflate(clean, "likes", range(4, 6), 10.0)))
    assert out["flagged"].arg_true().to_list() == [4, 5]
    for reason in out["reason"].drop_nulls():
        assert reason.startswith("likes ") and "likes/play" in reason
    assert out["effective_plays"].to_list() == out["plays"].cast(pl.Float64).to_list()
    for i in (4, 5):
        assert out["effective_likes"][i] == pytest.approx(clean["likes"][i], rel=0.1)


def test_inflated_plays_and_likes_together_are_both_discounted() -> None:
    clean = series()
    burst = range(9, 12)
    faked = inflate(inflate(clean, "plays", burst, 6.0), "likes", burst, 6.0)
    out = run(frame(faked))
    assert out["flagged"].arg_true().to_list() == list(burst)
    for i in burst:
        assert out["effective_plays"][i] == pytest.approx(clean["plays"][i], rel=0.1)
        assert out["effective_likes"][i] == pytest.approx(clean["likes"][i], rel=0.15)


def test_an_organic_launch_is_not_flagged() -> None:
    # Plays rise tenfold from day 1 to day 3 and fade, with viewers, likes, completion and
    # watch time rising alike: a volume spike alone is not fraud.
    launch = [1_000.0, 4_000.0, 10_000.0, 14_000.0, 12_000.0, 8_000.0, 5_000.0, 3_500.0]
    launch += [2_500.0, 1_800.0, 1_300.0, 1_000.0, 800.0, 700.0]
    out = run(frame(series([p * w for p, w in zip(launch, WOBBLE, strict=True)])))
    assert not out["flagged"].any()
    assert out["effective_plays"].to_list() == out["plays"].cast(pl.Float64).to_list()


def test_a_launch_bought_from_day_one_is_still_caught() -> None:
    # Most of the series is inflated, so its median sits on the fake level; its clean days
    # still bound the baseline.
    clean = series()
    out = run(frame(inflate(clean, "plays", range(0, 9), 6.0)))
    assert out["flagged"].arg_true().to_list() == list(range(9))


def test_unknown_viewers_produce_no_flag_and_keep_effective_plays() -> None:
    data = inflate(series(), "plays", range(6, 9), 8.0)
    for column in ("viewers", "completion_rate", "watch_minutes", "comments", "likes"):
        data[column] = [None if i in range(6, 9) else v for i, v in enumerate(data[column])]
    out = run(frame(data))
    assert not out["flagged"].any()
    assert out["effective_plays"].null_count() == 0
    assert out["effective_plays"].to_list() == out["plays"].cast(pl.Float64).to_list()


def with_money(data: Columns, fen_per_play: float = 3.0) -> Columns:
    """The series with ad revenue that follows its honest plays (yuan, as files give it)."""
    out = dict(data)
    out["ad_revenue_yuan"] = [round(p * fen_per_play / 100, 2) for p in data["plays"]]
    return out


def casual_surge(data: Columns, days: range, k: float = 5.0) -> Columns:
    """A real surge: viewers and plays ×k, newcomers watching a quarter as much and finishing a
    quarter as often, with comments, likes and money at half a regular's rate."""
    out = {name: list(values) for name, values in data.items()}
    new = k - 1
    for i in days:
        out["plays"][i] = round(data["plays"][i] * k)
        out["viewers"][i] = round(data["viewers"][i] * k)
        out["watch_minutes"][i] = data["watch_minutes"][i] * (1 + new * 0.25)
        out["completion_rate"][i] = data["completion_rate"][i] * (1 + new * 0.25) / k
        for name in ("likes", "comments"):
            out[name][i] = round(data[name][i] * (1 + new * 0.5))
        if "ad_revenue_yuan" in out:
            out["ad_revenue_yuan"][i] = round(data["ad_revenue_yuan"][i] * (1 + new * 0.5), 2)
    return out


def test_a_surge_of_casual_viewers_who_bring_money_and_comments_is_not_flagged() -> None:
    clean = with_money(series())
    out = run(frame(casual_surge(clean, range(6, 10))))
    assert not out["flagged"].any(), out.filter("flagged")["reason"].to_list()


def test_the_same_surge_without_money_comments_or_likes_is_flagged_as_bots() -> None:
    clean = with_money(series())
    surge = casual_surge(clean, range(6, 10))
    for i in range(6, 10):  # bots: nobody new pays, comments or likes
        for name in ("likes", "comments", "ad_revenue_yuan"):
            surge[name][i] = clean[name][i]
    out = run(frame(surge))
    assert out["flagged"].arg_true().to_list() == list(range(6, 10))


def test_bots_that_keep_every_ratio_but_bring_no_money_are_caught_and_discounted() -> None:
    clean = with_money(series())
    bots = {name: list(values) for name, values in clean.items()}
    for i in range(6, 10):
        for name in ("plays", "viewers", "watch_minutes", "likes", "comments"):
            bots[name][i] = (
                round(clean[name][i] * 4) if name != "watch_minutes" else clean[name][i] * 4
            )
    out = run(frame(bots))
    assert out["flagged"].arg_true().to_list() == list(range(6, 10))
    assert "money per play" in out["reason"][7]
    kept = out["effective_plays"].to_list()[6:10]
    honest = [float(p) for p in clean["plays"][6:10]]
    assert all(abs(k - h) / h < 0.05 for k, h in zip(kept, honest, strict=True)), (kept, honest)


def test_bots_on_a_platform_that_reports_only_plays_and_likes_are_caught_by_the_likes() -> None:
    data = inflate(series(), "plays", range(6, 9), 8.0)
    for column in ("viewers", "completion_rate", "watch_minutes", "comments"):
        data[column] = [None] * len(data[column])
    out = run(frame(data))
    assert out["flagged"].arg_true().to_list() == [6, 7, 8]
    assert "plays that bring no likes" in out["reason"][7]


def test_a_series_without_any_viewers_is_judged_on_its_other_signals() -> None:
    clean = series()
    clean["viewers"] = [None] * DAYS
    assert not run(frame(clean))["flagged"].any()
    out = run(frame(inflate(clean, "plays", range(6, 9), 8.0)))
    assert out["flagged"].arg_true().to_list() == [6, 7, 8]
    assert all("completion" in r for r in out["reason"].drop_nulls())
    assert out["effective_plays"][7] == pytest.approx(clean["plays"][7], rel=0.1)


def test_unknown_plays_stay_unknown_and_are_never_flagged() -> None:
    data = series()
    data["plays"] = [None if i == 3 else p for i, p in enumerate(data["plays"])]
    out = run(frame(data))
    assert out["effective_plays"].null_count() == 1 and out["effective_plays"][3] is None
    assert not out["flagged"][3]


def test_a_short_series_is_never_flagged() -> None:
    short = {k: v[:4] for k, v in series().items()}
    faked = inflate(short, "plays", range(1, 3), 10.0)
    assert not run(frame(faked))["flagged"].any()
    assert run(frame(faked), IntegrityParams(min_days=3))["flagged"].any()


def test_series_are_judged_separately_per_work_and_platform() -> None:
    # The same work on a second platform with its own, higher plays per viewer is no fraud.
    here = series()
    there = series(platform="抖音", plays_per_viewer=6.0)
    other = inflate(series(work_id="W2"), "plays", range(6, 9), 8.0)
    out = run(frame(there, other, here))
    flagged = out.filter("flagged").select("work_id", "platform").unique()
    assert flagged.rows() == [("W2", "红果短剧")]


def test_every_input_row_and_column_is_kept_sorted_by_work_platform_and_date() -> None:
    data = frame(series(work_id="W2"), series(), inflate(series(work_id="W3"), "likes", [2], 9))
    shuffled = data.sample(fraction=1.0, shuffle=True, seed=7).with_columns(extra=pl.lit("x"))
    out = run(shuffled)
    assert out.height == data.height
    assert out.columns[: len(shuffled.columns)] == shuffled.columns
    assert out.columns[len(shuffled.columns) :] == [
        "flagged",
        "reason",
        "effective_plays",
        "effective_likes",
    ]
    assert out.select(data.columns).equals(data.sort("work_id", "platform", "date"))
    schema = out.schema
    assert schema["flagged"] == pl.Boolean and schema["reason"] == pl.Utf8
    assert schema["effective_plays"] == pl.Float64 and schema["effective_likes"] == pl.Float64
    assert out.equals(run(data.with_columns(extra=pl.lit("x")).reverse()))


def test_an_empty_frame_gives_an_empty_result() -> None:
    out = run(frame(series()).clear())
    assert out.height == 0 and "effective_plays" in out.columns


counts = st.one_of(st.none(), st.integers(min_value=0, max_value=2_000_000))


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.tuples(counts, counts, counts, st.one_of(st.none(), st.floats(0.0, 1.0))),
        min_size=1,
        max_size=20,
    )
)
def test_effective_volumes_never_exceed_raw_and_are_unknown_only_where_raw_is(
    days: list[tuple[int | None, int | None, int | None, float | None]],
) -> None:
    n = len(days)
    data = pl.DataFrame(
        {
            "work_id": ["W1"] * n,
            "platform": ["抖音"] * n,
            "date": [START + timedelta(days=i) for i in range(n)],
            "plays": [d[0] for d in days],
            "viewers": [d[1] for d in days],
            "likes": [d[2] for d in days],
            "completion_rate": [d[3] for d in days],
            "watch_minutes": [None if d[0] is None else d[0] * 3.0 for d in days],
        },
        schema_overrides={"plays": pl.Int64, "viewers": pl.Int64, "likes": pl.Int64},
    )
    out = run(data)
    assert out.height == n
    for raw, effective in (("plays", "effective_plays"), ("likes", "effective_likes")):
        pairs = out.select(pl.col(raw).cast(pl.Float64), pl.col(effective))
        assert pairs[raw].is_null().equals(pairs[effective].is_null())
        known = pairs.drop_nulls()
        assert (known[effective] <= known[raw]).all() and (known[effective] >= 0).all()
    assert out.filter(~pl.col("flagged"))["reason"].null_count() == out["flagged"].not_().sum()
    assert out.filter("flagged")["reason"].null_count() == 0


# --- summarise ----------------------------------------------------------------------------------


def test_summarise_scores_clean_works_one_and_discounted_works_lower() -> None:
    faked = inflate(series(work_id="W2"), "plays", range(6, 9), 8.0)
    out = run(frame(series(), faked, series(work_id="W3", platform="抖音")))
    summary = summarise(out.lazy()).collect()
    assert summary["work_id"].to_list() == ["W1", "W2", "W3"]
    by_work = {row["work_id"]: row for row in summary.iter_rows(named=True)}
    assert by_work["W1"]["integrity"] == 1.0 and by_work["W3"]["integrity"] == 1.0
    assert by_work["W1"]["flagged_days"] == 0 and by_work["W1"]["discounted_plays"] == 0.0
    assert by_work["W2"]["flagged_days"] == 3
    assert by_work["W2"]["integrity"] == pytest.approx(1 - 3 / len(faked["plays"]))
    assert by_work["W2"]["plays"] == pytest.approx(sum(faked["plays"]))
    assert by_work["W2"]["discounted_plays"] > 0.5 * by_work["W2"]["plays"]
    schema = summary.schema
    assert schema["integrity"] == pl.Float64 and schema["plays"] == pl.Float64
    assert schema["discounted_plays"] == pl.Float64 and schema["flagged_days"].is_integer()


# --- the simulator's planted fraud --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return simulate(SMALL)


@pytest.fixture(scope="module")
def flagged(demo: DemoData) -> pl.DataFrame:
    out: pl.DataFrame = flag_days(demo.metrics.lazy()).collect()
    return out


@pytest.fixture(scope="module")
def planted(demo: DemoData) -> pl.DataFrame:
    """One row per planted day: work, platform, date, kind, factor."""
    days = demo.truth_fraud.with_columns(pl.date_ranges("start", "end").alias("date"))
    out: pl.DataFrame = days.explode("date").drop("start", "end")
    return out


def test_flagged_works_match_the_planted_ones_with_precision_and_recall_of_90_percent(
    demo: DemoData, flagged: pl.DataFrame
) -> None:
    truth = set(demo.truth_fraud["work_id"])
    found = set(flagged.filter("flagged")["work_id"])
    hits = len(truth & found)
    assert len(truth) >= 50
    assert hits / len(found) >= 0.9, "precision"
    assert hits / len(truth) >= 0.9, "recall"


def test_at_least_80_percent_of_planted_days_are_flagged(
    flagged: pl.DataFrame, planted: pl.DataFrame
) -> None:
    days = planted.join(flagged, on=["work_id", "platform", "date"], how="left")
    assert days["flagged"].null_count() == 0
    assert days["flagged"].mean() >= 0.8  # type: ignore[operator]
    for kind, share in days.group_by("kind").agg(pl.col("flagged").mean()).iter_rows():
        assert share >= 0.8, kind


def test_discounted_plays_of_fraud_works_come_close_to_the_uninflated_total(
    flagged: pl.DataFrame, planted: pl.DataFrame
) -> None:
    days = flagged.join(planted, on=["work_id", "platform", "date"], how="left")
    fraud = days.filter(pl.col("work_id").is_in(planted["work_id"].unique().implode()))
    inflated = pl.col("kind").is_in(["plays", "plays_and_likes"])
    uninflated = pl.when(inflated).then(pl.col("plays") / pl.col("factor")).otherwise("plays")
    per_work = fraud.group_by("work_id").agg(
        raw=pl.col("plays").sum().cast(pl.Float64),
        effective=pl.col("effective_plays").sum(),
        clean=uninflated.sum(),
    )
    excess = per_work.select(
        raw=(pl.col("raw") - pl.col("clean")).sum(),
        left=(pl.col("effective") - pl.col("clean")).abs().sum(),
    ).row(0, named=True)
    assert excess["raw"] > 0
    assert excess["left"] <= 0.1 * excess["raw"]
    inflated_works = per_work.filter(pl.col("raw") > 1.01 * pl.col("clean"))
    closer = (pl.col("effective") - pl.col("clean")).abs() <= 0.25 * (
        pl.col("raw") - pl.col("clean")
    )
    assert inflated_works.select(closer.mean()).item() >= 0.9


def test_the_simulated_catalogue_summarises_into_scores_between_zero_and_one(
    demo: DemoData, flagged: pl.DataFrame
) -> None:
    summary = summarise(flagged.lazy()).collect()
    assert summary.height == demo.metrics["work_id"].n_unique()
    assert summary["integrity"].is_between(0.0, 1.0).all()
    fraud = summary["work_id"].is_in(demo.truth_fraud["work_id"].unique().implode())
    clean_scores = summary.filter(~fraud)["integrity"]
    assert (clean_scores == 1.0).mean() >= 0.99
    assert (summary.filter(fraud)["integrity"] < 1.0).mean() >= 0.9


def test_day_to_day_noise_on_viewers_and_likes_does_not_flag_innocent_works() -> None:
    demo = simulate(SimulationConfig(works=1500, days=90, seed=5))
    rng = np.random.default_rng(0)
    noisy = demo.metrics.with_columns(
        (pl.col("viewers") * pl.Series(rng.lognormal(0, 0.2, demo.metrics.height)))
        .round()
        .cast(pl.Int64),
        (pl.col("likes") * pl.Series(rng.lognormal(0, 0.3, demo.metrics.height)))
        .round()
        .cast(pl.Int64),
    )
    flagged = set(flag_days(noisy.lazy()).filter(pl.col("flagged")).collect()["work_id"].to_list())
    planted = set(demo.truth_fraud["work_id"].to_list())
    assert len(flagged & planted) / len(flagged) >= 0.9
    assert len(flagged & planted) / len(planted) >= 0.9


# --- the computation: order of the rows, blocks of series, Polars' statistics -------------------


def test_rows_in_sorted_runs_or_with_null_keys_come_out_as_polars_sorts_them(
    demo: DemoData,
) -> None:
    # A lake scan returns its files one after another, each sorted: runs, not one sorted frame.
    data = demo.metrics.head(20_000).with_columns(
        pl.when(pl.int_range(pl.len()) % 997 == 0).then(None).otherwise("date").alias("date"),
        pl.when(pl.col("work_id") == demo.metrics["work_id"][0])
        .then(None)
        .otherwise("platform")
        .alias("platform"),
    )
    runs = pl.concat([data.slice(12_345), data.slice(5_000, 7_345), data.slice(0, 5_000)])
    ordered = data.sort("work_id", "platform", "date", maintain_order=True)
    out = run(runs)
    assert out.select(data.columns).equals(ordered)
    assert out.equals(run(ordered))


def test_a_series_is_judged_alike_whatever_else_the_frame_holds(
    demo: DemoData, flagged: pl.DataFrame
) -> None:
    # Series are judged in blocks of similar lengths; a few works alone make other blocks.
    works = flagged.filter("flagged")["work_id"].unique().sort().head(20)
    works = pl.concat([works, demo.metrics["work_id"].unique().sort().head(20)])
    alone = run(demo.metrics.filter(pl.col("work_id").is_in(works.implode())))
    assert alone.height > 0 and alone["flagged"].any()
    assert alone.equals(flagged.filter(pl.col("work_id").is_in(works.implode())))


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.floats(0.0, 1e6)), min_size=1, max_size=30),
    window=st.integers(1, 9),
)
def test_the_rolling_median_and_quantiles_are_polars_own(
    values: list[float | None], window: int
) -> None:
    from microdrama.index.method.fake_traffic import quantiles as _quantiles
    from microdrama.index.method.fake_traffic import rolling_median as _rolling_median

    series = pl.Series(values, dtype=pl.Float64)
    x = series.to_numpy().reshape(1, -1)  # one series per row, NaN where unknown
    expected = series.rolling_median(window, min_samples=1, center=True).to_numpy()
    with np.errstate(all="ignore"):  # as in flag_days: NaN is the unknown value
        rolling, quantiles = _rolling_median(x, window), _quantiles(x, 0.1, 0.5, 0.9)
    np.testing.assert_allclose(rolling[0], expected, rtol=1e-12)
    for q, got in zip((0.1, 0.5, 0.9), quantiles, strict=True):
        want = series.quantile(q, "linear")
        assert (want is None and np.isnan(got[0])) or got[0] == pytest.approx(want, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 40)), min_size=1, max_size=60
    )
)
def test_rows_are_ordered_alike_from_the_ids_and_from_their_codes(
    keys: list[tuple[int, int, int]],
) -> None:
    from datetime import date, timedelta

    from microdrama.index.method.integrity import order_rows
    from microdrama.index.method.prepare import _order

    works = pl.Enum([f"W{i}" for i in range(6)])
    platforms = pl.Enum(["a", "b", "c"])
    frame = pl.DataFrame(
        {
            "work_id": pl.Series([f"W{w}" for w, _, _ in keys]).cast(works),
            "platform": pl.Series(["abc"[p] for _, p, _ in keys]).cast(platforms),
            "date": [date(2025, 1, 1) + timedelta(days=d) for _, _, d in keys],
        }
    )
    (want, want_starts), (order, starts) = order_rows(frame), _order(frame)
    every = np.arange(frame.height)  # None: the rows are in order already
    np.testing.assert_array_equal(
        every if order is None else order, every if want is None else want
    )
    np.testing.assert_array_equal(starts, want_starts)
