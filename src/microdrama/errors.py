"""Every error microdrama raises on purpose, in one tree.

The branch an error sits on says what went wrong for the person who asked, and so its HTTP
status (the table is `microdrama.app.HTTP_STATUS`); the leaves say which domain
raised it. Pages and the command line show `str(error)`: it names the file, line or field.

MicrodramaError                 base: a message a user can act on                          400
├── InvalidRequest              a value that cannot be used as given                        400
│   ├── FilterError             a filter that names nothing in the catalogue, or several
│   ├── PeriodError             a period that cannot be read, or has no data
│   ├── ScopeError              a report scope that cannot be read
│   ├── AccountError            a user or token that cannot be created or used as asked
│   │   └── AccountExists       ... because the user name is taken (also a Conflict)       409
│   ├── PanelError              a panel or review that cannot be made as asked
│   │   └── PanelClosed         ... because the panel has closed (also a Conflict)         409
│   └── TemplatedError          a message kept as a template and values, translated later
│       └── ReportError         a report that cannot be built as asked
│           ├── ReportBusy      ... because the database stayed busy (also Unavailable)    503
│           └── ReportMissing   ... because its scope names nothing (also NotFoundError)   404
├── Forbidden                   the account may not do this to this record                  403
│   └── OwnershipError          a producer naming another company's work, or none
├── NotFoundError               a work, platform, run ... that does not exist               404
├── Conflict                    the request clashes with what is stored now                 409
├── TooLarge                    an upload over the size limit                               413
├── ReadError                   a file that cannot be read (format, encoding, header)      422
│   ├── RuleFileError           a compliance rule file: bad YAML, unknown field, duplicate id
│   ├── ScriptFormatError       a script file that is corrupt or of a kind we cannot read
│   └── LimitExceeded           a file whose reading took too long or too much memory
├── ImportRejected              a file with invalid rows; carries the full report           422
├── Unavailable                 a store that stays busy; try again in a moment              503
└── ConfigurationError          settings that cannot work (bad URL, unwritable folder)      500
"""

from __future__ import annotations

from typing import Protocol


class MicrodramaError(Exception):
    """Base of the errors a user should see as a message, not a traceback."""


class InvalidRequest(MicrodramaError):
    """A value in the request cannot be used as given; the message says which and why."""


class Forbidden(MicrodramaError):
    """The account is signed in but may not do this to this record."""


class NotFoundError(MicrodramaError):
    """Something asked for by its identifier does not exist."""


class Conflict(MicrodramaError):
    """The request clashes with what is stored now (a taken name, a closed panel)."""


class TooLarge(MicrodramaError):
    """An upload is over the size limit; the message gives the limit and what to do instead."""


class Unavailable(MicrodramaError):
    """A store stayed busy past the wait; the same request can succeed in a moment."""


class ReadError(MicrodramaError):
    """A file cannot be read: unknown format, undecodable bytes, no header."""


class RuleFileError(ReadError):
    """A compliance rule file cannot be used; the message names the file and the field."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__(f"{file}: " + "; ".join(problems))
        self.file = file
        self.problems = problems


class ScriptFormatError(ReadError):
    """A script file (.docx, .fdx ...) is corrupt or not a script format; names the file."""


class LimitExceeded(ReadError):
    """Reading a file took longer or more memory than a request may take (sandbox.py)."""


class RejectedFile(Protocol):
    """What ImportRejected needs of an import's report (ingest.schemas.ImportReport)."""

    file: str
    invalid_rows: int


class ImportRejected(MicrodramaError):
    """An import file has invalid rows; nothing was written."""

    def __init__(self, report: RejectedFile) -> None:
        super().__init__(f"{report.file}: {report.invalid_rows} invalid rows, nothing imported")
        self.report = report


class ConfigurationError(MicrodramaError):
    """The settings cannot work as given."""


class FilterError(InvalidRequest):
    """A filter that names nothing in the catalogue, or several companies; lists the choices."""


class PeriodError(InvalidRequest):
    """A period that cannot be read, or cannot be computed from the data there is."""


class ScopeError(InvalidRequest):
    """A report scope that cannot be understood."""


class AccountError(InvalidRequest):
    """A user or token that cannot be created or used as asked."""


class AccountExists(Conflict, AccountError):
    """A user name that is taken already."""


class PanelError(InvalidRequest):
    """A review panel or a review that cannot be made as asked."""


class PanelClosed(Conflict, PanelError):
    """A review sent to a panel that has closed."""


class OwnershipError(Forbidden):
    """A producer naming a work of another company, or an account linked to no company."""


class TemplatedError(InvalidRequest):
    """An error kept as its message template and values, so a page can translate it later.

    A background job stores `str(error)` (English); the page matches it against the
    templates again and shows it in the reader's language.
    """

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values


class ReportError(TemplatedError):
    """A report that cannot be built as asked."""


class ReportBusy(Unavailable, ReportError):
    """A report build that could not get the database in time."""


class ReportMissing(NotFoundError, ReportError):
    """A report whose scope or period names nothing in the catalogue."""
