"""What a producer sees of their company's works, and how they submit a new one."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microdrama.accounts.models import User
from microdrama.catalog.models import Company, Work, WorkCompany
from microdrama.config import Settings
from microdrama.errors import OwnershipError
from microdrama.index.models import IndexResult, IndexRun
from microdrama.ingest.schemas import ImportReport
from microdrama.ingest.service import import_file
from microdrama.panels.models import Assignment

SUBMITTED_FIELDS = (
    "work_id",
    "title",
    "title_en",
    "genres",
    "episodes",
    "episode_minutes",
    "release_date",
    "platform",
    "city",
    "model",
    "paywall_episode",
    "price_per_episode",
    "filing_no",
    "investment_tier",
)


@dataclass(frozen=True)
class OwnWork:
    """One of the producer's works with its review status and newest published index."""

    work_id: str
    title: str
    reviews_done: int
    reviews_assigned: int
    period: str | None
    rank: int | None
    tier: str | None
    score: float | None


def company_of(session: Session, user: User) -> Company:
    """The company a producer account belongs to."""
    if user.company_id is None:
        raise OwnershipError("this account is not linked to a company; ask an administrator")
    company = session.get(Company, user.company_id)
    if company is None:
        raise OwnershipError("the linked company no longer exists")
    return company


def own_works(session: Session, *, user: User) -> list[OwnWork]:
    """The works the producer's company made, newest first."""
    company = company_of(session, user)
    works = (
        session.execute(
            select(Work)
            .join(WorkCompany, WorkCompany.work_id == Work.id)
            .where(WorkCompany.company_id == company.id, WorkCompany.role == "producer")
            .order_by(Work.release_date.desc().nulls_last(), Work.external_id)
        )
        .scalars()
        .all()
    )
    ids = [w.id for w in works]
    reviews: dict[int, tuple[int, int]] = {
        work_id: (int(done or 0), int(assigned))
        for work_id, done, assigned in session.execute(
            select(Assignment.work_id, func.count(Assignment.submitted_at), func.count())
            .where(Assignment.work_id.in_(ids))
            .group_by(Assignment.work_id)
        ).all()
    }
    latest = _latest_published(session, ids)
    return [
        OwnWork(
            work_id=w.external_id,
            title=w.title,
            reviews_done=reviews.get(w.id, (0, 0))[0],
            reviews_assigned=reviews.get(w.id, (0, 0))[1],
            **latest.get(w.id, {"period": None, "rank": None, "tier": None, "score": None}),
        )
        for w in works
    ]


def _latest_published(session: Session, work_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        select(
            IndexResult.work_id,
            IndexRun.period,
            IndexResult.rank,
            IndexResult.tier,
            IndexResult.score,
        )
        .join(IndexRun, IndexRun.id == IndexResult.run_id)
        .where(
            IndexRun.published.is_(True),
            IndexResult.work_id.in_(work_ids),
            IndexResult.rank.is_not(None),
        )
        .order_by(IndexRun.period_end, IndexRun.id)
    ).all()
    return {w: {"period": p, "rank": r, "tier": t, "score": s} for w, p, r, t, s in rows}


def submit_work(
    session: Session, *, settings: Settings, user: User, fields: dict[str, str]
) -> ImportReport:
    """Add or update one of the producer's works through the ordinary, validated import."""
    company = company_of(session, user)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[*SUBMITTED_FIELDS, "producer", "producer_credit_code"]
    )
    writer.writeheader()
    writer.writerow(
        {
            **{k: fields.get(k, "") for k in SUBMITTED_FIELDS},
            "producer": company.name,
            "producer_credit_code": company.credit_code or "",
        }
    )
    from microdrama.ingest.staging import staging_folder

    with staging_folder(settings.work_dir, prefix="producer-") as folder:
        path = folder / "submission.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return import_file(
            session, settings=settings, kind="works", path=path, actor=user, owner=company
        )


def submit_file(session: Session, *, settings: Settings, user: User, path: Path) -> ImportReport:
    """Import a works file as the producer's own: every row's producer is their company.

    The import refuses the file when a work id (as it will be written, after trimming and
    every other normalisation) names a stored work the company did not produce.
    """
    import polars as pl

    from microdrama.ingest import readers
    from microdrama.ingest.columns import canonical_name
    from microdrama.ingest.staging import staging_folder

    company = company_of(session, user)
    with staging_folder(settings.work_dir, prefix="producer-") as workdir:
        source = readers.open_table(path, workdir=workdir, header_hint=canonical_name)
        renames: dict[str, str] = {}
        for header in source.headers:
            name = canonical_name(header)
            if (
                name
                and name not in renames.values()
                and name not in ("producer", "producer_credit_code")
            ):
                renames[header] = name
        frame = source.frame.select(pl.col(h).cast(pl.Utf8).alias(c) for h, c in renames.items())
        rows = frame.collect().with_columns(
            pl.lit(company.name).alias("producer"),
            pl.lit(company.credit_code or "").alias("producer_credit_code"),
        )
        own = workdir / "works.csv"
        rows.write_csv(own)
        report = import_file(
            session, settings=settings, kind="works", path=own, actor=user, owner=company
        )
    report.file = path.name
    return report
