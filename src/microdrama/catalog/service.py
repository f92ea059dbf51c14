"""Read the catalogue: search works, a work's profile, its daily metrics, filter facets."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import polars as pl
from sqlalchemy import ScalarSelect, exists, extract, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from microdrama.catalog.filters import WorkFilter, narrow, resolve
from microdrama.catalog.models import (
    AudienceRating,
    City,
    Company,
    Credit,
    ImportRecord,
    Platform,
    Work,
    WorkCompany,
    WorkGenre,
    WorkPlatform,
    WorkStats,
)
from microdrama.catalog.schemas import (
    CompanyRole,
    CreditRead,
    DailyMetricRead,
    Facet,
    RatingRead,
    WorkPage,
    WorkRead,
    WorkSummary,
)
from microdrama.catalog.vocab import MODELS, genre_label, term_by_key
from microdrama.db.upsert import upsert
from microdrama.errors import NotFoundError
from microdrama.lake import metrics as lake

SortKey = Literal["plays", "release_date", "title", "recharge"]


def yuan(fen: int | None) -> str | None:
    """Exact yuan text for an amount in fen."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def primary_genre() -> ScalarSelect[str]:
    """A correlated subquery: the work's first genre (for `select(Work…, primary_genre())`)."""
    return (
        select(WorkGenre.genre)
        .where(WorkGenre.work_id == Work.id)
        .order_by(WorkGenre.position)
        .limit(1)
        .correlate(Work)
        .scalar_subquery()
    )


def search_works(
    session: Session,
    *,
    where: WorkFilter,
    sort: SortKey = "plays",
    page: int = 1,
    page_size: int = 50,
) -> WorkPage:
    """One page of works matching the filter (as typed: it is resolved), most played first."""
    where = resolve(session, where)
    page = max(1, page)
    page_size = min(max(1, page_size), 500)
    base = narrow(select(Work.id), where)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    query = narrow(
        select(Work, WorkStats).outerjoin(WorkStats, WorkStats.work_id == Work.id), where
    )
    orders: dict[str, tuple[Any, ...]] = {
        "plays": (WorkStats.plays.desc().nulls_last(), Work.external_id),
        "recharge": (WorkStats.recharge_fen.desc().nulls_last(), Work.external_id),
        "release_date": (Work.release_date.desc().nulls_last(), Work.external_id),
        "title": (Work.title, Work.external_id),
    }
    order = orders[sort]
    query = (
        query.order_by(*order)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .options(
            selectinload(Work.genres),
            selectinload(Work.platforms).selectinload(WorkPlatform.platform),
            selectinload(Work.city),
        )
    )
    items = [_summary(work, stats) for work, stats in session.execute(query).all()]
    return WorkPage(
        items=items, total=total, page=page, page_size=page_size, simulated=is_simulated(session)
    )


def _summary(work: Work, stats: WorkStats | None) -> WorkSummary:
    return WorkSummary(
        work_id=work.external_id,
        title=work.title,
        title_en=work.title_en,
        genres=[genre_label(g.genre) for g in work.genres],
        platforms=[p.platform.name for p in work.platforms],
        city=work.city.name if work.city else None,
        model=work.model,
        episodes=work.episodes,
        release_date=work.release_date,
        plays=stats.plays if stats else None,
        recharge_yuan=yuan(stats.recharge_fen) if stats else None,
        ad_revenue_yuan=yuan(stats.ad_revenue_fen) if stats else None,
    )


def get_work(session: Session, *, work_id: str, blind: bool = False) -> WorkRead:
    """Everything the catalogue holds about one work; for a blind reviewer, no companies
    and no credits (who made a work must not sway its review)."""
    work = session.execute(
        select(Work)
        .where(Work.external_id == work_id)
        .options(
            selectinload(Work.genres),
            selectinload(Work.platforms).selectinload(WorkPlatform.platform),
            selectinload(Work.companies)
            .selectinload(WorkCompany.company)
            .selectinload(Company.city),
            selectinload(Work.credits).selectinload(Credit.person),
            selectinload(Work.ratings).selectinload(AudienceRating.platform),
            selectinload(Work.city),
        )
    ).scalar_one_or_none()
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    stats = session.get(WorkStats, work.id)
    summary = _summary(work, stats)
    read = WorkRead(
        **summary.model_dump(),
        episode_minutes=work.episode_minutes,
        paywall_episode=work.paywall_episode,
        price_per_episode_yuan=work.price_per_episode_yuan,
        filing_no=work.filing_no,
        investment_tier=work.investment_tier,
        languages=work.languages.split("|") if work.languages else [],
        companies=sorted(
            (
                CompanyRole(
                    name=c.company.name,
                    role=c.role,
                    credit_code=c.company.credit_code,
                    city=c.company.city.name if c.company.city else None,
                )
                for c in work.companies
            ),
            key=lambda c: (c.role, c.name),
        ),
        credits=[CreditRead(name=c.person.name, role=c.role) for c in work.credits],
        ratings=[
            RatingRead(platform=r.platform.name, score=r.score, votes=r.votes) for r in work.ratings
        ],
        viewers=stats.viewers if stats else None,
        first_date=stats.first_date if stats else None,
        last_date=stats.last_date if stats else None,
        days_of_data=stats.days if stats else 0,
    )
    return read.model_copy(update={"companies": [], "credits": []}) if blind else read


