"""What an import reports back: counts, created entities, and every invalid row."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RowError(BaseModel):
    """One problem in an import file, located by row and column."""

    row: int | None = Field(
        description="Row number as the user sees it (header = 1); None for the file"
    )
    column: str | None = None
    value: str | None = None
    reason: str


class ImportReport(BaseModel):
    """The outcome of validating, and unless rejected or dry, writing one file."""

    file: str
    kind: str
    format: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    rows_read: int = 0
    invalid_rows: int = 0
    inserted: int = 0
    updated: int = 0
    dry_run: bool = False
    committed: bool = False
    import_id: int | None = None
    lake_version: int | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="file header -> canonical")
    created: dict[str, list[str]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file has no invalid row."""
        return not self.errors
