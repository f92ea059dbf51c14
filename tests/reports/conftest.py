"""A small simulated market with its index, loaded once per module on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.demo.service import import_demo_file, write_files
from microdrama.demo.simulator import SimulationConfig, simulate
from microdrama.index.method.config import IndexConfig
from microdrama.index.service import compute_index
from microdrama.ingest.columns import IMPORT_KINDS
from microdrama.reports.builder import BuiltReport, build_report
from tests.conftest import POSTGRES_UP, POSTGRES_URL

SMALL = SimulationConfig(
    works=500, days=75, seed=23, fraud_share=0.05, reviewed_share=0.4, experts=20
)
BUILT_AT = datetime(2026, 1, 2, 3, 4)
# Data from 2025-07-24 to 2025-11-30: a partial year, Q3 and July, and a Q4 still running.
LONG = SimulationConfig(works=200, days=130, seed=7, experts=10, reviewed_share=0.2)
# The works of this city reach almost nobody in October: a tiny base for November's growth.
TINY_CITY = "深圳"


@dataclass
class Market:
    """A loaded market, its settings and a report built from it."""

    settings: Settings
    sessions: sessionmaker[Session]
    report: BuiltReport
    folder: Path

    def build(self, name: str, **kwargs: object) -> BuiltReport:
        """Build another report of this market into the folder `name` beside the first."""
        kwargs.setdefault("period", "2025-11")
        kwargs.setdefault("out", self.folder / name)
        with unit_of_work(self.sessions) as session:
            return build_report(
                session,
                settings=self.settings,
                **kwargs,  # type: ignore[arg-type]
            )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def market(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Market]:
    """The market loaded through the ordinary imports, with the 2025-11 index and a report."""
    folder = tmp_path_factory.mktemp("market")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'test.db'}"
    else:
        if not POSTGRES_UP:
            pytest.skip(f"PostgreSQL does not answer at {POSTGRES_URL}")
        schema = f"r_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    settings = Settings(data_dir=folder / "var", database_url=url)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    paths = write_files(simulate(SMALL), out=folder / "demo")
    for kind in IMPORT_KINDS:
        with unit_of_work(sessions) as session:
            assert import_demo_file(session, settings=settings, kind=kind, path=paths[kind]).ok
    with unit_of_work(sessions) as session:
        compute_index(
            session,
            settings=settings,
            period="2025-11",
            config=IndexConfig(bootstrap=60, stability_draws=10),
        )
    with unit_of_work(sessions) as session:
        report = build_report(
            session, settings=settings, period="2025-11", out=folder / "zh", built_at=BUILT_AT
        )
    yield Market(settings, sessions, report, folder)
    engine.dispose()
    if schema:
        _admin(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="module")
def long_market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    """130 days of data on SQLite, no index; October's plays of TINY_CITY cut a thousandfold."""
    folder = tmp_path_factory.mktemp("long")
    settings = Settings(data_dir=folder / "var", database_url=f"sqlite:///{folder / 'long.db'}")
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    data = simulate(LONG)
    tiny = data.works.filter(pl.col("city") == TINY_CITY)["work_id"].implode()
    october = pl.col("date").is_between(date(2025, 10, 1), date(2025, 10, 31))
    cut = pl.col("work_id").is_in(tiny) & october & (pl.col("plays") > 0)
    metrics = data.metrics.with_columns(
        pl.when(cut)
        .then((pl.col("plays") // 1000).clip(lower_bound=1))
        .otherwise("plays")
        .alias("plays")
    )
    paths = write_files(replace(data, metrics=metrics), out=folder / "demo")
    for kind in IMPORT_KINDS:
        with unit_of_work(sessions) as session:
            assert import_demo_file(session, settings=settings, kind=kind, path=paths[kind]).ok
    with unit_of_work(sessions) as session:
        report = build_report(
            session,
            settings=settings,
            period="2025-Q4",
            lang="en",
            out=folder / "q4",
            compute_missing=False,
            built_at=BUILT_AT,
        )
    yield Market(settings, sessions, report, folder)
    engine.dispose()


def _admin(statement: str) -> None:
    """Run one statement on the PostgreSQL test database and close the connection."""
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(statement))
    admin.dispose()
