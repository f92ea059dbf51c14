"""Built reports: what was asked, by whom, where the files lie and whether it worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microdrama.db.base import Base, utcnow


@dataclass(frozen=True)
class BuildStatus:
    """What a build's status means."""

    key: str
    finished: bool
    downloadable: bool


STATUSES = {
    "queued": BuildStatus("queued", finished=False, downloadable=False),
    "running": BuildStatus("running", finished=False, downloadable=False),
    "done": BuildStatus("done", finished=True, downloadable=True),
    "failed": BuildStatus("failed", finished=True, downloadable=False),
}


class ReportBuild(Base):
    """One build of an insight report."""

    __tablename__ = "report_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(4))
    scope: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    folder: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    index_run_id: Mapped[int | None] = mapped_column(Integer)
    # Viewers may read a report only when the index it quotes was published.
    published_index: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state(self) -> BuildStatus:
        """The meaning of the build's status."""
        return STATUSES[self.status]
