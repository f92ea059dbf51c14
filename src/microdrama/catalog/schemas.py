"""How works look to the API, the pages and exports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class Label(BaseModel):
    """A vocabulary term with its labels."""

    key: str
    zh: str
    en: str


class CompanyRole(BaseModel):
    """A company and its role on a work."""

    name: str
    role: str
    credit_code: str | None = None
    city: str | None = None


class CreditRead(BaseModel):
    """A person credited on a work."""

    name: str
    role: str


class RatingRead(BaseModel):
    """An audience rating on a platform."""

    platform: str
    score: float
    votes: int


class WorkSummary(BaseModel):
    """A work as a row of the catalogue."""

    model_config = ConfigDict(from_attributes=True)

    work_id: str
    title: str
    title_en: str | None
    genres: list[Label]
    platforms: list[str]
    city: str | None
    model: str | None
    episodes: int | None
    release_date: date | None
    plays: int | None = Field(description="Total plays over all days and platforms imported")
    recharge_yuan: str | None = Field(description="Total recharge, exact yuan")
    ad_revenue_yuan: str | None = None


class WorkRead(WorkSummary):
    """A work with everything the catalogue knows about it."""

    episode_minutes: float | None
    paywall_episode: int | None
    price_per_episode_yuan: str | None
    filing_no: str | None
    investment_tier: str | None
    languages: list[str]
    companies: list[CompanyRole]
    credits: list[CreditRead]
    ratings: list[RatingRead]
    viewers: int | None = Field(default=None, description="Sum of daily viewers (not unique)")
    first_date: date | None = None
    last_date: date | None = None
    days_of_data: int = 0


class WorkPage(BaseModel):
    """One page of a catalogue search."""

    items: list[WorkSummary]
    total: int
    page: int
    page_size: int
    simulated: bool = Field(description="True when the catalogue holds simulated demo data")

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.page_size))


class DailyMetricRead(BaseModel):
    """One day of a work's metrics on one platform; money as exact yuan strings."""

    date: date
    platform: str
    plays: int | None
    viewers: int | None
    watch_minutes: float | None
    completion_rate: float | None
    likes: int | None
    comments: int | None
    shares: int | None
    favorites: int | None
    recharge_yuan: str | None
    ad_revenue_yuan: str | None
    ad_spend_yuan: str | None


class Facet(BaseModel):
    """A filter value and how many works have it."""

    value: str
    label: str
    count: int
