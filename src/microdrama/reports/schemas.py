"""Report builds as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from microdrama.reports.models import ReportBuild


class ReportBuildCreate(BaseModel):
    """What to build: a period, a language and a scope."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(max_length=16, examples=["2025-11", "2025-Q4", "2025"])
    lang: str = Field(default="zh", pattern="^(zh|en)$")
    scope: str = Field(default="all", max_length=200, examples=["all", "city:西安", "genre:甜宠"])


class ReportBuildRead(BaseModel):
    """A build and where to download it."""

    id: int
    period: str
    lang: str
    scope: str
    status: str
    finished: bool
    error: str | None
    content_hash: str | None
    index_run_id: int | None
    published_index: bool
    requested_by: str
    seconds: float | None
    created_at: datetime
    finished_at: datetime | None
    html_url: str | None
    pdf_url: str | None
    data_url: str | None

    @classmethod
    def of(cls, build: ReportBuild) -> ReportBuildRead:
        """The API view of a stored build."""
        ready = build.state.downloadable
        base = f"/reports/{build.id}"
        return cls(
            id=build.id,
            period=build.period,
            lang=build.lang,
            scope=build.scope,
            status=build.status,
            finished=build.state.finished,
            error=build.error,
            content_hash=build.content_hash,
            index_run_id=build.index_run_id,
            published_index=build.published_index,
            requested_by=build.requested_by,
            seconds=build.seconds,
            created_at=build.created_at,
            finished_at=build.finished_at,
            html_url=f"{base}/report.html" if ready else None,
            pdf_url=f"{base}/report.pdf" if ready else None,
            data_url=f"{base}/data.zip" if ready else None,
        )
