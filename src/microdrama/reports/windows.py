"""The days a report covers: the period asked for, the part with data, the comparison window,
read from one snapshot of the lake."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from microdrama.errors import ReportError
from microdrama.index.method.periods import Period, parse_period
from microdrama.lake import metrics as lake
from microdrama.reports.content.frames import Windows
from microdrama.reports.messages import NO_DATA


def _bounds(
    snapshot: lake.Snapshot, start: date | None, end: date | None
) -> tuple[date | None, date | None]:
    """First and last day with daily metrics between start and end (anywhere when None)."""
    scan = snapshot.scan()
    if start is not None and end is not None:
        scan = scan.filter(pl.col("date").is_between(start, end))
    bounds = scan.select(pl.col("date").min().alias("first"), pl.col("date").max().alias("last"))
    first, last = bounds.collect().row(0)
    return (
        first if isinstance(first, date) else None,
        last if isinstance(last, date) else None,
    )


def has_data(snapshot: lake.Snapshot, name: str) -> bool:
    """True when the snapshot holds a day of the period."""
    period = parse_period(name)
    return _bounds(snapshot, period.start, period.end)[0] is not None


def windows_of(snapshot: lake.Snapshot, name: str) -> Windows:
    """The windows of a period name in a snapshot; ReportError when the period has no data."""
    if name.strip().lower() == "all":
        first, last = _bounds(snapshot, None, None)
        if first is None or last is None:
            raise ReportError(NO_DATA, period="all")
        period = parse_period("all", data_start=first, data_end=last)
    else:
        period = parse_period(name)
        first, last = _bounds(snapshot, period.start, period.end)
        if first is None or last is None:
            raise ReportError(NO_DATA, period=period.name)
    covered = Period(period.name, first, last)
    previous_name = period.previous_name()
    previous = parse_period(previous_name) if previous_name else period.previous()
    if covered != period:
        # Data that start late or end early (a quarter still running) are compared with the
        # same number of days at the start of the previous period, not with all of it.
        end = min(previous.end, previous.start + timedelta(days=covered.days - 1))
        previous = Period(previous.name, previous.start, end)
    return Windows(period, covered, previous, previous_name)
