"""The SEPA direct-debit chain after signature: mandates and their versions, collections, bank files.

* :class:`SepaMandate` — one per signed mandate (RUM unique with the ICS). Its versions keep every account
  the member signed for: the first one at subscription, then one per « Modifier mon RIB » (same RUM, the
  amendment recorded on the version and sent to the bank once, with the next collection).
* :class:`SepaCollection` — one line of the échéancier (due date, amount, months covered). A line becomes a
  collection when an export carries it (EndToEndId, sequence type, file); a bank reject or return marks it.
* :class:`SepaFile` — every pain.008 written and every pain.002 / camt.054 read, by message id and hash, so
  an export or an import is never applied twice.

Account details (holder, IBAN, BIC, address) are encrypted at rest like journey answers.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.journeys import Journey
from wizard.models.types import EncryptedJSON
from wizard.models.users import User

#: ``Document.kind`` of an échéancier de cotisation: sent, never signed, listed in « Mes documents »
SCHEDULE_KIND = "schedule"


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class MandateStatus(StrEnum):
    #: signed, collectable, never changed
    ACTIVE = "active"
    #: collectable; the member changed the account at least once (see the versions)
    AMENDED = "amended"
    #: 36 months without a collection: never exported again, a new mandate is needed
    LAPSED = "lapsed"
    #: withdrawn (contract ended, or the member revoked it): never exported again
    REVOKED = "revoked"


class CollectionStatus(StrEnum):
    SCHEDULED = "scheduled"
    EXPORTED = "exported"
    #: rejected before settlement (pain.002)
    REJECTED = "rejected"
    #: returned after settlement (camt.054)
    RETURNED = "returned"
    #: replaced by a newer échéancier before being exported
    CANCELLED = "cancelled"


class SepaMandate(Base):
    __tablename__ = "sepa_mandates"
    __table_args__ = (UniqueConstraint("ics", "rum", name="uq_sepa_mandates_ics_rum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rum: Mapped[str] = mapped_column(String(35))
    ics: Mapped[str] = mapped_column(String(35))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the subscription journey whose signature created the mandate
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: the contract the collections are for, as the campaign names it (remittance text)
    contract_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[MandateStatus] = mapped_column(_enum(MandateStatus), default=MandateStatus.ACTIVE)
    signed_on: Mapped[date] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    #: the échéancier in force (1 at signature, +1 each time amounts or dates change)
    schedule_version: Mapped[int] = mapped_column(Integer, default=0)
    #: a bank reject or return said the account cannot be debited (AC04, AC06, MD01…): the member must
    #: give a new RIB; cleared by « Modifier mon RIB »
    rib_problem_code: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    owner: Mapped[User] = relationship()
    journey: Mapped[Journey] = relationship()
    versions: Mapped[list[SepaMandateVersion]] = relationship(
        back_populates="mandate", order_by="SepaMandateVersion.version", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> SepaMandateVersion:
        return self.versions[-1]

    @property
    def collectable(self) -> bool:
        return self.status in (MandateStatus.ACTIVE, MandateStatus.AMENDED)


class SepaMandateVersion(Base):
    """The account and holder of one signed version of a mandate (never edited: a change is a new row)."""

    __tablename__ = "sepa_mandate_versions"
    __table_args__ = (UniqueConstraint("mandate_id", "version", name="uq_sepa_mandate_versions_mandate_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("sepa_mandates.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    #: {"holder", "iban", "bic", "address"} (encrypted)
    details: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: the journey whose signature produced this version (subscription, then « Modifier mon RIB »)
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journeys.id", ondelete="SET NULL"))
    #: what the bank must be told with the next collection: "account" (same bank: ``OrgnlDbtrAcct``) or
    #: "agent" (new bank: ``OrgnlDbtrAgt`` = SMNDA); None for the first version
    amendment: Mapped[str | None] = mapped_column(String(16))
    #: the EndToEndId of the collection that carried the amendment (None while it is still to be sent)
    amendment_sent_in: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    mandate: Mapped[SepaMandate] = relationship(back_populates="versions")


class SepaFile(Base):
    """A bank file: a pain.008 we wrote, or a pain.002 / camt.054 we read."""

    __tablename__ = "sepa_files"
    __table_args__ = (
        UniqueConstraint("direction", "message_id", name="uq_sepa_files_direction_message_id"),
        UniqueConstraint("sha256", name="uq_sepa_files_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "export" or "import"
    direction: Mapped[str] = mapped_column(String(8))
    #: "pain.008.001.02", "pain.002.001.03", "camt.054.001.02"
    schema: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(String(35))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    collection_date: Mapped[date | None] = mapped_column(Date)
    transactions: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SepaCollection(Base):
    """One debit of the échéancier; exported at most once (its EndToEndId is unique)."""

    __tablename__ = "sepa_collections"
    __table_args__ = (
        Index("ix_sepa_collections_mandate_status_due", "mandate_id", "status", "due_date"),
        UniqueConstraint("end_to_end_id", name="uq_sepa_collections_end_to_end_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("sepa_mandates.id", ondelete="CASCADE"))
    schedule_version: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    #: first day of the first and of the last month the debit pays for
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    #: the day the member was sent the échéancier announcing this debit (the notice period runs from it)
    notified_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CollectionStatus] = mapped_column(_enum(CollectionStatus), default=CollectionStatus.SCHEDULED)
    end_to_end_id: Mapped[str | None] = mapped_column(String(35))
    sequence_type: Mapped[str | None] = mapped_column(String(4))
    #: the requested collection date actually sent to the bank
    collected_on: Mapped[date | None] = mapped_column(Date)
    mandate_version: Mapped[int | None] = mapped_column(Integer)
    export_file_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_files.id"))
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason_code: Mapped[str | None] = mapped_column(String(8))
    return_file_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_files.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    mandate: Mapped[SepaMandate] = relationship()
