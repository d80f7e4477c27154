"""Journeys, their stored answers and the append-only audit trail.

A journey row is the whole truth about where a person stands: the state machine is rebuilt from
``state`` on every request, and the answers to its steps are a value of the row (one encrypted column), not
rows of another table. ``revision`` is SQLAlchemy's version counter, so two processes saving the same
journey cannot both win: the second UPDATE matches no row and raises ``StaleDataError``.

Why the answers live in the journey's row: every journey page reads the journey with all its answers, and
every step submit writes both. As a table joined to the journey, each answer row repeated and decoded the
journey's and its owner's columns again, the ORM built one object per answer, and a submit sent one more
statement; read as one column, a page costs one row whatever the journey's length (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Dialect, Enum, ForeignKey, Index, Integer, String, event
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


@dataclass(frozen=True, slots=True)
class StepAnswer:
    """What a journey keeps of one step: a value inside the journey's ``answers`` column, never changed in place
    (:func:`wizard.journeys.writes.save_answer` replaces it)."""

    step_id: str
    #: what the person last typed, as submitted (field name -> list of values); redisplayed as is
    raw: dict[str, list[str]] = field(default_factory=dict)
    #: the cleaned values of the last *valid* submission; predicates and documents read these
    data: dict[str, Any] | None = None
    #: True when ``raw`` was saved without passing validation (« reprendre plus tard », « précédent »)
    is_draft: bool = False
    updated_at: datetime = field(default_factory=utcnow)


class StepAnswers(EncryptedJSON):
    """A journey's answers, in the order their steps were first answered, as one encrypted JSON list.

    The time of each answer is kept as ISO text: a tagged datetime would send the whole list through the slower
    JSON decoder that rebuilds dates (``wizard.models.types.loads``) on every page.
    """

    cache_ok = True

    def process_bind_param(self, value: Iterable[StepAnswer] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        records = [
            {"step_id": a.step_id, "raw": a.raw, "data": a.data, "is_draft": a.is_draft,
             "updated_at": a.updated_at.isoformat()}
            for a in value
        ]  # fmt: skip
        return super().process_bind_param(records, dialect)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[StepAnswer, ...]:
        records = super().process_result_value(value, dialect) or []
        return tuple(
            StepAnswer(r["step_id"], r["raw"], r["data"], r["is_draft"], datetime.fromisoformat(r["updated_at"]))
            for r in records
        )


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
    #: one answer per step answered, in the order first answered (NULL: none yet); replaced, never mutated
    answers: Mapped[tuple[StepAnswer, ...]] = mapped_column(StepAnswers, nullable=True, default=tuple)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    owner: Mapped[User] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    events: Mapped[list[JourneyEvent]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="JourneyEvent.id"
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's declarative API

    def __init__(self, **values: Any) -> None:
        values.setdefault("answers", ())  # a new journey has no answer yet (a loaded one reads NULL as none)
        super().__init__(**values)

    def answer_for(self, step_id: str) -> StepAnswer | None:
        for answer in self.answers:
            if answer.step_id == step_id:
                return answer
        return None


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
