"""The days a report covers: the period asked for, the part with data, the comparison window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from microdrama.errors import ReportError
from microdrama.index.method.periods import Period, parse_period
from microdrama.lake import metrics as lake
from microdrama.reports.messages import NO_DATA


@dataclass(frozen=True)
class Windows:
    """The period as asked, the days of it with data, and the window it is compared with."""

    period: Period
    covered: Period  # first to last day with data inside the period
    previous: Period  # the comparison window, exactly as the report states it
    previous_name: str | None  # the previous period of the same kind (for its index run)

    @property
    def partial(self) -> bool:
        """The data cover only part of the period."""
        return self.covered != self.period


def _bounds(
    lake_root: str, start: date | None, end: date | None
) -> tuple[date | None, date | None]:
    """First and last day with daily metrics between start and end (anywhere when None)."""
    scan = lake.scan(lake.metrics_uri(lake_root))
    if start is not None and end is not None:
        scan = scan.filter(pl.col("date").is_between(start, end))
    bounds = scan.select(pl.col("date").min().alias("first"), pl.col("date").max().alias("last"))
    first, last = bounds.collect().row(0)
    return (
        first if isinstance(first, date) else None,
        last if isinstance(last, date) else None,
    )


def windows_of(lake_root: str, name: str) -> Windows:
    """The windows of a period name; ReportError when the period has no data."""
    if name.strip().lower() == "all":
        first, last = _bounds(lake_root, None, None)
        if first is None or last is None:
            raise ReportError(NO_DATA, period="all")
        period = parse_period("all", data_start=first, data_end=last)
    else:
        period = parse_period(name)
        first, last = _bounds(lake_root, period.start, period.end)
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
