"""Index periods: a month (2025-11), an ISO week (2025-W47), a quarter (2025-Q4), a year, or all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from microdrama.errors import PeriodError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A named window of days, inclusive at both ends."""

    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The window of the same length just before this one (for momentum)."""
        end = self.start - timedelta(days=1)
        return Period(
            name=f"before {self.name}", start=end - timedelta(days=self.days - 1), end=end
        )

    def previous_name(self) -> str | None:
        """The name of the period of the same kind just before this one (None for `all`)."""
        if self.name == "all":
            return None
        before = self.start - timedelta(days=1)
        if _WEEK.match(self.name):
            year, week, _ = before.isocalendar()
            return f"{year}-W{week:02d}"
        if _QUARTER.match(self.name):
            return f"{before.year}-Q{(before.month - 1) // 3 + 1}"
        if _YEAR.match(self.name):
            return str(before.year)
        return f"{before.year}-{before.month:02d}"

    def until(self, as_of: date | None) -> Period:
        """This window cut at `as_of` (data known on that day)."""
        if as_of is None or as_of >= self.end:
            return self
        if as_of < self.start:
            raise PeriodError(f"--as-of {as_of} is before the period {self.name} starts")
        return Period(name=self.name, start=self.start, end=as_of)


def parse_period(
    text: str, *, data_start: date | None = None, data_end: date | None = None
) -> Period:
    """Read a period name; `all` spans the data's first to last day."""
    name = text.strip()
    if name.lower() == "all":
        if data_start is None or data_end is None:
            raise PeriodError("period 'all' needs data: no daily metrics have been imported")
        return Period(name="all", start=data_start, end=data_end)
    if match := _MONTH.match(name):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"no month {month} in period '{text}'")
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return Period(name=f"{year}-{month:02d}", start=start, end=following - timedelta(days=1))
    if match := _WEEK.match(name):
        year, week = int(match[1]), int(match[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise PeriodError(f"{year} has no ISO week {week}") from exc
        return Period(name=f"{year}-W{week:02d}", start=start, end=start + timedelta(days=6))
    if match := _QUARTER.match(name):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(1)
        return Period(name=f"{year}-Q{quarter}", start=start, end=end)
    if match := _YEAR.match(name):
        year = int(match[1])
        return Period(name=str(year), start=date(year, 1, 1), end=date(year, 12, 31))
    raise PeriodError(
        f"cannot read period '{text}': use a month (2025-11), an ISO week (2025-W47), "
        "a quarter (2025-Q4), a year (2025) or all"
    )


def period_name(text: str) -> str:
    """The canonical name of a period as typed (2025-9 → 2025-09, 2025-w47 → 2025-W47)."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return parse_period(text).name
    except PeriodError:
        return text.strip()
