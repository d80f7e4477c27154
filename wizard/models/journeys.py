"""Journeys, their stored answers and the append-only audit trail.

A journey row is the whole truth about where a person stands: the state machine is rebuilt from
``state`` on every request. ``revision`` is SQLAlchemy's version counter, so two processes saving the same
journey cannot both win: the second UPDATE matches no row and raises ``StaleDataError``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.campaigns import Campaign
from wizard.models.types import EncryptedJSON
from wizard.models.users import User


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: what a :class:`JourneyEvent` records (not a table)."""

    user_id: int | None
    ip: str | None = None
    user_agent: str | None = None


class JourneyStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def _new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Journey(Base):
    __tablename__ = "journeys"
    __table_args__ = (
        Index("ix_journeys_owner_flow_status", "owner_id", "flow_id", "status"),
        Index("ix_journeys_campaign_state", "campaign_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: unguessable id used in URLs (ownership is still checked on every request)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=_new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    flow_id: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(64))
    status: Mapped[JourneyStatus] = mapped_column(
        Enum(JourneyStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=JourneyStatus.IN_PROGRESS,
    )
    #: step ids in the order they were first reached; only these can be opened
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: HR preview journeys never show to agents, in statistics, or send anything
    is_preview: Mapped[bool] = mapped_column(Boolean, default=False)
    #: facts captured when the journey started (prefill from HR data, the journey it came from)
    context: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    owner: Mapped[User] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    answers: Mapped[list[StepAnswer]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="StepAnswer.id"
    )
    events: Mapped[list[JourneyEvent]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="JourneyEvent.id"
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's declarative API

    def answer_for(self, step_id: str) -> StepAnswer | None:
        for answer in self.answers:
            if answer.step_id == step_id:
                return answer
        return None


class StepAnswer(Base):
    __tablename__ = "step_answers"
    __table_args__ = (UniqueConstraint("journey_id", "step_id", name="uq_step_answers_journey_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    #: what the person last typed, as submitted (field name -> list of values); redisplayed as is
    raw: Mapped[dict[str, list[str]]] = mapped_column(EncryptedJSON)
    #: the cleaned values of the last *valid* submission; predicates and documents read these
    data: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    #: True when ``raw`` was saved without passing validation (« reprendre plus tard », « précédent »)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    journey: Mapped[Journey] = relationship(back_populates="answers")


class JourneyEvent(Base):
    """One state change or notable action; rows are never updated or deleted by the application."""

    __tablename__ = "journey_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    journey: Mapped[Journey] = relationship(back_populates="events")


@event.listens_for(JourneyEvent, "before_update")
def _refuse_event_update(*_args: object) -> None:
    raise RuntimeError("journey events are append-only")