def metrics_snapshot(session: Session, *, lake_root: str) -> lake.Snapshot:
    """The metrics table as the catalogue knows it: the newest version a committed import
    recorded. A later version (an import whose SQL commit never came) is not read; a lake that
    no import recorded (written by other tools) is read at its newest version."""
    uri = lake.metrics_uri(lake_root)
    acknowledged = session.scalar(
        select(func.max(ImportRecord.lake_version)).where(ImportRecord.status == "committed")
    )
    return lake.snapshot(uri) if acknowledged is None else lake.Snapshot(uri, acknowledged)


def daily_metrics(
    snapshot: lake.Snapshot, *, work_id: str, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """A work's daily metrics from the lake, ordered by date and platform (money in fen)."""
    frame = snapshot.scan().filter(pl.col("work_id") == work_id)
    if start:
        frame = frame.filter(pl.col("date") >= start)
    if end:
        frame = frame.filter(pl.col("date") <= end)
    return frame.drop("import_id").sort("date", "platform").collect()


def daily_metric_rows(frame: pl.DataFrame) -> list[DailyMetricRead]:
    """Daily metrics as API rows with exact yuan amounts."""
    return [
        DailyMetricRead(
            **{k: v for k, v in row.items() if k not in lake.MONEY_COLUMNS and k != "work_id"},
            recharge_yuan=yuan(row["recharge_fen"]),
            ad_revenue_yuan=yuan(row["ad_revenue_fen"]),
            ad_spend_yuan=yuan(row["ad_spend_fen"]),
        )
        for row in frame.iter_rows(named=True)
    ]


def refresh_work_stats(session: Session, *, snapshot: lake.Snapshot) -> int:
    """Recompute every work's totals from a version of the lake; returns the version read."""
    version = snapshot.version
    if version is None:
        return -1
    totals = (
        snapshot.scan()
        .group_by("work_id")
        .agg(
            *(_known_sum(c) for c in ("plays", "viewers", "recharge_fen", "ad_revenue_fen")),
            pl.col("date").min().alias("first_date"),
            pl.col("date").max().alias("last_date"),
            pl.col("date").n_unique().alias("days"),
        )
        .collect()
    )
    ids: dict[str, int] = dict(session.execute(select(Work.external_id, Work.id)).all())
    rows = [
        {"work_id": ids[r.pop("work_id")], **r, "lake_version": version}
        for r in totals.iter_rows(named=True)
        if r["work_id"] in ids
    ]
    upsert(
        session,
        WorkStats,
        rows,
        keys=["work_id"],
        update=[
            "plays",
            "viewers",
            "recharge_fen",
            "ad_revenue_fen",
            "first_date",
            "last_date",
            "days",
            "lake_version",
        ],
    )
    return version


def _known_sum(column: str) -> pl.Expr:
    """The sum of the known values, or null when none is known (unknown is not zero)."""
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).alias(column)


# Facets change only when an import commits: cached per database and newest import.
_FACETS: dict[tuple[str, int | None], dict[str, list[Facet]]] = {}


def facets(session: Session) -> dict[str, list[Facet]]:
    """The values each catalogue filter offers, with work counts, largest first."""
    stamp = (
        str(session.get_bind().engine.url),
        session.execute(select(func.max(ImportRecord.id))).scalar_one(),
    )
    if stamp not in _FACETS:
        if len(_FACETS) > 64:
            _FACETS.clear()
        _FACETS[stamp] = _count_facets(session)
    return _FACETS[stamp]


