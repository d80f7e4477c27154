"""One-time codes of the embedded (``local``) signing ceremony.

A code is never stored in clear: only an HMAC-SHA256 keyed with the application's secret, so a database
dump does not reveal live codes (six digits would otherwise be brute-forced offline in an instant).
Rows are kept after use: they are part of the signature's evidence (send time, attempts, verification).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.documents import SignatureRequest


class SigningCode(Base):
    __tablename__ = "signing_codes"
    __table_args__ = (Index("ix_signing_codes_request", "signature_request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_request_id: Mapped[int] = mapped_column(ForeignKey("signature_requests.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    #: "email"; the destination is stored masked, as shown to the member
    channel: Mapped[str] = mapped_column(String(16), default="email")
    destination: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: wrong codes typed so far; the code is blocked once this reaches the maximum
    attempts: Mapped[int] = mapped_column(default=0)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    signature_request: Mapped[SignatureRequest] = relationship()
