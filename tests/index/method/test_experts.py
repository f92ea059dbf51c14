"""Expert-panel model: leniency, corrected scores, reliability and disagreement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import krippendorff
import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from microdrama.demo.simulator import DemoData, SimulationConfig, simulate
from microdrama.index.method.experts import DIMENSIONS, METHOD, ExpertModel, ExpertParams, fit

WORK_COLUMNS = [
    "work_id",
    "reviews",
    "eligible",
    "raw_mean",
    "score",
    "se",
    *DIMENSIONS,
    "spread",
    "disagreement",
    "disagreement_dimension",
]


def _reviews(rows: Sequence[tuple[str, str, float | list[float]]]) -> pl.DataFrame:
    """(work, expert, one score for all dimensions or four scores) -> a reviews frame."""
    data: dict[str, list[object]] = {"work_id": [], "expert_id": []}
    data.update({d: [] for d in DIMENSIONS})
    for work, expert, score in rows:
        scores = score if isinstance(score, list) else [score] * len(DIMENSIONS)
        data["work_id"].append(work)
        data["expert_id"].append(expert)
        for d, s in zip(DIMENSIONS, scores, strict=True):
            data[d].append(s)
    schema = {"work_id": pl.Utf8, "expert_id": pl.Utf8, **dict.fromkeys(DIMENSIONS, pl.Float64)}
    return pl.DataFrame(data, schema=schema)


def _genres(works: list[str], genre: str = "urban") -> pl.DataFrame:
    return pl.DataFrame({"work_id": works, "genre": [genre] * len(works)})


def _background(seed: int = 1, works: int = 40, experts: int = 8) -> list[tuple[str, str, float]]:
    """Ordinary works around 6 points, each scored by four of the experts."""
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(works):
        quality = rng.normal(0, 0.7)
        for e in rng.choice(experts, size=4, replace=False).tolist():
            rows.append((f"B{w:03d}", f"E{e}", float(np.clip(round(6 + quality), 1, 10))))
    return rows


def _row(model: ExpertModel, work: str) -> dict[str, Any]:
    return model.works.filter(pl.col("work_id") == work).row(0, named=True)


# --- on the simulator -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return simulate(SimulationConfig(works=3_000, days=60))


@pytest.fixture(scope="module")
def primary_genres(demo: DemoData) -> pl.DataFrame:
    return demo.works.select("work_id", pl.col("genres").str.split("|").list.first().alias("genre"))


@pytest.fixture(scope="module")
def model(demo: DemoData, primary_genres: pl.DataFrame) -> ExpertModel:
    return fit(demo.reviews, primary_genres)


def _z(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray((values - values.mean()) / values.std())


def test_corrected_scores_track_latent_quality_better_than_raw_means(
    demo: DemoData, model: ExpertModel
) -> None:
    scored = model.works.filter("eligible").join(demo.truth_works, on="work_id")
    quality = _z(scored["latent_quality"].to_numpy())
    raw = np.sqrt(np.mean((_z(scored["raw_mean"].to_numpy()) - quality) ** 2))
    corrected = np.sqrt(np.mean((_z(scored["score"].to_numpy()) - quality) ** 2))
    assert scored.height > 500
    assert corrected < 0.8 * raw


def test_estimated_leniency_correlates_with_the_true_leniency(
    demo: DemoData, model: ExpertModel
) -> None:
    joined = model.experts.join(demo.truth_experts, on="expert_id", suffix="_true")
    assert joined.height == demo.truth_experts.height
    assert np.corrcoef(joined["leniency"], joined["leniency_true"])[0, 1] >= 0.8


def test_erratic_experts_get_a_higher_infit(demo: DemoData, model: ExpertModel) -> None:
    joined = model.experts.join(demo.truth_experts, on="expert_id")
    assert np.corrcoef(joined["infit"], joined["noise_sd"])[0, 1] > 0.6
    assert 0.8 < float(joined["infit"].mean()) < 1.2  # type: ignore[arg-type]


def test_alpha_is_positive_and_at_most_one_for_every_dimension(model: ExpertModel) -> None:
    assert model.reliability["dimension"].to_list() == list(DIMENSIONS)
    for alpha in model.reliability["alpha"].to_list():
        assert 0 < alpha <= 1
    assert (model.reliability["works"] > 100).all()


def test_standard_errors_match_the_errors_when_works_are_not_shrunk(
    demo: DemoData, primary_genres: pl.DataFrame
) -> None:
    unshrunk = fit(demo.reviews, primary_genres, ExpertParams(genre_prior_reviews=0.0))
    scored = unshrunk.works.filter("eligible").join(demo.truth_works, on="work_id")
    # the simulator's expected score, up to a constant (mean dimension offset and leniency)
    error = scored["score"].to_numpy() - 1.2 * scored["latent_quality"].to_numpy()
    ratio = (error - error.mean()) / scored["se"].to_numpy()
    assert 0.8 < ratio.std() < 1.25


def test_frames_carry_the_documented_columns_without_nans(
    demo: DemoData, primary_genres: pl.DataFrame, model: ExpertModel
) -> None:
    assert model.works.columns == WORK_COLUMNS
    assert model.experts.columns == [
        "expert_id",
        "reviews",
        "leniency",
        "scale",
        "rmse",
        "infit",
        "favoured_company",
        "favour_points",
        "favoured_reviews",
    ]
    assert model.reliability.columns == ["dimension", "alpha", "works", "experts"]
    empty = fit(demo.reviews.clear(), primary_genres)
    assert model.works.schema == empty.works.schema
    assert model.experts.schema == empty.experts.schema
    assert model.reliability.schema == empty.reliability.schema
    assert model.works.schema["reviews"] == pl.Int64
    assert model.works.schema["disagreement_dimension"] == pl.Utf8
    for frame in (model.works, model.experts, model.reliability):
        floats = [c for c, t in frame.schema.items() if t == pl.Float64]
        assert frame.select(pl.col(floats).is_nan().any()).sum_horizontal().item() == 0
    eligible = model.works.filter("eligible")
    assert eligible["score"].null_count() == 0 and eligible["se"].null_count() == 0
    assert model.works.filter(~pl.col("eligible"))["score"].null_count() == (
        model.works.height - eligible.height
    )
    assert eligible["score"].is_between(1, 10).all()
    assert METHOD == "experts-2"


def test_the_same_reviews_in_any_order_give_identical_frames(
    demo: DemoData, primary_genres: pl.DataFrame, model: ExpertModel
) -> None:
    shuffled = demo.reviews.sample(fraction=1.0, shuffle=True, seed=7)
    again = fit(shuffled, primary_genres)
    assert again.works.equals(model.works)
    assert again.experts.equals(model.experts)
    assert again.reliability.equals(model.reliability)


# --- small panels -----------------------------------------------------------------------------


def test_a_harsh_expert_gets_a_negative_leniency() -> None:
    rows = []
    for w in range(12):
        quality = [-1.0, 0.0, 1.0][w % 3]
        rows += [(f"W{w}", "fair1", 6 + quality), (f"W{w}", "fair2", 6 + quality)]
        rows.append((f"W{w}", "harsh", 4 + quality))
    model = fit(_reviews(rows), _genres([f"W{w}" for w in range(12)]))
    leniency = dict(model.experts.select("expert_id", "leniency").iter_rows())
    assert leniency["harsh"] < -1.0
    assert leniency["fair1"] > 0 and leniency["fair2"] > 0
    # the harsh scores are corrected: every work of one quality gets the same score
    assert model.works.filter(pl.col("work_id").is_in(["W0", "W3", "W6"]))["score"].n_unique() == 1


def test_a_three_review_work_is_pulled_toward_its_genre_mean_more_than_a_seven_review_work() -> (
    None
):
    rows = _background()
    rows += [("FEW", f"E{e}", 10.0) for e in range(3)]
    rows += [("MANY", f"E{e}", 10.0) for e in range(7)]
    works = sorted({r[0] for r in rows})
    model = fit(_reviews(rows), _genres(works))
    few, many = _row(model, "FEW"), _row(model, "MANY")
    genre_mean = model.works.filter(pl.col("work_id").str.starts_with("B"))["score"].mean()
    assert few["raw_mean"] == many["raw_mean"] == 10.0
    assert genre_mean < few["score"] < many["score"] < 10.0


def test_an_erratic_expert_weighs_less_than_a_steady_one() -> None:
    rows = []
    for i, (work, expert, score) in enumerate(_background()):
        wobble = 3.0 * (-1) ** i if expert == "E7" else 0.0
        rows.append((work, expert, float(np.clip(score + wobble, 1, 10))))
    steady = [("T1", f"E{e}", 6.0) for e in range(3)] + [("T2", f"E{e}", 6.0) for e in range(3)]
    rows += [*steady, ("T1", "E7", 10.0), ("T2", "E3", 10.0)]
    model = fit(_reviews(rows), _genres(sorted({r[0] for r in rows})))
    assert _row(model, "T1")["raw_mean"] == _row(model, "T2")["raw_mean"]
    assert _row(model, "T1")["score"] < _row(model, "T2")["score"] - 0.1


def test_a_genre_with_few_works_is_pulled_toward_the_overall_mean() -> None:
    rows = _background()
    rows += [("ODD", f"E{e}", 9.0) for e in range(5)]
    works = sorted({r[0] for r in rows})
    genres = pl.DataFrame(
        {"work_id": works, "genre": ["rare" if w == "ODD" else "urban" for w in works]}
    )
    alone = fit(_reviews(rows), genres, ExpertParams(genre_prior_reviews=3.0))
    # in its own genre the work would keep its raw mean if genre means were not shrunk
    assert _row(alone, "ODD")["score"] < 9.0 - 0.5


def test_disagreement_is_flagged_when_one_expert_gives_10_and_another_2() -> None:
    rows: list[tuple[str, str, float | list[float]]] = [*_background()]
    rows += [("SPLIT", "E0", [10.0, 6.0, 6.0, 6.0]), ("SPLIT", "E1", [2.0, 6.0, 6.0, 6.0])]
    rows += [("SPLIT", "E2", [6.0, 6.0, 6.0, 6.0])]
    rows += [("CALM", f"E{e}", 7.0) for e in range(3)]
    model = fit(_reviews(rows), _genres(sorted({r[0] for r in rows})))
    split, calm = _row(model, "SPLIT"), _row(model, "CALM")
    assert split["disagreement"] is True
    assert split["disagreement_dimension"] == "values"
    assert split["spread"] > 3.5
    assert calm["disagreement"] is False and calm["disagreement_dimension"] is None


def test_a_work_with_one_expert_is_not_eligible_but_still_listed() -> None:
    rows = [*_background(), ("SOLO", "E0", 9.0), ("SOLO2", "NEW", 8.0)]
    model = fit(_reviews(rows), _genres(sorted({r[0] for r in rows})))
    solo = _row(model, "SOLO")
    assert solo["reviews"] == 1 and solo["eligible"] is False and solo["score"] is None
    assert solo["values"] is not None and solo["spread"] is None
    newcomer = model.experts.filter(pl.col("expert_id") == "NEW").row(0, named=True)
    assert newcomer["reviews"] == 1 and np.isfinite(newcomer["leniency"])


def test_several_reviews_by_one_expert_of_one_work_count_once_and_are_averaged() -> None:
    rows = [("W1", "A", 6.0), ("W1", "A", 8.0), ("W1", "B", 7.0), ("W1", "C", 7.0)]
    model = fit(_reviews(rows), _genres(["W1"]))
    assert _row(model, "W1")["reviews"] == 3
    assert _row(model, "W1")["raw_mean"] == pytest.approx(7.0)
    assert model.experts["reviews"].to_list() == [1, 1, 1]


def test_identical_experts_have_no_leniency_and_an_undefined_alpha() -> None:
    rows = [(w, e, 7.0) for w in ("W1", "W2", "W3") for e in ("A", "B", "C")]
    model = fit(_reviews(rows), _genres(["W1", "W2", "W3"]))
    assert model.experts["leniency"].to_list() == [0.0, 0.0, 0.0]
    assert model.works["score"].to_list() == pytest.approx([7.0, 7.0, 7.0])
    assert model.reliability["alpha"].null_count() == len(DIMENSIONS)
    assert not model.works["disagreement"].any()


def test_alpha_equals_krippendorff_on_the_experts_by_works_matrix() -> None:
    rows = [*_background(seed=3, works=15, experts=5), ("X", "E0", 2.5), ("X", "E1", 9.0)]
    model = fit(_reviews(rows), _genres(sorted({r[0] for r in rows})))
    matrix = (
        _reviews(rows)
        .pivot(on="work_id", index="expert_id", values="values")
        .drop("expert_id")
        .to_numpy()
        .astype(np.float64)
    )
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert model.reliability["alpha"][0] == pytest.approx(expected, rel=1e-12)


def test_a_dimension_left_blank_is_ignored_and_works_without_genre_are_scored() -> None:
    rows = [(w, e, s) for w, e, s in _background()]
    frame = _reviews(rows).with_columns(innovation=pl.lit(None, dtype=pl.Float64))
    model = fit(frame, _genres(["B000", "B001"]))
    assert model.works["innovation"].null_count() == model.works.height
    assert model.works["score"].null_count() == 0
    assert model.reliability["alpha"][3] is None and model.reliability["works"][3] == 0


def test_no_reviews_give_empty_frames_with_the_documented_columns() -> None:
    model = fit(_reviews([]), _genres([]))
    assert model.works.height == 0 and model.works.columns == WORK_COLUMNS
    assert model.experts.height == 0
    assert model.reliability["alpha"].null_count() == len(DIMENSIONS)


def test_missing_columns_and_impossible_params_are_refused() -> None:
    with pytest.raises(ValueError, match="artistry"):
        fit(_reviews([("W1", "A", 7.0)]).drop("artistry"), _genres(["W1"]))
    with pytest.raises(ValueError):
        ExpertParams(min_reviews=0)
    with pytest.raises(ValueError):
        ExpertParams(genre_prior_reviews=-1.0)


# --- rater scale and rater × company (experts-2) ---------------------------------------------


def _quality_rho(model: ExpertModel, demo: DemoData) -> float:
    from scipy.stats import spearmanr

    scored = model.works.filter("eligible").join(demo.truth_works, on="work_id")
    return float(spearmanr(scored["score"], scored["latent_quality"]).statistic)


def _squeezed(demo: DemoData, experts: list[str]) -> pl.DataFrame:
    """Those experts score on 6-8 only: a third of their range about 7."""
    squeeze = pl.col("expert_id").is_in(experts)
    return demo.reviews.with_columns(
        pl.when(squeeze)
        .then((7 + (pl.col(d) - 6.5) / 3).round().clip(6, 8))
        .otherwise(pl.col(d))
        .alias(d)
        for d in DIMENSIONS
    )


def test_experts_who_use_a_narrow_range_are_put_back_on_the_common_scale(
    demo: DemoData, primary_genres: pl.DataFrame
) -> None:
    experts = sorted(demo.reviews["expert_id"].unique().to_list())
    narrow = experts[::6]
    reviews = _squeezed(demo, narrow)
    scaled = fit(reviews, primary_genres)
    shifted_only = fit(reviews, primary_genres, ExpertParams(scale_range=(1.0, 1.0)))
    scales = dict(scaled.experts.select("expert_id", "scale").iter_rows())
    assert all(scales[e] < 0.7 for e in narrow), {e: scales[e] for e in narrow}
    others = [scales[e] for e in experts if e not in narrow]
    assert 0.7 < float(np.median(others)) < 1.3
    assert _quality_rho(scaled, demo) > _quality_rho(shifted_only, demo) + 0.002


def test_an_expert_who_favours_one_company_is_named_and_left_out_of_its_works(
    demo: DemoData, primary_genres: pl.DataFrame
) -> None:
    companies = demo.works.select("work_id", pl.col("producer").alias("company"))
    reviewed = demo.works.filter(pl.col("work_id").is_in(demo.reviews["work_id"].implode()))
    company = reviewed.group_by("producer").len().sort("len", "producer", descending=[True, False])
    favoured = company["producer"][0]
    works = reviewed.filter(pl.col("producer") == favoured)["work_id"].implode()
    theirs = demo.reviews.filter(pl.col("work_id").is_in(works))
    expert = theirs["expert_id"].mode().sort()[0]
    target = pl.col("work_id").is_in(works) & (pl.col("expert_id") == expert)
    bought = demo.reviews.with_columns(
        pl.when(target).then((pl.col(d) + 3).clip(1, 10)).otherwise(pl.col(d)).alias(d)
        for d in DIMENSIONS
    )
    clean = fit(demo.reviews, primary_genres, companies=companies)
    found = fit(bought, primary_genres, companies=companies)
    ignored = fit(bought, primary_genres)  # no company check
    assert clean.experts["favoured_company"].null_count() == clean.experts.height
    row = found.experts.filter(pl.col("expert_id") == expert).row(0, named=True)
    assert row["favoured_company"] == favoured and row["favour_points"] > 1.0
    assert row["favoured_reviews"] >= 3

    def mean_score(model: ExpertModel) -> float:
        value = model.works.filter(pl.col("work_id").is_in(works))["score"].mean()
        assert isinstance(value, float)
        return value

    # The favoured works come back to what the other experts see; without the check they gain.
    assert abs(mean_score(found) - mean_score(clean)) < 0.5 * (
        mean_score(ignored) - mean_score(clean)
    )
