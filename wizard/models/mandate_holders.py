"""The SEPA mandate signed by an account holder who is not the member (a second signer).

One row per holder asked to sign; changing the holder cancels the row and opens a new one (new link, new
code). The holder's identity, email and address are personal data: stored encrypted. The one-time code is
stored as an HMAC keyed with the application's secret, like the member's signing codes. Rows are kept after
use: they are the holder's signature evidence.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.documents import Document
from wizard.models.journeys import Journey
from wizard.models.types import EncryptedJSON


class HolderStatus(StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    CANCELLED = "cancelled"


class MandateHolderSignature(Base):
    __tablename__ = "mandate_holder_signatures"
    __table_args__ = (Index("ix_mandate_holder_signatures_journey", "journey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    #: the unguessable token of the holder's signing link (the holder has no account)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=HolderStatus.PENDING.value)
    #: civilite, first_name, last_name, email, address (encrypted at rest)
    holder: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    rum: Mapped[str] = mapped_column(String(35))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: wrong codes typed for the current code; blocked at the maximum until a new code is sent
    attempts: Mapped[int] = mapped_column(default=0)
    link_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    journey: Mapped[Journey] = relationship()
    document: Mapped[Document | None] = relationship()

    @property
    def holder_name(self) -> str:
        return f"{self.holder.get('first_name', '')} {self.holder.get('last_name', '')}".strip()
