"""HR campaigns and the agents they invite (identity prefilled by HR)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wizard.models.base import Base, UtcDateTime, utcnow
from wizard.models.users import User


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    employer: Mapped[str] = mapped_column(String(200))
    contract_name: Mapped[str] = mapped_column(String(200))
    effective_date: Mapped[date] = mapped_column(Date)
    #: after this day the emailed links stop working and agents who did nothing are affiliated by default
    deadline: Mapped[date] = mapped_column(Date)
    #: catalogue version (tariffs, guarantees) the campaign's prices come from
    offer_version: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    invitations: Mapped[list[Invitation]] = relationship(back_populates="campaign", order_by="Invitation.id")


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("campaign_id", "email", name="uq_invitations_campaign_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    email: Mapped[str] = mapped_column(String(254))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    regime: Mapped[str] = mapped_column(String(32))
    postal_address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: how many times the invitation email was queued (first sending and HR's « Renvoyer »)
    send_count: Mapped[int] = mapped_column(default=0, server_default="0")
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    account_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="invitations")
    user: Mapped[User | None] = relationship()
