"""Which works a report covers: all, one city, one genre or one company."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from microdrama.catalog.models import City, Company, Work, WorkCompany, WorkGenre
from microdrama.catalog.vocab import GENRES, lookup_table
from microdrama.errors import MicrodramaError, NotFoundError

KINDS = ("city", "genre", "company")


class ScopeError(MicrodramaError):
    """A scope that cannot be understood."""


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


def parse_scope(text: str | None) -> Scope:
    """Read `all`, `city:西安`, `genre:甜宠` or `company:ID` (full-width colon accepted)."""
    raw = (text or "all").strip().replace("：", ":")
    if raw.lower() in ("", "all"):
        return Scope()
    kind, sep, value = raw.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not sep or kind not in KINDS or not value:
        raise ScopeError(
            f"cannot read scope '{text}': use all, city:NAME, genre:NAME or company:ID "
            "(credit code, number or name)"
        )
    return Scope(kind=kind, value=value)


def scope_work_ids(session: Session, scope: Scope) -> set[int] | None:
    """The ids of the works in scope, None for all; NotFoundError when the scope names nothing."""
    if scope.kind == "all" or scope.value is None:
        return None
    value = scope.value
    if scope.kind == "city":
        city = session.scalars(
            select(City).where(or_(City.name == value, City.name_en.ilike(value)))
        ).first()
        if city is None:
            raise NotFoundError(f"no city '{value}' in the catalogue")
        query = select(Work.id).where(Work.city_id == city.id)
    elif scope.kind == "genre":
        key = lookup_table(GENRES).get(
            value.casefold(), value
        )  # 甜宠, Sweet romance, sweet_romance
        query = select(WorkGenre.work_id).where(WorkGenre.genre == key)
    else:
        company = company_of(session, value)
        query = select(WorkCompany.work_id).where(WorkCompany.company_id == company.id)
    ids = set(session.scalars(query))
    if not ids:
        raise NotFoundError(f"no works in scope {scope.label}")
    return ids


def company_of(session: Session, value: str) -> Company:
    """A company by credit code, database id or exact name."""
    conditions = [Company.credit_code == value.upper(), Company.name == value]
    if value.isdigit():
        conditions.append(Company.id == int(value))
    company = session.scalars(select(Company).where(or_(*conditions))).first()
    if company is None:
        raise NotFoundError(f"no company '{value}' (give a credit code, id or exact name)")
    return company
