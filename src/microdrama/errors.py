"""Every error microdrama raises on purpose, in one tree.

MicrodramaError                 base: a message a user can act on
├── NotFoundError               a work, platform, run ... that does not exist
├── ReadError                   a file that cannot be read (format, encoding, header)
│   ├── RuleFileError           a compliance rule file: bad YAML, unknown field, duplicate id
│   └── ScriptFormatError       a script file that is corrupt or of a kind we cannot read
├── ImportRejected              a file with invalid rows; carries the full report
└── ConfigurationError          settings that cannot work (bad URL, unwritable folder)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from microdrama.ingest.schemas import ImportReport


class MicrodramaError(Exception):
    """Base of the errors a user should see as a message, not a traceback."""


class NotFoundError(MicrodramaError):
    """Something asked for by its identifier does not exist."""


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


class ImportRejected(MicrodramaError):
    """An import file has invalid rows; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.file}: {report.invalid_rows} invalid rows, nothing imported")
        self.report = report


class ConfigurationError(MicrodramaError):
    """The settings cannot work as given."""