def _count_facets(session: Session) -> dict[str, list[Facet]]:
    genre_counts = session.execute(
        select(WorkGenre.genre, func.count())
        .group_by(WorkGenre.genre)
        .order_by(func.count().desc())
    ).all()
    platform_counts = session.execute(
        select(Platform.name, func.count())
        .join(WorkPlatform, WorkPlatform.platform_id == Platform.id)
        .group_by(Platform.name)
        .order_by(func.count().desc())
    ).all()
    city_counts = session.execute(
        select(City.name, func.count())
        .join(Work, Work.city_id == City.id)
        .group_by(City.name)
        .order_by(func.count().desc())
    ).all()
    model_counts = session.execute(
        select(Work.model, func.count()).where(Work.model.is_not(None)).group_by(Work.model)
    ).all()
    years = session.execute(
        select(extract("year", Work.release_date).label("y"), func.count())
        .where(Work.release_date.is_not(None))
        .group_by("y")
        .order_by("y")
    ).all()
    return {
        "genre": [Facet(value=k, label=genre_label(k).zh, count=n) for k, n in genre_counts],
        "platform": [Facet(value=k, label=k, count=n) for k, n in platform_counts],
        "city": [Facet(value=k, label=k, count=n) for k, n in city_counts],
        "model": [
            Facet(value=k, label=term_by_key(MODELS, k).zh, count=n)
            for k, n in model_counts
            if k is not None
        ],
        "year": [Facet(value=str(int(y)), label=str(int(y)), count=n) for y, n in years],
    }


def is_simulated(session: Session) -> bool:
    """True when any committed import came from the simulator."""
    return session.execute(
        select(exists().where(ImportRecord.simulated.is_(True), ImportRecord.status == "committed"))
    ).scalar_one()


def most_played(session: Session, *, limit: int) -> list[str]:
    """The ids of the `limit` works with the most plays, most first (ties by id)."""
    return list(
        session.execute(
            select(Work.external_id)
            .join(WorkStats, WorkStats.work_id == Work.id)
            .order_by(WorkStats.plays.desc().nulls_last(), Work.external_id)
            .limit(limit)
        ).scalars()
    )


def find_company(session: Session, *, value: str) -> Company:
    """A company by credit code, database id or exact name; NotFoundError naming the value."""
    value = value.strip()
    conditions = [Company.credit_code == value.upper(), Company.name == value]
    if value.isdigit() and len(value) <= 9:
        conditions.append(Company.id == int(value))
    company = session.scalars(select(Company).where(or_(*conditions)).order_by(Company.id)).first()
    if company is None:
        raise NotFoundError(
            f"no company '{value}': give a credit code, id or exact name "
            "(import works that name it first)"
        )
    return company


def count_works(session: Session) -> int:
    """How many works the catalogue holds."""
    return session.execute(select(func.count()).select_from(Work)).scalar_one()


def profile_totals(session: Session, *, where: WorkFilter) -> dict[str, int | None]:
    """Works, plays and recharge of the works matching a filter, and their share of all plays."""
    matching = narrow(select(Work.id), where).subquery()
    plays, recharge, works = session.execute(
        select(func.sum(WorkStats.plays), func.sum(WorkStats.recharge_fen), func.count(Work.id))
        .select_from(Work)
        .outerjoin(WorkStats, WorkStats.work_id == Work.id)
        .where(Work.id.in_(select(matching.c.id)))
    ).one()
    everything = session.execute(select(func.sum(WorkStats.plays))).scalar_one()
    share = None if not everything or plays is None else round(10_000 * plays / everything)
    return {"works": works, "plays": plays, "recharge_fen": recharge, "share_bp": share}


def similar_works(session: Session, *, work_id: str, limit: int = 6) -> list[WorkSummary]:
    """Works sharing the most genres and a platform with this one, closest in plays first."""
    work = session.execute(select(Work).where(Work.external_id == work_id)).scalar_one_or_none()
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    genres = [g.genre for g in work.genres]
    platforms = [p.platform_id for p in work.platforms]
    if not genres:
        return []
    shared = func.count(WorkGenre.genre)
    own_plays = session.get(WorkStats, work.id)
    distance = func.abs(
        func.coalesce(WorkStats.plays, 0) - (own_plays.plays or 0 if own_plays else 0)
    )
    candidates = (
        select(Work.id)
        .join(WorkGenre, WorkGenre.work_id == Work.id)
        .outerjoin(WorkStats, WorkStats.work_id == Work.id)
        .where(WorkGenre.genre.in_(genres), Work.id != work.id)
        .where(
            exists().where(WorkPlatform.work_id == Work.id, WorkPlatform.platform_id.in_(platforms))
            if platforms
            else true()
        )
        .group_by(Work.id, WorkStats.plays)
        .order_by(shared.desc(), distance, Work.id)
        .limit(limit)
    )
    ids = list(session.execute(candidates).scalars())
    rows = session.execute(
        select(Work, WorkStats)
        .outerjoin(WorkStats, WorkStats.work_id == Work.id)
        .where(Work.id.in_(ids))
        .options(
            selectinload(Work.genres),
            selectinload(Work.platforms).selectinload(WorkPlatform.platform),
            selectinload(Work.city),
        )
    ).all()
    by_id = {w.id: _summary(w, s) for w, s in rows}
    return [by_id[i] for i in ids if i in by_id]


def matching_ids(session: Session, *, where: WorkFilter) -> list[str]:
    """External ids of every work matching the filter."""
    return list(session.execute(narrow(select(Work.external_id), where)).scalars())
