"""Which works: one filter for the catalogue, the rankings and the report scopes.

`resolve` reads a filter as people type it (genre labels, cities in either language, a company
by id, credit code or part of its name) and FilterError lists the choices; `narrow` applies it
to a query; `work_ids` gives the ids it lets through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import Select, exists, extract, or_, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import (
    City,
    Company,
    Platform,
    Work,
    WorkCompany,
    WorkGenre,
    WorkPlatform,
)
from microdrama.catalog.vocab import (
    GENRES,
    KNOWN_CITIES,
    KNOWN_PLATFORMS,
    MODELS,
    genre_label,
    lookup_table,
    term_by_key,
)
from microdrama.errors import FilterError

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class WorkFilter:
    """Which works: empty fields do not filter. The catalogue, rankings and reports share it.

    As typed, a value may be a label or a spelling (甜宠, Xi'an, part of a company's name);
    `resolve` turns it into the value as the catalogue stores it, or says what it could be.
    """

    q: str | None = None  # part of a title, English title or work id
    genre: str | None = None
    platform: str | None = None
    city: str | None = None
    company: str | None = None
    model: str | None = None
    year: int | None = None  # year of release

    def cleaned(self) -> WorkFilter:
        """The filter with blank values dropped and the others stripped."""

        def clean(value: str | None) -> str | None:
            return (value.strip() or None) if value else None

        return replace(
            self,
            q=clean(self.q),
            genre=clean(self.genre),
            platform=clean(self.platform),
            city=clean(self.city),
            company=clean(self.company),
            model=clean(self.model),
        )

    @property
    def is_empty(self) -> bool:
        """True when the filter lets every work through."""
        return self.cleaned() == WorkFilter()

    def describe(self) -> str:
        """The filter as a reader would say it: `genre sweet_romance, city 西安`."""
        fields = ("q", "genre", "platform", "city", "company", "model", "year")
        return ", ".join(f"{f} {getattr(self, f)}" for f in fields if getattr(self, f))


def narrow(query: SelectT, where: WorkFilter) -> SelectT:
    """The query narrowed to the works the filter asks for (the query must involve Work).

    Values are matched as stored: `resolve` the filter first when people typed it.
    """
    if where.q:
        pattern = f"%{where.q.strip()}%"
        query = query.where(
            or_(
                Work.title.ilike(pattern),
                Work.title_en.ilike(pattern),
                Work.external_id.ilike(pattern),
            )
        )
    if where.genre:
        query = query.where(
            exists().where(WorkGenre.work_id == Work.id, WorkGenre.genre == where.genre)
        )
    if where.platform:
        query = query.where(
            exists().where(
                WorkPlatform.work_id == Work.id,
                WorkPlatform.platform_id == Platform.id,
                Platform.name == where.platform,
            )
        )
    if where.city:
        query = query.where(Work.city.has(City.name == where.city))
    if where.company:
        query = query.where(
            exists().where(
                WorkCompany.work_id == Work.id,
                WorkCompany.company_id == Company.id,
                or_(Company.name == where.company, Company.credit_code == where.company),
            )
        )
    if where.model:
        query = query.where(Work.model == where.model)
    if where.year:
        query = query.where(extract("year", Work.release_date) == where.year)
    return query


def work_ids(session: Session, where: WorkFilter) -> set[int] | None:
    """The ids of the works the (resolved) filter lets through; None when it lets all through."""
    if where.is_empty:
        return None
    return set(session.scalars(narrow(select(Work.id), where)))


def resolve(session: Session, where: WorkFilter) -> WorkFilter:
    """The filter with each value as the catalogue stores it; FilterError lists the choices.

    Genres by key or Chinese or English label, cities in Chinese or English (西安, Xi'an,
    xian), platforms and models in any case, companies by id, credit code or part of a name.
    """
    where = where.cleaned()
    if where == WorkFilter(q=where.q, year=where.year):
        return where
    genre, platform, city, company, model = (
        where.genre,
        where.platform,
        where.city,
        where.company,
        where.model,
    )
    return replace(
        where,
        genre=genre and _genre(session, genre),
        platform=platform and _platform(session, platform),
        city=city and _city(session, city),
        company=company and _company(session, company),
        model=model and _model(model),
    )


def _spelled(text: str) -> str:
    """A name with case, spaces, apostrophes, hyphens and a trailing 市 ignored."""
    return re.sub(r"[\s'’\-_.·]+", "", text).casefold().removesuffix("市")


def _choices(names: list[str], limit: int = 30) -> str:
    more = f" … and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _genre(session: Session, text: str) -> str:
    stored = sorted(set(session.scalars(select(WorkGenre.genre).distinct())))
    wanted = text.casefold()
    key = lookup_table(GENRES).get(wanted) or next(
        (g for g in stored if g.casefold() == wanted), None
    )
    if key is None:
        keys = stored or [term.key for term in GENRES]
        labels = [
            f"{k} ({genre_label(k).zh}, {genre_label(k).en})" if genre_label(k).zh != k else k
            for k in keys
        ]
        raise FilterError(f"no genre '{text}'; choose one of: {_choices(labels)}")
    return key


def _city(session: Session, text: str) -> str:
    return _named(session, text, City, KNOWN_CITIES, "city")


def _platform(session: Session, text: str) -> str:
    english = {name: names[0] for name, names in KNOWN_PLATFORMS.items()}
    return _named(session, text, Platform, english, "platform")


def _named(
    session: Session, text: str, table: type[City | Platform], english: dict[str, str], what: str
) -> str:
    """The stored name of a city or platform typed in Chinese or English, in any case."""
    rows = session.execute(select(table.name, table.name_en).order_by(table.name)).all()
    known = [(str(name), name_en or english.get(name)) for name, name_en in rows]
    wanted = _spelled(text)
    for name, name_en in known:
        if wanted in (_spelled(name), _spelled(name_en or name)):
            return name
    labels = [
        f"{name} ({name_en})" if name_en and name_en != name else name for name, name_en in known
    ]
    raise FilterError(f"no {what} '{text}'; choose one of: {_choices(labels)}")


def _company(session: Session, text: str) -> str:
    found = session.scalars(select(Company).where(Company.credit_code == text.upper())).first()
    if found is None and text.isdigit() and len(text) <= 9:
        found = session.get(Company, int(text))
    if found is None:
        found = session.scalars(select(Company).where(Company.name == text)).first()
    if found is not None:
        return found.name
    matches = session.scalars(
        select(Company).where(Company.name.icontains(text, autoescape=True)).order_by(Company.name)
    ).all()
    if len(matches) == 1:
        return matches[0].name
    if matches:
        raise FilterError(
            f"company '{text}' matches {len(matches)} companies; give more of the name, its id "
            f"or credit code: {_choices([_company_label(c) for c in matches], limit=10)}"
        )
    some = session.scalars(select(Company).order_by(Company.id).limit(11)).all()
    raise FilterError(
        f"no company '{text}'; give an id, a credit code or part of a name, for example: "
        + (_choices([_company_label(c) for c in some], limit=10) if some else "(no companies)")
    )


def _company_label(company: Company) -> str:
    code = f", {company.credit_code}" if company.credit_code else ""
    return f"{company.name} (id {company.id}{code})"


def _model(text: str) -> str:
    key = lookup_table(MODELS).get(text.casefold())
    if key is None:
        labels = [f"{t.key} ({t.zh}, {t.en})" for t in MODELS]
        raise FilterError(f"no model '{text}'; choose one of: {', '.join(labels)}")
    return term_by_key(MODELS, key).key
