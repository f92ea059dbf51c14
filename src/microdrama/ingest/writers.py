"""Write validated import rows to their store: works, ratings, reviews to SQL; metrics to Delta."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from microdrama.catalog.models import (
    AudienceRating,
    City,
    Company,
    Credit,
    Person,
    Platform,
    Work,
    WorkCompany,
    WorkGenre,
    WorkPlatform,
)
from microdrama.db.base import utcnow
from microdrama.db.upsert import chunked, upsert
from microdrama.ingest import entities
from microdrama.ingest.schemas import RowError
from microdrama.lake import metrics as lake
from microdrama.review.models import ExpertReview


@dataclass
class WriteContext:
    """What a writer needs besides the rows: where to write and what to report."""

    session: Session
    lake_root: str
    import_id: int
    present: set[str]
    created: dict[str, list[str]] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    lake_version: int | None = None

    def created_list(self, what: str) -> list[str]:
        """The list collecting names of `what` created by this import."""
        return self.created.setdefault(what, [])


def _split(series: pl.Series) -> list[list[str]]:
    return [value.split("|") if value else [] for value in series.to_list()]


def work_ids(session: Session, external_ids: list[str]) -> dict[str, int]:
    """Map work external ids to database ids (unknown ids are absent)."""
    found: dict[str, int] = {}
    for chunk in chunked(sorted(set(external_ids)), 5000):
        rows = session.execute(select(Work.external_id, Work.id).where(Work.external_id.in_(chunk)))
        found.update(dict(rows.all()))
    return found


# --- works -----------------------------------------------------------------------------------

WORK_COLUMNS = {
    "title": "title",
    "title_en": "title_en",
    "episodes": "episodes",
    "episode_minutes": "episode_minutes",
    "release_date": "release_date",
    "model": "model",
    "paywall_episode": "paywall_episode",
    "price_per_episode": "price_per_episode_fen",
    "filing_no": "filing_no",
    "investment_tier": "investment_tier",
    "languages": "languages",
}
COMPANY_ROLE_COLUMNS = {
    "producer": "producer",
    "publisher": "publisher",
    "distributor": "distributor",
}
CREDIT_COLUMNS = {
    "director": "director",
    "screenwriter": "screenwriter",
    "lead_actors": "lead_actor",
}


def check_works(session: Session, rows: pl.DataFrame) -> list[RowError]:
    """Find credit-code conflicts with each other and with stored companies."""
    if "producer_credit_code" not in rows.columns:
        return []
    coded = rows.filter(pl.col("producer_credit_code").is_not_null()).select(
        "__row",
        pl.col("producer").str.split("|").list.first().alias("company"),
        pl.col("producer_credit_code").alias("code"),
    )
    errors: list[RowError] = []
    for row, _company, code in coded.filter(pl.col("company").is_null()).iter_rows():
        errors.append(
            RowError(
                row=row,
                column="producer_credit_code",
                value=code,
                reason="credit code given without a producer",
            )
        )
    coded = coded.filter(pl.col("company").is_not_null())
    per_company = coded.group_by("company").agg(pl.col("code").n_unique().alias("codes"))
    per_code = coded.group_by("code").agg(pl.col("company").n_unique().alias("companies"))
    stored_codes = entities.company_codes(session, coded["company"].to_list())
    stored_names = entities.company_by_code(session, coded["code"].to_list())
    two_codes = set(per_company.filter(pl.col("codes") > 1)["company"].to_list())
    shared = set(per_code.filter(pl.col("companies") > 1)["code"].to_list())
    for row, company, code in coded.iter_rows():
        reason = None
        if company in two_codes:
            reason = f"company '{company}' has different credit codes in this file"
        elif code in shared:
            reason = f"credit code {code} is given to more than one company in this file"
        elif stored_codes.get(company) not in (None, code):
            reason = f"company '{company}' is stored with credit code {stored_codes[company]}"
        elif stored_names.get(code, company) != company:
            reason = f"credit code {code} belongs to stored company '{stored_names[code]}'"
        if reason:
            errors.append(
                RowError(row=row, column="producer_credit_code", value=code, reason=reason)
            )
    return errors


def write_works(context: WriteContext, staged: Path) -> None:
    """Upsert works and replace their genres, platforms, companies and credits from the file."""
    session, present = context.session, context.present
    rows = pl.read_parquet(staged)
    cities = entities.ensure_named(
        session,
        City,
        rows["city"].drop_nulls().unique().to_list(),
        created=context.created_list("cities"),
    )
    existing = work_ids(session, rows["work_id"].to_list())
    now = utcnow()
    columns = [c for c in WORK_COLUMNS if c in present or c == "title"]
    records: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        record = {WORK_COLUMNS[c]: row[c] for c in columns}
        record.update(external_id=row["work_id"], created_at=now, updated_at=now)
        if "city" in present:
            record["city_id"] = cities.get(row["city"]) if row["city"] else None
        records.append(record)
    update = [k for k in records[0] if k not in ("external_id", "created_at")] if records else []
    upsert(session, Work, records, keys=["external_id"], update=update)
    ids = work_ids(session, rows["work_id"].to_list())
    context.inserted = len(ids) - len(existing)
    context.updated = len(existing)
    work_id_list = [ids[ext] for ext in rows["work_id"].to_list()]
    if "genres" in present:
        _replace_links(
            session,
            WorkGenre,
            work_id_list,
            [
                {"work_id": w, "genre": g, "position": i}
                for w, genres in zip(work_id_list, _split(rows["genres"]), strict=True)
                for i, g in enumerate(genres)
            ],
        )
    if "platform" in present:
        platforms = entities.ensure_named(
            session,
            Platform,
            [p for ps in _split(rows["platform"]) for p in ps],
            created=context.created_list("platforms"),
        )
        _replace_links(
            session,
            WorkPlatform,
            work_id_list,
            [
                {"work_id": w, "platform_id": platforms[p], "position": i}
                for w, names in zip(work_id_list, _split(rows["platform"]), strict=True)
                for i, p in enumerate(dict.fromkeys(names))
            ],
        )
    _write_companies(context, rows, work_id_list, cities)
    _write_credits(context, rows, work_id_list)


def _write_companies(
    context: WriteContext, rows: pl.DataFrame, work_id_list: list[int], cities: dict[str, int]
) -> None:
    session, present = context.session, context.present
    roles = [c for c in COMPANY_ROLE_COLUMNS if c in present]
    if not roles:
        return
    names = {name for c in roles for names in _split(rows[c]) for name in names}
    companies = entities.ensure_named(
        session, Company, names, created=context.created_list("companies")
    )
    if "producer_credit_code" in present or "city" in present:
        _set_company_details(context, rows, companies, cities)
    links = {
        (w, companies[name], COMPANY_ROLE_COLUMNS[c])
        for c in roles
        for w, names in zip(work_id_list, _split(rows[c]), strict=True)
        for name in names
    }
    role_names = [COMPANY_ROLE_COLUMNS[c] for c in roles]
    for chunk in chunked(work_id_list, 20_000):
        session.execute(
            delete(WorkCompany).where(
                WorkCompany.work_id.in_(chunk), WorkCompany.role.in_(role_names)
            )
        )
    upsert(
        session,
        WorkCompany,
        [{"work_id": w, "company_id": c, "role": r} for w, c, r in sorted(links)],
        keys=["work_id", "company_id", "role"],
        update=[],
    )


def _set_company_details(
    context: WriteContext, rows: pl.DataFrame, companies: dict[str, int], cities: dict[str, int]
) -> None:
    """Give producers their credit code and, when they have none yet, the work's city."""
    firsts = (
        rows.select(
            pl.col("producer").str.split("|").list.first().alias("company"),
            pl.col("producer_credit_code")
            if "producer_credit_code" in rows.columns
            else pl.lit(None),
            pl.col("city"),
        )
        .filter(pl.col("company").is_not_null())
        .unique(subset="company", keep="first")
    )
    session = context.session
    for company, code, city in firsts.iter_rows():
        company_id = companies[company]
        if code:
            session.execute(
                update(Company).where(Company.id == company_id).values(credit_code=code)
            )
        if city and city in cities:
            session.execute(
                update(Company)
                .where(Company.id == company_id, Company.city_id.is_(None))
                .values(city_id=cities[city])
            )


