"""A producer sees their company's works and submits new ones through the validated import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.accounts import service as accounts
from microdrama.accounts.models import User
from microdrama.catalog.models import Company, Work
from microdrama.config import Settings
from microdrama.errors import OwnershipError
from microdrama.ingest.service import import_file
from microdrama.producers import service

from ..ingest.test_service import WORKS_ZH


@pytest.fixture
def producer(session: Session, settings: Settings, tmp_path: Path) -> User:
    path = tmp_path / "works.csv"
    path.write_text(WORKS_ZH, encoding="utf-8")
    assert import_file(session, settings=settings, kind="works", path=path).ok
    xian = session.execute(select(Company).where(Company.name.like("西安%"))).scalar_one()
    user = accounts.create_user(
        session, username="xingh", role_key="producer", password="long-enough", company_id=xian.id
    )
    session.flush()
    return user


def test_a_producer_sees_only_their_companys_works(session: Session, producer: User) -> None:
    works = service.own_works(session, user=producer)
    assert [w.work_id for w in works] == ["W1"]
    assert works[0].rank is None and works[0].reviews_assigned == 0


def test_a_producer_submits_a_work_that_lands_under_their_company(
    session: Session, settings: Settings, producer: User
) -> None:
    report = service.submit_work(
        session,
        settings=settings,
        user=producer,
        fields={
            "work_id": "XH-2",
            "title": "长安夜雨",
            "genres": "悬疑",
            "episodes": "60",
            "release_date": "2025/12/1",
            "model": "IAP",
            "price_per_episode": "0.8",
        },
    )
    assert report.ok and report.inserted == 1
    assert [w.work_id for w in service.own_works(session, user=producer)] == ["XH-2", "W1"]
    bad = service.submit_work(
        session,
        settings=settings,
        user=producer,
        fields={"work_id": "XH-3", "title": "坏", "episodes": "六十"},
    )
    assert not bad.ok and bad.errors[0].column == "episodes"
    assert session.execute(select(Work).where(Work.external_id == "XH-3")).first() is None


def test_a_producer_cannot_overwrite_another_companys_work(
    session: Session, settings: Settings, producer: User
) -> None:
    with pytest.raises(OwnershipError, match="another company"):
        service.submit_work(
            session, settings=settings, user=producer, fields={"work_id": "W2", "title": "改名"}
        )


def test_a_producer_imports_a_file_of_works_as_their_own(
    session: Session, settings: Settings, producer: User, tmp_path: Path
) -> None:
    path = tmp_path / "我们的剧.csv"
    path.write_bytes("剧名,作品ID,出品方,集数\n长安十二时,XH-10,别人家公司,80\n".encode("gbk"))
    report = service.submit_file(session, settings=settings, user=producer, path=path)
    assert report.ok and report.inserted == 1 and report.file == "我们的剧.csv"
    assert "XH-10" in [w.work_id for w in service.own_works(session, user=producer)]
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("work_id,title\nW2,抢别人的剧\n", encoding="utf-8")
    with pytest.raises(OwnershipError, match="W2"):
        service.submit_file(session, settings=settings, user=producer, path=theirs)


@pytest.mark.parametrize("written", ["W2 ", " W2", "W2\t", '"W2"'])
def test_a_work_id_that_becomes_another_companys_after_trimming_is_refused(
    session: Session, settings: Settings, producer: User, tmp_path: Path, written: str
) -> None:
    path = tmp_path / "sly.csv"
    path.write_text(f"work_id,title\n{written},抢别人的剧\n", encoding="utf-8")
    with pytest.raises(OwnershipError, match="W2"):
        service.submit_file(session, settings=settings, user=producer, path=path)
    typed = written.strip('"')  # in a form there is no CSV quoting, only the spaces
    with pytest.raises(OwnershipError, match="W2"):
        service.submit_work(
            session, settings=settings, user=producer, fields={"work_id": typed, "title": "改名"}
        )
    title = session.execute(select(Work.title).where(Work.external_id == "W2")).scalar_one()
    assert title != "抢别人的剧" and title != "改名"


def test_a_producer_cannot_claim_a_work_that_no_company_produced(
    session: Session, settings: Settings, producer: User, tmp_path: Path
) -> None:
    orphan = tmp_path / "orphan.csv"
    orphan.write_text("work_id,title\nNOBODY-1,无主之剧\n", encoding="utf-8")
    assert import_file(session, settings=settings, kind="works", path=orphan).committed
    path = tmp_path / "claim.csv"
    path.write_text("work_id,title\nNOBODY-1,我的了\n", encoding="utf-8")
    with pytest.raises(OwnershipError, match="NOBODY-1"):
        service.submit_file(session, settings=settings, user=producer, path=path)
    assert "NOBODY-1" not in [w.work_id for w in service.own_works(session, user=producer)]
