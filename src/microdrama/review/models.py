"""Experts and their panel scores of works."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microdrama.catalog.models import Work
from microdrama.db.base import Base, Timestamped

DIMENSIONS = ("values", "artistry", "production", "innovation")


class Expert(Base):
    """A member of an expert panel, known by an external identifier."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    # The account of an expert who reviews on the web (experts from files may have none).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)


class ExpertReview(Timestamped, Base):
    """One expert's scores (1–10) of one work on the four dimensions."""

    __tablename__ = "expert_reviews"
    __table_args__ = (UniqueConstraint("work_id", "expert_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    values: Mapped[float] = mapped_column(Float)
    artistry: Mapped[float] = mapped_column(Float)
    production: Mapped[float] = mapped_column(Float)
    innovation: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_on: Mapped[date] = mapped_column(Date)
    # Counts in the index: a review from a file, or one of a panel whose status feeds the
    # index (closed); a review of an open panel is held back so no expert sees another's.
    final: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())

    work: Mapped[Work] = relationship()
    expert: Mapped[Expert] = relationship()
