"""Why a report cannot be built: message templates that pages translate after they were stored.

A background build stores its error as English text; the page shows it in the reader's
language by matching the text against the templates here (the catalogue translates each
template, the matched values are filled back in).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from microdrama.i18n import N_

Gettext = Callable[[str], str]


NO_DATA = N_("no daily metrics for {period}: nothing to report")
NO_DATA_IN_SCOPE = N_("no daily metrics for {period} in scope {scope}")
UNKNOWN_LANG = N_("unknown language '{lang}': use zh or en")
OUT_IS_FILE = N_("{out} is a file: --out names the folder to write the report into")
OUT_NOT_A_REPORT = N_(
    "{out} is not empty and holds no earlier report: give a new or empty folder, "
    "or the folder of an earlier report to replace it"
)
OUT_UNWRITABLE = N_("cannot write the report into {out}: {reason}")
NO_CITY = N_("no city '{value}' in the catalogue")
NO_COMPANY = N_("no company '{value}' (give a credit code, id or exact name)")
NO_WORKS = N_("no works in scope {scope}")
BAD_SCOPE = N_(
    "cannot read scope '{text}': use all, city:NAME, genre:NAME or company:ID "
    "(credit code, number or name)"
)
BUSY = N_("the database stayed busy for {seconds} s; build the report again in a moment")
INTERRUPTED = N_(
    "interrupted: the server stopped while this report was being built; build it again"
)
UNEXPECTED = N_("the build failed unexpectedly ({kind}); the server log has the details")

# Raised by index.periods when a period is checked; translated here for the reports page.
PERIOD_MESSAGES = (
    N_("no month {month} in period '{text}'"),
    N_("{year} has no ISO week {week}"),
    N_("period 'all' needs data: no daily metrics have been imported"),
    N_(
        "cannot read period '{text}': use a month (2025-11), an ISO week (2025-W47), "
        "a quarter (2025-Q4), a year (2025) or all"
    ),
)
MESSAGES = (
    NO_DATA,
    NO_DATA_IN_SCOPE,
    UNKNOWN_LANG,
    OUT_IS_FILE,
    OUT_NOT_A_REPORT,
    OUT_UNWRITABLE,
    NO_CITY,
    NO_COMPANY,
    NO_WORKS,
    BAD_SCOPE,
    BUSY,
    INTERRUPTED,
    UNEXPECTED,
    *PERIOD_MESSAGES,
)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # Even parts are literal text, odd parts the names of the values in between.
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


def translate(message: str, gettext: Gettext) -> str:
    """A stored error message in the reader's language (unchanged when it is not one of ours)."""
    for template in MESSAGES:
        match = _pattern(template).match(message)
        if match:
            return gettext(template).format(**match.groupdict())
    return message
