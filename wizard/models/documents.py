"""Generated and signed PDFs, the signature requests that produced them, and their evidence.

Documents are kept as bytes in the database: they are small (tens of kB), must be transactional with the
journey that produced them, and must survive any node. Evidence is append-only JSON (Code civil 1366-1367).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.crypto import EncryptedBytes, EncryptedText
from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.journeys import Journey


class SignatureStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SignatureRequest(Base):
    """One signing ceremony for the documents of one signing step (re-entering the step reuses it)."""

    __tablename__ = "signature_requests"
    __table_args__ = (Index("ix_signature_requests_journey_step", "journey_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(32))
    envelope_id: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[SignatureStatus] = mapped_column(_enum(SignatureStatus), default=SignatureStatus.PENDING)
    #: where the member's browser goes to sign (the provider's ceremony, or our own code page)
    signing_url: Mapped[str | None] = mapped_column(String(2000))
    #: append-only evidence record (who, how, consents, hashes, IP, times); see docs/SIGNING.md
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: last time the provider was asked for the envelope's status (DocuSign: once per 15 minutes at most);
    #: cleared when a new ceremony URL is issued
    status_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: work left for ``flask signatures run``: "fetch" (a verified completion whose signed PDF is still to
    #: download and check) or "void" (an envelope to void at the provider); None: nothing
    followup: Mapped[str | None] = mapped_column(String(16))
    followup_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    followup_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    followup_error: Mapped[str | None] = mapped_column(String(500))

    journey: Mapped[Journey] = relationship()
    documents: Mapped[list[Document]] = relationship(back_populates="signature_request", order_by="Document.id")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_journey_kind", "journey_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: unguessable id used in download URLs (ownership is still checked)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    signature_request_id: Mapped[int | None] = mapped_column(ForeignKey("signature_requests.id"))
    #: "bulletin", "mandate", "notice", "guarantees", "quote", "dispense", "designation"
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    template_version: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    #: the PDF, encrypted at rest (AES-GCM, FIELD_ENCRYPTION_KEY): shown and signed copies carry NIR and IBAN
    content: Mapped[bytes] = mapped_column(EncryptedBytes)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    journey: Mapped[Journey] = relationship()
    signature_request: Mapped[SignatureRequest | None] = relationship(back_populates="documents")


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """An email waiting to be sent (or kept for the demo inbox). Pages only insert rows; workers send."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
        UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: encrypted at rest (they carry codes and links); emptied once delivered by SMTP (wizard.outbox)
    text_body: Mapped[str] = mapped_column(EncryptedText)
    html_body: Mapped[str] = mapped_column(EncryptedText)
    #: template name, for tests and the HR follow-up (e.g. "invitation", "signing_code")
    kind: Mapped[str] = mapped_column(String(64))
    #: set for messages that must go out at most once (a reminder per journey and deadline, say)
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: how it left: "smtp", or "demo_inbox" when no SMTP server is configured and the demo mailbox is on
    delivery: Mapped[str | None] = mapped_column(String(16))
