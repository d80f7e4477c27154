"""Signed changes of family situation (a dependant added or removed): the contract's amendments.

The contract's household is the signed subscription's, then every ACTIVE change in signature order
(``wizard.family_change.current_cover``). A change whose proof operations refused is ON_HOLD: it no longer
counts until a new proof is accepted; the rest of the contract is untouched.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.documents import Document
from wizard.models.journeys import Journey
from wizard.models.types import EncryptedJSON
from wizard.models.users import User


class FamilyChangeStatus(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"


class FamilyChange(Base):
    __tablename__ = "family_changes"
    __table_args__ = (Index("ix_family_changes_owner", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"), unique=True)
    #: birth_adoption, union, separation, death, child_not_dependant
    event: Mapped[str] = mapped_column(String(32))
    #: "add" or "remove"
    action: Mapped[str] = mapped_column(String(8))
    #: the person added or removed: kind (partner/child), key, names, birth date (encrypted)
    person: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    event_date: Mapped[date] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    monthly_before_cents: Mapped[int] = mapped_column(Integer)
    monthly_after_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[FamilyChangeStatus] = mapped_column(
        Enum(FamilyChangeStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=FamilyChangeStatus.ACTIVE,
    )
    #: the signed avenant
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    journey: Mapped[Journey] = relationship()
    document: Mapped[Document | None] = relationship()