def _write_credits(context: WriteContext, rows: pl.DataFrame, work_id_list: list[int]) -> None:
    session, present = context.session, context.present
    columns = [c for c in CREDIT_COLUMNS if c in present]
    if not columns:
        return
    names = {n for c in columns for ns in _split(rows[c]) for n in ns}
    people = entities.ensure_named(session, Person, names, created=context.created_list("people"))
    links: dict[tuple[int, int, str], int] = {}
    for c in columns:
        for w, ns in zip(work_id_list, _split(rows[c]), strict=True):
            for i, n in enumerate(ns):
                links.setdefault((w, people[n], CREDIT_COLUMNS[c]), i)
    roles = [CREDIT_COLUMNS[c] for c in columns]
    for chunk in chunked(work_id_list, 20_000):
        session.execute(delete(Credit).where(Credit.work_id.in_(chunk), Credit.role.in_(roles)))
    upsert(
        session,
        Credit,
        [
            {"work_id": w, "person_id": p, "role": r, "position": i}
            for (w, p, r), i in links.items()
        ],
        keys=["work_id", "person_id", "role"],
        update=["position"],
    )


def _replace_links(
    session: Session,
    model: type[WorkGenre] | type[WorkPlatform],
    work_id_list: list[int],
    rows: list[dict[str, Any]],
) -> None:
    for chunk in chunked(work_id_list, 20_000):
        session.execute(delete(model).where(model.work_id.in_(chunk)))
    keys = ["work_id", "genre"] if model is WorkGenre else ["work_id", "platform_id"]
    upsert(session, model, rows, keys=keys, update=["position"])


