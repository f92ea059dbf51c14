"""Settings of a microdrama installation, read from MICRODRAMA_* environment variables."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and how the web app runs; built once by the caller, never at import."""

    model_config = SettingsConfigDict(env_prefix="MICRODRAMA_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Folder for the database, lake and files"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file microdrama.db in data_dir"
    )
    lake_uri: str | None = Field(
        default=None,
        description="Delta Lake root (folder or object-store URI); default: data_dir/lake",
    )
    default_locale: str = "zh_CN"
    page_size: int = 50
    user: str = Field(default="cli", description="Who runs imports from the command line (audit)")
    secret_key: str | None = Field(
        default=None, description="Signs session cookies; default: a random key kept in data_dir"
    )
    https_only: bool = Field(
        default=False, description="Mark cookies Secure (set when served behind TLS)"
    )
    max_upload_mb: int = Field(
        default=512, ge=1, description="Largest file the web accepts for import (413 beyond)"
    )
    import_memory_mb: int = Field(
        default=3072,
        ge=64,
        description=(
            "Resident memory an import's reading and validation may use (in a child process; "
            "past it that import fails, the server does not)"
        ),
    )
    import_seconds: int = Field(
        default=900, ge=1, description="Time an import's reading and validation may take"
    )
    earliest_date: date = Field(
        default=date(2015, 1, 1), description="Dates in imports before this day are errors"
    )
    latest_date: date | None = Field(
        default=None, description="Dates in imports after this day are errors (a year ahead)"
    )
    trusted_proxies: str | None = Field(
        default=None,
        description=(
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; "
            "by default none is, so a client cannot pick the address it is throttled under"
        ),
    )
    public_rankings: bool = Field(
        default=True, description="Let anonymous visitors read published rankings"
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'microdrama.db').resolve()}"

    @property
    def resolved_lake_uri(self) -> str:
        """The Delta Lake root, defaulting to `lake/` inside the data directory."""
        if self.lake_uri:
            return self.lake_uri
        return str((self.data_dir / "lake").resolve())

    @property
    def resolved_latest_date(self) -> date:
        """The last day an imported date may be: the setting, or a year after today."""
        return self.latest_date or date.today() + timedelta(days=366)

    @property
    def work_dir(self) -> Path:
        """Scratch folder for staging files during imports."""
        return self.data_dir / "tmp"


def get_settings() -> Settings:
    """Read the settings from the environment (call at start-up, not at import)."""
    return Settings()
