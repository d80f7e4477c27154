"""Accounts. The email is the login; the NIR never is (décret 2019-341)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from wizard.models.base import Base, UtcDateTime, utcnow


class Role(StrEnum):
    MEMBER = "member"
    HR = "hr"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.MEMBER,
    )
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    member_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    #: False until the member proved they own the email (activation link) or set a password from an invite
    activated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: copied into the session cookie at login and checked on every request: raising it ends every session
    #: of this person (logout, password change or reset, account closure) — ``wizard.entry.accounts.end_all_sessions``
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def is_hr(self) -> bool:
        return self.role in (Role.HR, Role.ADMIN)

    @property
    def is_active(self) -> bool:  # Flask-Login: a non-activated account cannot log in
        return self.activated


# login compares lower(email): the unique constraint cannot serve that expression (migration 0008_perf)
Index("ix_users_email_lower", func.lower(User.email))
