"""Death-benefit beneficiary designations (every signed version kept) and re-authentication codes.

A designation is valid only written, dated and signed; a later version supersedes the earlier ones but none
is ever deleted or edited (case law: a later designation found after death still prevails, so the history
and its timestamps are evidence). Names, birth dates and addresses of third parties are personal data: the
clause and the structured beneficiaries are encrypted at rest like journey answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.documents import Document
from wizard.models.types import EncryptedJSON
from wizard.models.users import User


class BeneficiaryDesignation(Base):
    __tablename__ = "beneficiary_designations"
    __table_args__ = (UniqueConstraint("owner_id", "version", name="uq_beneficiary_designations_owner_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: 1 for the member's first signed designation, then +1 for each new one
    version: Mapped[int] = mapped_column(Integer)
    #: "standard" or "particular"
    mode: Mapped[str] = mapped_column(String(16))
    #: the full clause exactly as signed (encrypted: it names third parties)
    clause_text: Mapped[str] = mapped_column(EncryptedJSON)
    #: the named beneficiaries as structured data (empty for the standard clause)
    beneficiaries: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON, default=list)
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"))
    #: the signed PDF (designation + clause)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: a beneficiary accepted the benefit (Code des assurances L132-9): the member can no longer change it alone
    accepted_by_beneficiary: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    owner: Mapped[User] = relationship()
    document: Mapped[Document | None] = relationship()


class ReauthCode(Base):
    """A six-digit code emailed to confirm identity before showing a designation; stored as an HMAC only."""

    __tablename__ = "reauth_codes"
    __table_args__ = (Index("ix_reauth_codes_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: wrong codes typed so far; the code is refused once this reaches the maximum
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
