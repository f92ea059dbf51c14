"""Schemathesis against the generated OpenAPI spec: no generated input gets a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.ingest.service import import_file

from ..ingest.test_service import METRICS, WORKS_ZH


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    config = Settings(data_dir=folder / "var", database_url=f"sqlite:///{folder / 'fuzz.db'}")
    engine = make_engine(config.resolved_database_url)
    upgrade(engine)
    for kind, text in (("works", WORKS_ZH), ("metrics", METRICS)):
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        with unit_of_work(make_session_factory(engine)) as session:
            import_file(session, settings=config, kind=kind, path=path)  # type: ignore[arg-type]
    engine.dispose()
    app = create_app(config)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.engine.dispose()


def test_no_input_makes_the_api_fail(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        call()
