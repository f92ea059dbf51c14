"""The catalogue service and its one filter: works found as people name them, on a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog import filters, service
from microdrama.catalog.filters import WorkFilter
from microdrama.catalog.models import Company, Work
from microdrama.config import Settings
from microdrama.errors import FilterError, NotFoundError
from microdrama.ingest.service import import_file

from ..ingest.test_service import METRICS, WORKS_ZH, write


@pytest.fixture
def catalogue(session: Session, settings: Settings, tmp_path: Path) -> Session:
    for kind, text in (("works", WORKS_ZH), ("metrics", METRICS)):
        path = write(tmp_path / f"{kind}.csv", text)
        assert import_file(session, settings=settings, kind=kind, path=path).committed
    return session


def _ids(session: Session, where: WorkFilter) -> list[str]:
    return [w.work_id for w in service.search_works(session, where=where).items]


@pytest.mark.parametrize(
    ("where", "found"),
    [
        (WorkFilter(city="Xi'an"), ["W1"]),
        (WorkFilter(city=" 西安市 "), ["W1"]),
        (WorkFilter(genre="甜宠"), ["W1"]),
        (WorkFilter(genre="Sweet romance"), ["W1"]),
        (WorkFilter(model="iaa"), ["W2"]),
        (WorkFilter(company="青柠"), ["W2"]),  # part of a name
        (WorkFilter(company="91110000600037341L"), ["W1"]),  # a credit code
        (WorkFilter(q="首富"), ["W2"]),
        (WorkFilter(year=2025, platform="抖音"), ["W2"]),
        (WorkFilter(q="  ", city=""), ["W1", "W2"]),  # blanks do not filter
    ],
)
def test_a_search_reads_the_filter_as_people_type_it(
    catalogue: Session, where: WorkFilter, found: list[str]
) -> None:
    assert sorted(_ids(catalogue, where)) == found


def test_a_filter_value_that_names_nothing_lists_what_it_could_be(catalogue: Session) -> None:
    with pytest.raises(FilterError, match=r"no city 'Atlantis'; choose one of: .*西安"):
        service.search_works(catalogue, where=WorkFilter(city="Atlantis"))
    with pytest.raises(FilterError, match="IAP"):
        service.search_works(catalogue, where=WorkFilter(model="subscription"))


def test_narrow_matches_stored_values_so_a_typed_filter_is_resolved_first(
    catalogue: Session,
) -> None:
    typed = WorkFilter(city="Xi'an")
    raw = catalogue.scalars(filters.narrow(select(Work.external_id), typed)).all()
    resolved = filters.resolve(catalogue, typed)
    assert raw == [] and resolved.city == "西安"
    assert catalogue.scalars(filters.narrow(select(Work.external_id), resolved)).all() == ["W1"]


def test_work_ids_is_none_for_a_filter_that_lets_every_work_through(catalogue: Session) -> None:
    assert filters.work_ids(catalogue, WorkFilter()) is None
    (only,) = filters.work_ids(catalogue, filters.resolve(catalogue, WorkFilter(model="IAA"))) or {
        0
    }
    assert catalogue.get(Work, only).external_id == "W2"  # type: ignore[union-attr]


def test_a_filter_describes_itself_the_way_a_reader_says_it() -> None:
    assert (
        WorkFilter(genre="sweet_romance", city="西安").describe()
        == "genre sweet_romance, city 西安"
    )
    assert WorkFilter(q=" ", model="").is_empty and not WorkFilter(year=2025).is_empty


def test_a_company_is_found_by_credit_code_id_or_exact_name(catalogue: Session) -> None:
    xian = catalogue.scalars(select(Company).where(Company.name.like("西安%"))).one()
    for value in ("91110000600037341l", str(xian.id), xian.name):
        assert service.find_company(catalogue, value=value).id == xian.id
    with pytest.raises(NotFoundError, match="no company '西安'"):
        service.find_company(catalogue, value="西安")  # part of a name is not enough here


def test_a_work_reads_back_with_its_totals_and_an_unknown_one_is_not_found(
    catalogue: Session,
) -> None:
    work = service.get_work(catalogue, work_id="W1")
    assert work.title == "闪婚后霸总天天宠我" and [g.key for g in work.genres] == [
        "ceo",
        "sweet_romance",
    ]
    assert work.plays == 1_234 + 15_000 and work.recharge_yuan == "24345.67"
    with pytest.raises(NotFoundError, match="W404"):
        service.get_work(catalogue, work_id="W404")


def test_the_catalogue_is_simulated_only_after_a_simulated_import(
    catalogue: Session, settings: Settings, tmp_path: Path
) -> None:
    assert not service.is_simulated(catalogue)
    path = write(tmp_path / "more.csv", "work_id,platform,date,plays\nW2,抖音,2025-10-09,1\n")
    import_file(catalogue, settings=settings, kind="metrics", path=path, simulated=True)
    assert service.is_simulated(catalogue)
