"""Reading stored runs: which run a reader gets, explanations that match their schema, exports."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from microdrama.catalog.filters import WorkFilter
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.errors import NotFoundError
from microdrama.index.ranking import (
    cohort_label,
    explanation,
    rank_history,
    ranking,
    reason_group,
    reason_text,
)
from microdrama.index.schemas import Explanation
from microdrama.index.service import RunSelector, chosen_run, publish_run
from microdrama.spreadsheets import csv_text

from .test_service import compute, demo, loaded  # noqa: F401  (fixtures)


def test_a_reader_gets_the_run_they_asked_for_or_the_newest_one_they_may_see(
    loaded: sessionmaker[Session],  # noqa: F811
    settings: Settings,
) -> None:
    published = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        publish_run(session, run_id=published.id, actor="test")
    draft = compute(loaded, settings)  # the same inputs again: a published run is kept
    with unit_of_work(loaded) as session:
        newest = chosen_run(session, RunSelector(period="2025-11"))
        public = chosen_run(session, RunSelector(period="2025-11", published_only=True))
        preferred = chosen_run(session, RunSelector(period="2025-11", prefer_published=True))
        by_id = chosen_run(session, RunSelector(run_id=published.id, period="2025-11"))
        assert newest.id == draft.id and by_id.id == published.id
        assert public.id == published.id and preferred.id == published.id
        with pytest.raises(NotFoundError, match=f"run #{published.id} is of period 2025-11"):
            chosen_run(session, RunSelector(run_id=published.id, period="2025-10"))
        with pytest.raises(NotFoundError, match=f"no index run #{draft.id}"):
            chosen_run(session, RunSelector(run_id=draft.id, published_only=True))
        with pytest.raises(NotFoundError, match="give a period or a run id"):
            chosen_run(session, RunSelector())


def test_an_explanation_holds_exactly_the_fields_of_its_schema(
    loaded: sessionmaker[Session],  # noqa: F811
    settings: Settings,
) -> None:
    compute(loaded, settings)
    with unit_of_work(loaded) as session:
        page = ranking(session, run=RunSelector(period="2025-11"), where=WorkFilter(), top=3)
        for row in page.rows:
            detail = explanation(session, work_id=row.work_id, run=RunSelector(period="2025-11"))
            read = Explanation.model_validate(detail)  # unknown keys are refused
            assert read.rank == row.rank and read.run_id == page.run.id
            assert set(read.dimensions) == {
                "reach",
                "engagement",
                "commercial",
                "reputation",
                "momentum",
                "expert",
            }
            contributions = sum(part.contribution for part in read.dimensions.values())
            assert contributions == pytest.approx(read.score, abs=0.05)


def test_the_rank_history_holds_the_newest_run_of_each_period(
    loaded: sessionmaker[Session],  # noqa: F811
    settings: Settings,
) -> None:
    compute(loaded, settings, period="2025-10")
    compute(loaded, settings)
    latest = compute(loaded, settings)
    with unit_of_work(loaded) as session:
        top = ranking(session, run=RunSelector(run_id=latest.id), where=WorkFilter(), top=1)
        history = rank_history(session, work_id=top.rows[0].work_id, published_only=False)
        assert [h["period"] for h in history] == ["2025-10", "2025-11"]
        assert history[-1]["rank"] == 1
        assert rank_history(session, work_id=top.rows[0].work_id, published_only=True) == []


def test_exports_start_with_a_bom_and_write_booleans_as_words() -> None:
    text = csv_text(
        [{"work_id": "W1", "title": "霸总", "data_only": True, "extra": 1}],
        ["work_id", "title", "data_only"],
    )
    assert text == "\ufeffwork_id,title,data_only\nW1,霸总,true\n"


def test_reasons_and_cohorts_read_as_sentences() -> None:
    assert reason_text("fewer than 7 day(s) of data in the period") == (
        "fewer than 7 days of data in the period"
    )
    assert reason_text("only 1 days of data") == "only 1 day of data"
    assert reason_text(None) == "not eligible"
    assert reason_group("3 days of data, at least 7 needed") == "fewer than 7 days of data"
    assert cohort_label("星河短剧|all") == "星河短剧, all release months"
    assert cohort_label("all|2025-10").startswith("all platforms")
