"""Translation kit for pages, reports and the command line: Babel catalogues, zh-CN first.

Mark a message with `N_` where it is defined and translate it with a `Translator` where it is
shown; `make messages` extracts both `_()` and `N_()` calls into the catalogues.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


# Messages shown through a variable (`_(role | capitalize)`), listed so extraction keeps them.
DYNAMIC_MESSAGES = (
    # company roles and credit roles
    N_("Producer"),
    N_("Publisher"),
    N_("Distributor"),
    N_("Director"),
    N_("Screenwriter"),
    N_("Lead actor"),
    # account roles
    N_("Admin"),
    N_("Analyst"),
    N_("Viewer"),
    # import kinds
    N_("Metrics"),
    N_("Ratings"),
    # expert dimensions
    N_("Values"),
    N_("Artistry"),
    N_("Production"),
    N_("Innovation"),
    # panel states
    N_("Open"),
)


@cache
def catalog(locale: str) -> Catalog:
    """The message catalogue of a locale, read from its .po file once."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


class Translator:
    """Translates English message ids into one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._messages = {m.id: m.string for m in catalog(self.locale) if m.id and m.string}

    def gettext(self, message: str) -> str:
        """The translation of `message`, or the message itself when none exists."""
        translated = self._messages.get(message)
        return translated if isinstance(translated, str) and translated else message

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for the <html lang> attribute."""
        return self.locale.replace("_", "-")


def choose_locale(*, query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick a locale: explicit choice, then the cookie, then the browser, then zh-CN."""
    for explicit in (query, cookie):
        if explicit and explicit.replace("-", "_") in LOCALES:
            return explicit.replace("-", "_")
    if accept_language:
        preferred = [
            part.split(";")[0].strip().replace("-", "_")
            for part in accept_language.split(",")
            if part.strip()
        ]
        aliases = {
            "zh": "zh_CN",
            "zh_Hans": "zh_CN",
            "zh_Hans_CN": "zh_CN",
            "en_US": "en",
            "en_GB": "en",
        }
        preferred = [aliases.get(p, p) for p in preferred]
        found = negotiate_locale(preferred, list(LOCALES), sep="_")
        if found:
            return found
    return DEFAULT_LOCALE
