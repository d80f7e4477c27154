"""HR previews' own short-lived store: one snapshot per preview, never in the members' tables.

A preview is walked by the real engine inside a database transaction that is always rolled back
(``wizard.hr.preview_sandbox``); between two requests the preview lives here, as one encrypted snapshot
(journey, answers and events; specimen PDFs are rebuilt on demand and never stored).
``flask preview purge`` and ``flask retention run`` delete snapshots left idle.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.types import EncryptedJSON


class PreviewSnapshot(Base):
    __tablename__ = "preview_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the preview journey's public id (its URLs stay the same from one request to the next)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(64))
    #: journey row, answers and events (encrypted: a preview may show an invited agent's data)
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
