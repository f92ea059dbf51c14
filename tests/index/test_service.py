"""The Star Index computed, stored and read back on the real database and lake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from microdrama.catalog.filters import WorkFilter
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.demo.service import import_demo_file, write_files
from microdrama.demo.simulator import DemoData, SimulationConfig, simulate
from microdrama.errors import NotFoundError
from microdrama.index.method import truth_checks
from microdrama.index.method.config import METHOD_VERSION, IndexConfig
from microdrama.index.ranking import (
    expert_estimates,
    explanation,
    ranking,
    results_frame,
)
from microdrama.index.service import RunSelector, compute_index
from microdrama.ingest.columns import IMPORT_KINDS
from microdrama.lake import metrics as lake

SMALL = SimulationConfig(
    works=500, days=75, seed=11, fraud_share=0.04, reviewed_share=0.4, experts=25
)
FAST = IndexConfig(bootstrap=60, stability_draws=10)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return simulate(SMALL)


@pytest.fixture
def loaded(
    demo: DemoData, settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> Iterator[sessionmaker[Session]]:
    paths = write_files(demo, out=tmp_path / "demo")
    for kind in IMPORT_KINDS:
        with unit_of_work(sessions) as session:
            assert import_demo_file(session, settings=settings, kind=kind, path=paths[kind]).ok
    yield sessions


def compute(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str = "2025-11",
    config: IndexConfig = FAST,
    **kw: object,
):  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as session:
        return compute_index(session, settings=settings, period=period, config=config, **kw)  # type: ignore[arg-type]


def test_a_run_is_pinned_to_its_method_parameters_and_inputs(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    run = compute(loaded, settings)
    assert run.method_version == METHOD_VERSION and len(run.parameter_hash) == 64
    assert run.lake_version == lake.current_version(lake.metrics_uri(settings.resolved_lake_uri))
    assert len(run.inputs_hash) == 64 and run.works_ranked > 300 and run.simulated
    assert 0 < run.works_data_only < run.works_ranked
    assert {r["dimension"] for r in run.reliability} == {
        "values",
        "artistry",
        "production",
        "innovation",
    }


def test_the_ranking_carries_intervals_tiers_and_every_dimension(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    compute(loaded, settings)
    with unit_of_work(loaded) as session:
        page = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter())
    rows = page.rows
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert row.rank_low <= row.rank <= row.rank_high
        assert row.score_low <= row.score <= row.score_high
        assert 0 <= row.score <= 100 and 0 <= row.integrity <= 1
        assert row.tier in ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D")
        assert row.data_only == (row.expert is None)
    assert rows[0].tier == "A+"
    dumped = rows[0].model_dump()
    for field in (
        "rank",
        "rank_low",
        "rank_high",
        "work_id",
        "title",
        "score",
        "score_low",
        "score_high",
        "tier",
        "integrity",
        "reach",
        "engagement",
        "commercial",
        "reputation",
        "momentum",
        "expert",
        "flags",
    ):
        assert field in dumped


def test_the_same_inputs_give_the_same_ranking_byte_for_byte(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    first = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        before = ranking(
            session, run=RunSelector(period="2025-11"), where=WorkFilter()
        ).model_dump_json(exclude={"run"})
    second = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        after = ranking(
            session, run=RunSelector(period="2025-11"), where=WorkFilter()
        ).model_dump_json(exclude={"run"})
    assert before == after
    assert (first.inputs_hash, first.parameter_hash) == (second.inputs_hash, second.parameter_hash)


def test_filters_keep_only_matching_works(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    compute(loaded, settings)
    with unit_of_work(loaded) as session:
        everything = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter())
        xian = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter(city="西安"))
        iaa = ranking(
            session, run=RunSelector(period="2025-11"), where=WorkFilter(model="IAA"), top=5
        )
    assert 0 < xian.total < everything.total
    assert all(r.city == "西安" for r in xian.rows)
    assert len(iaa.rows) == 5 and all(r.model == "IAA" for r in iaa.rows)
    assert [r.rank for r in xian.rows] == sorted(r.rank for r in xian.rows)


def test_an_explanation_adds_up_and_names_the_flags(
    loaded: sessionmaker[Session], settings: Settings, demo: DemoData
) -> None:
    run = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        results = results_frame(session, run_id=run.id)
        flagged = results.filter(pl.col("flagged_days") > 0)["work_id"].to_list()
        detail = explanation(session, work_id=flagged[0], run=RunSelector(period="2025-11"))
        top = explanation(session, work_id=results["work_id"][0], run=RunSelector(period="2025-11"))
    assert detail["flags"] and all(f["reason"] for f in detail["flags"])
    assert detail["integrity"] < 1
    total = sum(part["contribution"] for part in top["dimensions"].values())
    assert total == pytest.approx(top["score"], rel=1e-6)
    assert top["raw"]["effective_plays"] > 0 and top["cohort"]


def test_integrity_flags_catch_the_planted_fake_traffic(
    loaded: sessionmaker[Session], settings: Settings, demo: DemoData
) -> None:
    run = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        results = results_frame(session, run_id=run.id)
    planted = truth_checks.fraud_works(demo.truth_fraud, run.period_start, run.period_end)
    found = truth_checks.detection(results, planted)
    assert found["precision"] >= 0.9 and found["recall"] >= 0.9
    assert truth_checks.fraud_in_top(results, planted, top=20) == []


def test_the_integrity_step_brings_the_ranking_closer_to_latent_quality(
    loaded: sessionmaker[Session], settings: Settings, demo: DemoData
) -> None:
    correlations = {}
    for apply in (False, True):
        config = IndexConfig(bootstrap=20, stability_draws=2, apply_integrity=apply)
        run = compute(loaded, settings, period="all", config=config)
        with unit_of_work(loaded) as session:
            results = results_frame(session, run_id=run.id)
        correlations[apply] = truth_checks.quality_correlation(results, demo.truth_works)
    assert correlations[True] > correlations[False] > 0.5


def test_expert_leniency_is_estimated_and_reported(
    loaded: sessionmaker[Session], settings: Settings, demo: DemoData
) -> None:
    compute(loaded, settings)
    with unit_of_work(loaded) as session:
        read = expert_estimates(session, run=RunSelector(period="2025-11"))
    estimated = pl.DataFrame([e.model_dump() for e in read.experts]).join(
        demo.truth_experts, on="expert_id"
    )
    assert estimated.height >= 20
    assert estimated.select(pl.corr("leniency", "leniency_right")).item() > 0.8
    assert all(r["alpha"] is None or 0 < r["alpha"] <= 1 for r in read.reliability)


def test_as_of_uses_only_data_known_that_day(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    from datetime import date

    run = compute(loaded, settings, as_of=date(2025, 11, 15))
    assert run.period_end == date(2025, 11, 15) and run.as_of == date(2025, 11, 15)


def test_a_period_never_computed_says_how_to_compute_it(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    with unit_of_work(loaded) as session, pytest.raises(NotFoundError, match="index compute"):
        ranking(session, run=RunSelector(period="2024-01"), where=WorkFilter())


def test_a_computation_split_into_partitions_gives_the_same_ranking(
    loaded: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microdrama.index import service

    rankings = []
    for rows in (10_000_000, 4_000):  # one partition, then many
        monkeypatch.setattr(service, "PARTITION_ROWS", rows)
        compute(loaded, settings)
        with unit_of_work(loaded) as session:
            rankings.append(
                ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter()).rows
            )
    assert [r.work_id for r in rankings[0]] == [r.work_id for r in rankings[1]]
    assert [r.score for r in rankings[0]] == [r.score for r in rankings[1]]


def test_the_ranking_does_not_depend_on_how_many_threads_share_the_work(
    loaded: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microdrama.index.method import integrity, uncertainty

    dumps = []
    for workers in (1, 3):
        monkeypatch.setattr(integrity, "WORKERS", workers)
        monkeypatch.setattr(uncertainty, "WORKERS", workers)
        run = compute(loaded, settings)
        with unit_of_work(loaded) as session:
            page = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter())
            dumps.append((page.model_dump_json(exclude={"run"}), run.stability))
    assert dumps[0] == dumps[1]


def test_a_results_detail_is_written_as_json_with_what_the_engine_describes() -> None:
    import json

    from microdrama.index.method import engine

    results = pl.DataFrame(
        {
            "work_id": ["W1", "W2"],
            "cohort": ["抖音|2025-05", None],
            "ineligible_reason": [None, "3 days of data in the period; at least 7 needed"],
            "plays": [55546, None],
            "completion": [0.402655957361969, 1e-17],
            "expert_score": [7.25, None],
            "expert_disagreement": [True, None],
            "expert_values": [6.5, None],
        }
    )
    text = results.select(engine.detail_json(results)).to_series().to_list()
    columns = {name: results.get_column(name).to_list() for name in results.columns}
    assert [json.loads(t) for t in text] == engine.details(columns)


def test_filters_take_labels_and_english_names_and_name_the_choices_otherwise(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    from microdrama.errors import FilterError

    compute(loaded, settings)
    with unit_of_work(loaded) as session:
        by_key = ranking(
            session,
            run=RunSelector(period="2025-11"),
            where=WorkFilter(genre="sweet_romance", city="西安"),
        )
        by_label = ranking(
            session,
            run=RunSelector(period="2025-11"),
            where=WorkFilter(genre="甜宠", city="xi'an", model="iaa"),
        )
        with pytest.raises(FilterError, match="choose one of: .*西安 \\(Xi'an\\)"):
            ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter(city="Atlantis"))
    assert by_key.total > by_label.total > 0
    assert {r.work_id for r in by_label.rows} <= {r.work_id for r in by_key.rows}


def test_readers_may_prefer_the_published_run_and_see_what_is_not_ranked(
    loaded: sessionmaker[Session], settings: Settings
) -> None:
    from datetime import date

    from microdrama.index.ranking import not_ranked, reason_counts
    from microdrama.index.service import publish_run

    full = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        publish_run(session, run_id=full.id, actor="test")
    cut = compute(loaded, settings, as_of=date(2025, 11, 15))
    with unit_of_work(loaded) as session:
        newest = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter(), top=1)
        chosen = ranking(
            session,
            run=RunSelector(period="2025-11", prefer_published=True),
            where=WorkFilter(),
            top=1,
        )
        missing = not_ranked(session, run_id=cut.id)
    assert (newest.run.id, chosen.run.id) == (cut.id, full.id)
    assert missing and all(not row["eligible"] and row["ineligible_reason"] for row in missing)
    counts = dict(reason_counts(missing))
    assert sum(counts.values()) == len(missing) and counts.get("fewer than 3 days of data")
