"""The index's request parameters: which run a reader means, and whether they may see drafts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query

from microdrama.accounts.auth import MaybeUser, reads_unpublished
from microdrama.index.service import RunSelector
from microdrama.web.deps import SettingsDep

PeriodQuery = Annotated[
    str | None, Query(max_length=16, description="2025-11, 2025-W47, 2025-Q4, 2025, all")
]
RunQuery = Annotated[
    int | None, Query(ge=1, le=2_000_000_000, description="One stored run, by its id")
]


def published_only(user: MaybeUser, settings: SettingsDep) -> bool:
    """Whether this reader sees only published runs; 401 when rankings are not public."""
    if user is None and not settings.public_rankings:
        raise HTTPException(status_code=401, detail="sign in to read rankings")
    return not reads_unpublished(user)


PublishedOnly = Annotated[bool, Depends(published_only)]


def run_selector(
    hidden: PublishedOnly, period: PeriodQuery = None, run: RunQuery = None
) -> RunSelector:
    """The run a request asks for: `?run=ID`, else the newest visible run of `?period=`."""
    return RunSelector(period=period, run_id=run, published_only=hidden)


RunSelectorDep = Annotated[RunSelector, Depends(run_selector)]
