"""Which works a report covers, resolved against the catalogue through its one filter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog import filters
from microdrama.catalog.models import City
from microdrama.catalog.vocab import genre_label
from microdrama.errors import FilterError, ReportMissing
from microdrama.reports.content.scopes import Scope, ScopedWorks
from microdrama.reports.messages import NO_CITY, NO_COMPANY, NO_WORKS

# The report's own words for a scope that names nothing (its pages translate them).
MISSING = {"city": NO_CITY, "company": NO_COMPANY}


def resolve_scope(session: Session, scope: Scope) -> ScopedWorks:
    """The works in scope and its name; ReportMissing when the scope names nothing.

    Values are read as the rankings read them (catalog.filters.resolve): 西安 or Xi'an, a
    genre's key or label, a company by credit code, id or part of its name. Any of a work's
    genres and any of its credits (producer, publisher, distributor) put it in scope.
    """
    if scope.kind == "all" or scope.value is None:
        return ScopedWorks(scope, None)
    try:
        where = filters.resolve(session, _work_filter(scope))
    except FilterError as exc:
        template = MISSING.get(scope.kind)
        if template is None:
            raise ReportMissing(NO_WORKS, scope=scope.label) from exc
        raise ReportMissing(template, value=scope.value) from exc
    ids = filters.work_ids(session, where) or set()
    if not ids:
        raise ReportMissing(NO_WORKS, scope=scope.label)
    if where.city is not None:
        city = session.scalars(select(City).where(City.name == where.city)).one()
        name, name_en = city.name, city.name_en or city.name
    elif where.genre is not None:
        label = genre_label(where.genre)
        name, name_en = label.zh, label.en
    else:
        name = name_en = where.company or ""
    return ScopedWorks(scope, ids, name, name_en)


def _work_filter(scope: Scope) -> filters.WorkFilter:
    """The catalogue's filter of a scope's works, as typed."""
    if scope.kind == "city":
        return filters.WorkFilter(city=scope.value)
    if scope.kind == "genre":
        return filters.WorkFilter(genre=scope.value)
    return filters.WorkFilter(company=scope.value)
