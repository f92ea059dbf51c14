"""The catalogue's request parameters: which works a page or an API call asks for, in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from microdrama.accounts.auth import MaybeUser, is_blind
from microdrama.catalog import service
from microdrama.catalog.filters import WorkFilter
from microdrama.errors import FilterError, Forbidden
from microdrama.lake import metrics as lake
from microdrama.web.deps import SessionDep, SettingsDep


def work_filter(
    user: MaybeUser,
    q: Annotated[
        str | None, Query(max_length=200, description="Part of a title, English title or id")
    ] = None,
    genre: Annotated[
        str | None, Query(max_length=40, description="Genre key or label: sweet_romance, 甜宠")
    ] = None,
    platform: Annotated[str | None, Query(max_length=64, description="Platform name")] = None,
    city: Annotated[str | None, Query(max_length=64, description="City: 西安 or Xi'an")] = None,
    company: Annotated[
        str | None, Query(max_length=128, description="Company id, credit code or part of a name")
    ] = None,
    model: Annotated[str | None, Query(max_length=16, description="IAP, IAA or hybrid")] = None,
    year: Annotated[str | None, Query(max_length=4, description="Year of release")] = None,
) -> WorkFilter:
    """The filter as typed; services resolve it, and a value that names nothing lists choices.

    The year comes as text so that a form's empty field means no year rather than an error.
    """
    if company and company.strip() and is_blind(user):
        raise Forbidden("blind reviewers do not filter works by company")
    year = year.strip() if year else None
    if year and not year.isdigit():
        raise FilterError(f"year '{year}' is not a year: give four digits, such as 2025")
    return WorkFilter(
        q=q,
        genre=genre,
        platform=platform,
        city=city,
        company=company,
        model=model,
        year=int(year) if year else None,
    ).cleaned()


WorkFilterDep = Annotated[WorkFilter, Depends(work_filter)]


def metrics_snapshot(session: SessionDep, settings: SettingsDep) -> lake.Snapshot:
    """The lake version this request reads: the one the catalogue acknowledges."""
    return service.metrics_snapshot(session, lake_root=settings.resolved_lake_uri)


SnapshotDep = Annotated[lake.Snapshot, Depends(metrics_snapshot)]
