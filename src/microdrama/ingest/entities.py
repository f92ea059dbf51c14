"""Find-or-create the named entities an import refers to: cities, platforms, companies, people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microdrama.catalog.models import City, Company, Person, Platform
from microdrama.catalog.vocab import KNOWN_CITIES, KNOWN_PLATFORMS
from microdrama.db.upsert import chunked, upsert
from microdrama.review.models import Expert

NamedModel = type[City] | type[Platform] | type[Company] | type[Person]


def ids_by_name(session: Session, model: NamedModel, names: Iterable[str]) -> dict[str, int]:
    """Map the given names to the ids of existing rows (missing names are absent)."""
    wanted = sorted(set(names))
    found: dict[str, int] = {}
    for chunk in chunked(wanted, 5000):
        rows = session.execute(select(model.name, model.id).where(model.name.in_(chunk)))
        found.update(dict(rows.all()))
    return found


def ensure_named(
    session: Session, model: NamedModel, names: Iterable[str], *, created: list[str] | None = None
) -> dict[str, int]:
    """Map names to ids, creating the rows that do not exist yet (listed in `created`)."""
    wanted = set(names)
    existing = ids_by_name(session, model, wanted)
    missing = sorted(wanted - existing.keys())
    if missing:
        upsert(
            session,
            model,
            [_new_row(model, name) for name in missing],
            keys=["name"],
            update=[],
        )
        if created is not None:
            created.extend(missing)
        existing.update(ids_by_name(session, model, missing))
    return existing


def _new_row(model: NamedModel, name: str) -> dict[str, Any]:
    if model is City:
        return {"name": name, "name_en": KNOWN_CITIES.get(name)}
    if model is Platform:
        name_en, kind = KNOWN_PLATFORMS.get(name, (None, None))
        return {"name": name, "name_en": name_en, "kind": kind}
    return {"name": name}


def ensure_experts(
    session: Session, external_ids: Iterable[str], *, created: list[str]
) -> dict[str, int]:
    """Map expert identifiers to ids, creating experts seen for the first time."""
    wanted = sorted(set(external_ids))

    def lookup(ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunked(ids, 5000):
            rows = session.execute(
                select(Expert.external_id, Expert.id).where(Expert.external_id.in_(chunk))
            )
            found.update(dict(rows.all()))
        return found

    existing = lookup(wanted)
    missing = [e for e in wanted if e not in existing]
    if missing:
        upsert(
            session,
            Expert,
            [{"external_id": e} for e in missing],
            keys=["external_id"],
            update=[],
        )
        created.extend(missing)
        existing.update(lookup(missing))
    return existing


def company_codes(session: Session, names: Iterable[str]) -> dict[str, str | None]:
    """The stored credit code of each named company that exists."""
    found: dict[str, str | None] = {}
    for chunk in chunked(sorted(set(names)), 5000):
        rows = session.execute(
            select(Company.name, Company.credit_code).where(Company.name.in_(chunk))
        )
        found.update(dict(rows.all()))
    return found


def company_by_code(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The name of the company holding each credit code that is already stored."""
    found: dict[str, str] = {}
    for chunk in chunked(sorted(set(codes)), 5000):
        rows = session.execute(
            select(Company.credit_code, Company.name).where(Company.credit_code.in_(chunk))
        )
        found.update({code: name for code, name in rows if code})
    return found
