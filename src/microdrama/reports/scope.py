"""Which works a report covers: all, one city, one genre or one company."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import City, Company, Work, WorkCompany, WorkGenre
from microdrama.catalog.service import genre_label
from microdrama.catalog.vocab import GENRES, lookup_table
from microdrama.errors import ReportMissing, ScopeError
from microdrama.reports.messages import BAD_SCOPE, NO_CITY, NO_COMPANY, NO_WORKS

KINDS = ("city", "genre", "company")


@dataclass(frozen=True)
class Scope:
    """A report's scope as typed: kind 'all' or one of KINDS with a value."""

    kind: str = "all"
    value: str | None = None

    @property
    def label(self) -> str:
        """The scope as the command line writes it."""
        return "all" if self.kind == "all" else f"{self.kind}:{self.value}"

    @property
    def slug(self) -> str:
        """The scope as a file-name-safe word."""
        if self.kind == "all":
            return "all"
        safe = "".join(ch if ch.isalnum() else "-" for ch in str(self.value))
        return f"{self.kind}-{safe}"


@dataclass(frozen=True)
class ScopedWorks:
    """A scope resolved against the catalogue: the works in it and what it is called."""

    scope: Scope
    ids: set[int] | None  # None: every work
    name: str = ""  # the city, genre or company as a reader knows it
    name_en: str = ""

    def named(self, lang: str) -> str:
        """The scope's name in a language."""
        return self.name_en if lang == "en" and self.name_en else self.name


def parse_scope(text: str | None) -> Scope:
    """Read `all`, `city:西安`, `genre:甜宠` or `company:ID` (full-width colon accepted)."""
    raw = (text or "all").strip().replace("：", ":")
    if raw.lower() in ("", "all"):
        return Scope()
    kind, sep, value = raw.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not sep or kind not in KINDS or not value:
        raise ScopeError(BAD_SCOPE.format(text=text))
    return Scope(kind=kind, value=value)


def resolve_scope(session: Session, scope: Scope) -> ScopedWorks:
    """The works in scope and its name; NotFoundError when the scope names nothing."""
    if scope.kind == "all" or scope.value is None:
        return ScopedWorks(scope, None)
    value = scope.value
    if scope.kind == "city":
        city = session.scalars(
            select(City).where(or_(City.name == value, City.name_en.ilike(value)))
        ).first()
        if city is None:
            raise ReportMissing(NO_CITY, value=value)
        query = select(Work.id).where(Work.city_id == city.id)
        name, name_en = city.name, city.name_en or city.name
    elif scope.kind == "genre":
        # 甜宠, Sweet romance and sweet_romance all name one key.
        key = lookup_table(GENRES).get(value.casefold(), value)
        # Any of a work's genres puts it in scope, not only its primary one.
        query = select(WorkGenre.work_id).where(WorkGenre.genre == key)
        label = genre_label(key)
        name, name_en = label.zh, label.en
    else:
        company = company_of(session, value)
        # Any credit (producer, publisher or distributor) puts a work in scope.
        query = select(WorkCompany.work_id).where(WorkCompany.company_id == company.id)
        name = name_en = company.name
    ids = set(session.scalars(query))
    if not ids:
        raise ReportMissing(NO_WORKS, scope=scope.label)
    return ScopedWorks(scope, ids, name, name_en)


def scope_work_ids(session: Session, scope: Scope) -> set[int] | None:
    """The ids of the works in scope, None for all; NotFoundError when the scope names nothing."""
    return resolve_scope(session, scope).ids


def company_of(session: Session, value: str) -> Company:
    """A company by credit code, database id or exact name."""
    conditions = [Company.credit_code == value.upper(), Company.name == value]
    if value.isdigit():
        conditions.append(Company.id == int(value))
    company = session.scalars(select(Company).where(or_(*conditions))).first()
    if company is None:
        raise ReportMissing(NO_COMPANY, value=value)
    return company
