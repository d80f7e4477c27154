"""What members tell us after subscribing: the three-choice satisfaction question of the confirmation page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.journeys import Journey


class Satisfaction(StrEnum):
    UNHAPPY = "unhappy"
    NEUTRAL = "neutral"
    HAPPY = "happy"


class SatisfactionAnswer(Base):
    """One answer per journey; answering again replaces it (the member changed their mind)."""

    __tablename__ = "satisfaction_answers"
    __table_args__ = (UniqueConstraint("journey_id", name="uq_satisfaction_answers_journey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    answer: Mapped[Satisfaction] = mapped_column(
        Enum(Satisfaction, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    journey: Mapped[Journey] = relationship()
