"""A report's scope as typed (all, a city, a genre or a company) and as resolved (its works)."""

from __future__ import annotations

from dataclasses import dataclass

from microdrama.errors import ScopeError
from microdrama.reports.messages import BAD_SCOPE

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
