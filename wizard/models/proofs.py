"""Supporting documents (« pièces justificatives ») a journey asks for, and the files members send.

A :class:`Proof` is one document the rules ask for (an acte de naissance, an attestation de PACS…) in one
journey; it holds its review status. Each :class:`ProofFile` is one uploaded file (several per proof: the
two sides of a card, a multi-page scan). File contents and names are personal data: both are encrypted at
rest with the same AES-GCM cipher as the journey answers (``wizard.crypto``).
"""

from __future__ import annotations

import base64
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Dialect, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from wizard import crypto
from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.journeys import Journey
from wizard.models.users import User


class EncryptedBytes(TypeDecorator[bytes]):
    """Binary content sealed with the field cipher (AES-256-GCM) and stored as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return crypto.default_cipher().encrypt(base64.b64encode(value).decode("ascii"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return base64.b64decode(crypto.default_cipher().decrypt(value))


class ProofStatus(StrEnum):
    #: nothing sent yet (the member chose « Envoyer plus tard »)
    DUE = "due"
    #: at least one file sent, waiting for operations to check it
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    #: refused with a reason the member sees; sending another file makes it SUBMITTED again
    REFUSED = "refused"


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Proof(Base):
    __tablename__ = "proofs"
    __table_args__ = (
        UniqueConstraint("journey_id", "step_id", "code", name="uq_proofs_journey_step_code"),
        Index("ix_proofs_status_updated", "status", "updated_at"),
        Index("ix_proofs_owner", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    step_id: Mapped[str] = mapped_column(String(64))
    #: the requirement's code in the flow (``birth_certificate``, ``pacs_certificate``…)
    code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[ProofStatus] = mapped_column(_enum(ProofStatus), default=ProofStatus.DUE)
    #: the rules let the member send it after the journey (« Envoyer plus tard »)
    later_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why operations refused it, shown to the member as written
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    journey: Mapped[Journey] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    files: Mapped[list[ProofFile]] = relationship(
        back_populates="proof", cascade="all, delete-orphan", order_by="ProofFile.id"
    )


class ProofFile(Base):
    __tablename__ = "proof_files"
    __table_args__ = (Index("ix_proof_files_proof", "proof_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proofs.id", ondelete="CASCADE"))
    #: the name the member's file had (encrypted: it often names a person)
    filename: Mapped[str] = mapped_column(crypto.EncryptedString)
    #: the type read from the content, never from the name: application/pdf, image/jpeg or image/png
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(EncryptedBytes)
    #: "clean" (ClamAV found nothing) or "not_scanned" (no scanner configured: development only)
    scan: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    proof: Mapped[Proof] = relationship(back_populates="files")
