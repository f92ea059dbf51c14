"""What a report reads, as plain frames: the data its named queries turn into tables.

The loaders (`reports.loaders`, SQL and the lake) fill these; everything under
`reports.content` computes from them without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from microdrama.index.method.periods import Period
from microdrama.index.schemas import IndexRunRead


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


@dataclass(frozen=True)
class ReportData:
    """Everything a report's named queries read, already filtered to the scope."""

    period: Period  # the days of the period that have data
    previous: Period  # the comparison window as the report states it
    requested: Period  # the period as asked (a partial one is longer than `period`)
    works: pl.DataFrame  # id, work_id, title, title_en, release_date, model, episodes, city…
    daily: pl.DataFrame  # DAILY_COLUMNS + window ("current" | "previous")
    results: pl.DataFrame  # the period's run: work_id, rank…, detail_disagreement
    previous_results: pl.DataFrame  # work_id, rank of the previous period's run
    flags: pl.DataFrame  # work_id, platform, date, plays, effective_plays
    reliability: list[dict[str, Any]]
    experts: pl.DataFrame  # expert_id, reviews, leniency
    reviews: pl.DataFrame  # work_id, expert_id in the window
    run: IndexRunRead | None  # the period's index run, as stored
    previous_run: IndexRunRead | None
    lake_version: int
    scoped: bool
    platforms: pl.DataFrame  # platform, platform_en
