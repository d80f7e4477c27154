"""« Mon compte »: contact details, the change log, consents (append-only history), data exports and
account-deletion requests.

The contact details live beside the account rather than in journey answers: a journey is a signed record of
what was declared on a day, while these are the member's current coordinates, editable at any time.
Consents are never updated: each change is a new row keeping the wording shown, so the current value of a
purpose × channel is its latest row and the history is the evidence the CNIL asks for.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.users import User


class MemberProfile(Base):
    __tablename__ = "member_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    #: where the insurer writes to (may differ from the login email); confirmed by a link before it applies
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: stored in E.164 (+33612345678); shown formatted and masked
    mobile_phone: Mapped[str] = mapped_column(String(20), default="")
    landline_phone: Mapped[str] = mapped_column(String(20), default="")
    #: « Option zéro papier »: True = documents online only, False = online and by post
    paperless: Mapped[bool] = mapped_column(Boolean, default=True)
    #: optimistic locking: a stale tab re-shows what was typed instead of overwriting a newer change
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's declarative API


class AccountChange(Base):
    """Who changed which part of an account, when and from where (never the values themselves)."""

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "postal_address", "contact_email", "phones", "login_email", "paperless", "consents", "account_closed"…
    what: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ConsentRecord(Base):
    """One consent given or withdrawn: append-only."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_user_purpose_channel", "user_id", "purpose", "channel", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(64))
    #: "email", "sms", "post", "phone", or "all" for a purpose asked without a channel choice
    channel: Mapped[str] = mapped_column(String(16))
    given: Mapped[bool] = mapped_column(Boolean)
    #: the exact wording the person saw when answering
    text_shown: Mapped[str] = mapped_column(Text)
    #: where it was answered: "mon_compte" or "souscription"
    source: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


@event.listens_for(ConsentRecord, "before_update")
def _refuse_consent_update(*_args: object) -> None:
    raise RuntimeError("consent records are append-only")


class ExportStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


def _public_id() -> str:
    return secrets.token_urlsafe(12)


class DataExport(Base):
    """« Télécharger mes données »: a zip prepared by ``flask data-export run`` workers."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExportStatus] = mapped_column(
        Enum(ExportStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ExportStatus.PENDING,
    )
    #: parts done out of parts to do (the JSON sections, then one per signed PDF)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeletionRequest(Base):
    """« Supprimer mon compte »: one per account (asking twice is the same request)."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    #: what was erased at once (counts per kind) — no personal data
    erased: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
