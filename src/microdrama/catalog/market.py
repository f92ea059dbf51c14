"""Market figures of a month: totals, shares by genre and platform, the daily trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog.models import Work, WorkGenre
from microdrama.lake import metrics as lake

TREND_DAYS = 90


@dataclass(frozen=True)
class Market:
    """What the dashboard shows for one month."""

    month: str
    start: date
    end: date
    totals: dict[str, int | None]
    previous: dict[str, int | None]
    new_works: int
    active_works: int
    genres: list[tuple[str, int]]
    platforms: list[tuple[str, int]]
    trend: list[tuple[date, int]]
    lake_version: int


def latest_month(snapshot: lake.Snapshot) -> str | None:
    """The newest month that has daily metrics, as YYYY-MM."""
    frame = snapshot.scan().select(pl.col("date").max()).collect()
    newest = frame.item()
    return None if newest is None else f"{newest.year}-{newest.month:02d}"


def _month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return start, following - timedelta(days=1)


def _totals(frame: pl.LazyFrame) -> dict[str, int | None]:
    columns = ["plays", "viewers", "recharge_fen", "ad_revenue_fen", "ad_spend_fen"]
    row = (
        frame.select(pl.when(pl.col(c).count() > 0).then(pl.col(c).sum()).alias(c) for c in columns)
        .collect()
        .row(0, named=True)
    )
    return {k: None if v is None else int(v) for k, v in row.items()}


def trend_of(
    session: Session, *, snapshot: lake.Snapshot, external_ids: list[str], days: int = TREND_DAYS
) -> list[tuple[date, int]]:
    """Daily plays summed over some works for the last `days` days of data."""
    daily = snapshot.scan()
    newest = daily.select(pl.col("date").max()).collect().item()
    if newest is None or not external_ids:
        return []
    frame = (
        daily.filter(
            pl.col("work_id").is_in(pl.Series(external_ids).implode()),
            pl.col("date") > newest - timedelta(days=days),
        )
        .group_by("date")
        .agg(pl.col("plays").sum())
        .sort("date")
        .collect()
    )
    return [(d, int(v or 0)) for d, v in frame.iter_rows()]


def market(session: Session, *, snapshot: lake.Snapshot, month: str) -> Market:
    """Totals, growth, new works, shares and trend of the month."""
    version = snapshot.version or 0
    start, end = _month_bounds(month)
    before_end = start - timedelta(days=1)
    before_start = before_end.replace(day=1)
    daily = snapshot.scan()
    current = daily.filter(pl.col("date").is_between(start, end))
    genres = pl.DataFrame(
        session.execute(
            select(Work.external_id, WorkGenre.genre)
            .join(WorkGenre, WorkGenre.work_id == Work.id)
            .where(WorkGenre.position == 0)
        ).all(),
        schema={"work_id": pl.Utf8, "genre": pl.Utf8},
        orient="row",
    )
    by_work = current.group_by("work_id").agg(pl.col("plays").sum()).collect()
    genre_share = (
        by_work.join(genres, on="work_id", how="left")
        .with_columns(pl.col("genre").fill_null("?"))
        .group_by("genre")
        .agg(pl.col("plays").sum())
        .sort("plays", descending=True)
    )
    platform_share = (
        current.group_by("platform")
        .agg(pl.col("plays").sum())
        .sort("plays", descending=True)
        .collect()
    )
    trend = (
        daily.filter(pl.col("date").is_between(end - timedelta(days=TREND_DAYS - 1), end))
        .group_by("date")
        .agg(pl.col("plays").sum())
        .sort("date")
        .collect()
    )
    new_works = session.execute(select(Work.id).where(Work.release_date.between(start, end))).all()
    return Market(
        month=month,
        start=start,
        end=end,
        totals=_totals(current),
        previous=_totals(daily.filter(pl.col("date").is_between(before_start, before_end))),
        new_works=len(new_works),
        active_works=by_work.height,
        genres=[(g, int(p or 0)) for g, p in genre_share.iter_rows()],
        platforms=[(p, int(v or 0)) for p, v in platform_share.iter_rows()],
        trend=[(d, int(v or 0)) for d, v in trend.iter_rows()],
        lake_version=version,
    )