# --- metrics ---------------------------------------------------------------------------------


def write_metrics(context: WriteContext, staged: Path) -> None:
    """Upsert the daily metrics into the Delta table in one commit."""
    scan = pl.scan_parquet(staged)
    bounds = scan.select(
        pl.col("date").min().alias("first"),
        pl.col("date").max().alias("last"),
        pl.col("platform").unique().implode().alias("platforms"),
    ).collect()
    if bounds["first"][0] is None:
        return
    entities.ensure_named(
        context.session,
        Platform,
        bounds["platforms"][0].to_list(),
        created=context.created_list("platforms"),
    )
    first: date = bounds["first"][0]
    last: date = bounds["last"][0]
    columns = [
        pl.col(source).alias(stored)
        for source, stored in zip(lake.SOURCE_COLUMNS, lake.DAILY_COLUMNS, strict=True)
    ] + [pl.lit(context.import_id, dtype=pl.Int64).alias(lake.IMPORT_ID)]
    batches = (
        batch.to_arrow().cast(lake.SCHEMA)
        for batch in scan.select(columns).collect_batches(chunk_size=100_000)
    )
    reader = pa.RecordBatchReader.from_batches(
        lake.SCHEMA, (b for table in batches for b in table.to_batches())
    )
    result = lake.write(
        lake.metrics_uri(context.lake_root),
        reader,
        first=first,
        last=last,
        import_id=context.import_id,
    )
    context.inserted, context.updated, context.lake_version = (
        result.inserted,
        result.updated,
        result.version,
    )


# --- ratings and reviews ---------------------------------------------------------------------


def write_ratings(context: WriteContext, staged: Path) -> None:
    """Upsert audience ratings per work and platform."""
    session = context.session
    rows = pl.read_parquet(staged)
    works = work_ids(session, rows["work_id"].to_list())
    platforms = entities.ensure_named(
        session, Platform, rows["platform"].to_list(), created=context.created_list("platforms")
    )
    existing: dict[tuple[int, int], tuple[float, int, float | None, int | None]] = {}
    for chunk in chunked(list(works.values()), 10_000):
        for w, p, score, votes, before_score, before_votes in session.execute(
            select(
                AudienceRating.work_id,
                AudienceRating.platform_id,
                AudienceRating.score,
                AudienceRating.votes,
                AudienceRating.previous_score,
                AudienceRating.previous_votes,
            ).where(AudienceRating.work_id.in_(list(chunk)))
        ):
            existing[(w, p)] = (score, votes, before_score, before_votes)
    now = utcnow()
    records = []
    for w, p, score, votes in rows.select("work_id", "platform", "score", "votes").iter_rows():
        key = (works[w], platforms[p])
        before = existing.get(key)
        # A changed rating keeps what it said before; the same file imported again changes
        # nothing, so the earlier value survives a re-import.
        if before is None:
            previous: tuple[float | None, int | None] = (None, None)
        elif (before[0], before[1]) == (score, votes):
            previous = (before[2], before[3])
        else:
            previous = (before[0], before[1])
        records.append(
            {
                "work_id": key[0],
                "platform_id": key[1],
                "score": score,
                "votes": votes,
                "previous_score": previous[0],
                "previous_votes": previous[1],
                "created_at": now,
                "updated_at": now,
            }
        )
    upsert(
        session,
        AudienceRating,
        records,
        keys=["work_id", "platform_id"],
        update=["score", "votes", "previous_score", "previous_votes", "updated_at"],
    )
    context.updated = sum((r["work_id"], r["platform_id"]) in existing for r in records)
    context.inserted = len(records) - context.updated


def write_reviews(context: WriteContext, staged: Path) -> None:
    """Upsert expert reviews per work, expert and review date."""
    session = context.session
    rows = pl.read_parquet(staged)
    works = work_ids(session, rows["work_id"].to_list())
    experts = entities.ensure_experts(
        session, rows["expert_id"].to_list(), created=context.created_list("experts")
    )
    before = session.query(ExpertReview).count()
    now = utcnow()
    records = [
        {
            "work_id": works[r["work_id"]],
            "expert_id": experts[r["expert_id"]],
            "values": r["values"],
            "artistry": r["artistry"],
            "production": r["production"],
            "innovation": r["innovation"],
            "comment": r["comment"],
            "reviewed_on": r["reviewed_on"],
            "created_at": now,
            "updated_at": now,
        }
        for r in rows.iter_rows(named=True)
    ]
    upsert(
        session,
        ExpertReview,
        records,
        keys=["work_id", "expert_id", "reviewed_on"],
        update=["values", "artistry", "production", "innovation", "comment", "updated_at"],
    )
    context.inserted = session.query(ExpertReview).count() - before
    context.updated = len(records) - context.inserted


Writer = Callable[[WriteContext, Path], None]
WRITERS: dict[str, Writer] = {
    "works": write_works,
    "metrics": write_metrics,
    "ratings": write_ratings,
    "reviews": write_reviews,
}
