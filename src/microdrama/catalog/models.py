"""Catalogue of the micro-short drama industry: works, companies, platforms, people, ratings,
and the ledger of the files they were imported from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microdrama.db.base import Base, Timestamped, utcnow


class City(Base):
    """A city of production, created on first sight in a works file."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(64))


class Platform(Base):
    """A distribution platform: an app, a mini-program or an overseas app."""

    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))


class Company(Base):
    """A producer, publisher or distributor, identified by name and credit code."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))

    city: Mapped[City | None] = relationship()


class Work(Timestamped, Base):
    """A micro-short drama series."""

    __tablename__ = "works"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    title_en: Mapped[str | None] = mapped_column(String(200))
    episodes: Mapped[int | None] = mapped_column(Integer)
    episode_minutes: Mapped[float | None] = mapped_column(Float)
    release_date: Mapped[date | None] = mapped_column(Date, index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(8), index=True)
    paywall_episode: Mapped[int | None] = mapped_column(Integer)
    # Money is exact: integer fen (1 yuan = 100 fen).
    price_per_episode_fen: Mapped[int | None] = mapped_column(Integer)
    filing_no: Mapped[str | None] = mapped_column(String(80))
    investment_tier: Mapped[str | None] = mapped_column(String(16))
    languages: Mapped[str | None] = mapped_column(String(64))

    city: Mapped[City | None] = relationship()
    genres: Mapped[list[WorkGenre]] = relationship(
        cascade="all, delete-orphan", order_by="WorkGenre.position"
    )
    platforms: Mapped[list[WorkPlatform]] = relationship(
        cascade="all, delete-orphan", order_by="WorkPlatform.position"
    )
    companies: Mapped[list[WorkCompany]] = relationship(cascade="all, delete-orphan")
    credits: Mapped[list[Credit]] = relationship(
        cascade="all, delete-orphan", order_by="Credit.position"
    )
    ratings: Mapped[list[AudienceRating]] = relationship(cascade="all, delete-orphan")

    @property
    def price_per_episode_yuan(self) -> str | None:
        """The episode price as exact yuan text, e.g. '0.90'."""
        if self.price_per_episode_fen is None:
            return None
        return f"{self.price_per_episode_fen // 100}.{self.price_per_episode_fen % 100:02d}"


class WorkGenre(Base):
    """A genre of a work, by its key in the controlled vocabulary."""

    __tablename__ = "work_genres"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    genre: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class WorkPlatform(Base):
    """A platform a work is released on."""

    __tablename__ = "work_platforms"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("platforms.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    platform: Mapped[Platform] = relationship()


class WorkCompany(Base):
    """A company's role on a work: producer, publisher or distributor."""

    __tablename__ = "work_companies"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    company: Mapped[Company] = relationship()


class Episode(Base):
    """One episode of a work."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("work_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    seconds: Mapped[int | None] = mapped_column(Integer)
    is_paid: Mapped[bool | None] = mapped_column()


class Person(Base):
    """A director, screenwriter or actor."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Credit(Base):
    """A person's role on a work."""

    __tablename__ = "credits"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship()


class AudienceRating(Timestamped, Base):
    """The audience rating of a work on a platform."""

    __tablename__ = "audience_ratings"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    votes: Mapped[int] = mapped_column(Integer)
    # What the import before the last that changed it said: a sudden block of votes between
    # two imports is how bought ratings and review bombing show (the index reads both).
    previous_score: Mapped[float | None] = mapped_column(Float)
    previous_votes: Mapped[int | None] = mapped_column(Integer)

    platform: Mapped[Platform] = relationship()


class WorkStats(Base):
    """Totals of a work's daily metrics, derived from the lake at a recorded table version."""

    __tablename__ = "work_stats"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    plays: Mapped[int | None] = mapped_column(BigInteger, index=True)
    viewers: Mapped[int | None] = mapped_column(BigInteger)
    recharge_fen: Mapped[int | None] = mapped_column(BigInteger)
    ad_revenue_fen: Mapped[int | None] = mapped_column(BigInteger)
    first_date: Mapped[date | None] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=0)
    lake_version: Mapped[int] = mapped_column(Integer)


class ImportRecord(Base):
    """Who imported which file when, with its hash, row counts, lake version and outcome.

    The catalogue's ledger of where its data came from: written by the ingest service, read
    by the catalogue (is the data simulated, has it changed) and by reports (their sources).
    """

    __tablename__ = "import_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    invalid_rows: Mapped[int] = mapped_column(Integer, default=0)
    lake_version: Mapped[int | None] = mapped_column(Integer)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    user: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
