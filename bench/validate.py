"""`make validate`: the Star Index on simulated data, checked against the simulator's truth."""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from bench import adversaries
from microdrama.catalog.filters import WorkFilter
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.demo.service import generate, import_demo_file
from microdrama.demo.simulator import SimulationConfig
from microdrama.index.method import truth_checks
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.experts import fit
from microdrama.index.ranking import ranking, results_frame
from microdrama.index.service import RunSelector, compute_index, reviews_frame, works_frame
from microdrama.ingest.columns import IMPORT_KINDS

WORKS, DAYS, SEED = 12_000, 180, 20251101
PERIODS = ("2025-11", "all")


def main() -> dict[str, object]:
    """Load the demo into a temporary store, compute, compare with the truth, print a report."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "var")
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        paths = generate(
            config=SimulationConfig(works=WORKS, days=DAYS, seed=SEED),
            out=settings.data_dir / "demo",
        )
        for kind in IMPORT_KINDS:
            with unit_of_work(sessions) as session:
                assert import_demo_file(session, settings=settings, kind=kind, path=paths[kind]).ok
        truth_works = pl.read_csv(paths["truth_works"])
        truth_fraud = pl.read_csv(paths["truth_fraud"], try_parse_dates=True)
        report: dict[str, object] = {
            "works": WORKS,
            "days": DAYS,
            "seed": SEED,
            "load_seconds": round(time.perf_counter() - started, 1),
        }
        for period in PERIODS:
            report[period] = _check_period(sessions, settings, period, truth_works, truth_fraud)
        with unit_of_work(sessions) as session:
            reviews = reviews_frame(session, until=date(2100, 1, 1))
            model = fit(reviews, works_frame(session).select("work_id", "genre"))
        report["rater_correction"] = truth_checks.rater_correction(
            reviews, model.works, truth_works
        )
        engine.dispose()
    # The adversaries' scenarios, each against the same clean world (bench/adversaries.py).
    report["adversaries"] = adversaries.report(progress=False)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def _check_period(
    sessions: sessionmaker[Session],
    settings: Settings,
    period: str,
    truth_works: pl.DataFrame,
    truth_fraud: pl.DataFrame,
) -> dict[str, object]:
    """Spearman with and without integrity, detection, top-100 fraud, determinism."""
    out: dict[str, object] = {}
    frames: dict[str, pl.DataFrame] = {}
    for label, config in (
        ("without_integrity", IndexConfig(apply_integrity=False)),
        ("with_integrity", IndexConfig()),
    ):
        with unit_of_work(sessions) as session:
            started = time.perf_counter()
            run = compute_index(session, settings=settings, period=period, config=config)
            seconds = time.perf_counter() - started
            frames[label] = results_frame(session, run_id=run.id)
        out[f"spearman_{label}"] = round(
            truth_checks.quality_correlation(frames[label], truth_works), 4
        )
        out[f"seconds_{label}"] = round(seconds, 2)
    with unit_of_work(sessions) as session:
        run = compute_index(session, settings=settings, period=period)
        first = ranking(
            session, run=RunSelector(period=period), where=WorkFilter()
        ).model_dump_json(exclude={"run"})
        run_again = compute_index(session, settings=settings, period=period)
        second = ranking(
            session, run=RunSelector(period=period), where=WorkFilter()
        ).model_dump_json(exclude={"run"})
    out["deterministic"] = first == second and run.inputs_hash == run_again.inputs_hash
    results = frames["with_integrity"]
    planted = truth_checks.fraud_works(truth_fraud, run.period_start, run.period_end)
    out["detection"] = truth_checks.detection(results, planted)
    out["fraud_in_top100"] = truth_checks.fraud_in_top(results, planted)
    out["fraud_in_top100_without_integrity"] = truth_checks.fraud_in_top(
        frames["without_integrity"], planted
    )
    out["stability"] = run.stability
    return out


if __name__ == "__main__":
    main()
