"""Review panels and who reviews what in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microdrama.accounts.models import User
from microdrama.catalog.models import Work
from microdrama.db.base import Base, utcnow
from microdrama.review.models import ExpertReview


@dataclass(frozen=True)
class PanelStatus:
    """What a panel in this state allows; code asks these flags, never the name."""

    key: str
    accepts_reviews: bool
    scores_visible: bool
    feeds_index: bool  # its reviews count in index runs (no expert sees another's before)


STATUSES = {
    "open": PanelStatus("open", accepts_reviews=True, scores_visible=False, feeds_index=False),
    "closed": PanelStatus("closed", accepts_reviews=False, scores_visible=True, feeds_index=True),
}


class Panel(Base):
    """A group of works reviewed by experts for a period."""

    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="panel", cascade="all, delete-orphan"
    )

    @property
    def state(self) -> PanelStatus:
        """The meaning of the panel's status."""
        return STATUSES[self.status]


class Assignment(Base):
    """One expert asked to review one work in a panel."""

    __tablename__ = "panel_assignments"
    __table_args__ = (UniqueConstraint("panel_id", "work_id", "expert_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    expert_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("expert_reviews.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    panel: Mapped[Panel] = relationship(back_populates="assignments")
    work: Mapped[Work] = relationship()
    expert: Mapped[User] = relationship()
    review: Mapped[ExpertReview | None] = relationship()
