"""Re-authentication before showing confidential pages (the beneficiary designation).

The member proves again who they are — password, or a six-digit code emailed to the account's address —
and the time is kept in their (signed) session cookie, bound to their user id, for ``REAUTH_MINUTES``
(default 5). Codes are stored as an HMAC keyed with the application secret, expire after
:data:`CODE_MINUTES` and allow :data:`MAX_ATTEMPTS` wrong tries, so a database dump reveals no live code and a
six-digit code cannot be guessed online.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.entry.passwords import verify_password
from wizard.mail.queue import queue_email
from wizard.models import ReauthCode, User, utcnow

SESSION_KEY = "reauth"
DEFAULT_MINUTES = 5
CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODE_SUBJECT = "Votre code de confirmation d'identité"
WRONG_CODE = "Ce code est incorrect. Vérifiez le dernier courriel reçu."
EXPIRED_CODE = "Ce code n'est plus valable (expiré ou trop d'essais) : demandez un nouveau code."
WRONG_PASSWORD = "Mot de passe incorrect."  # noqa: S105 - a message, not a secret


def window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("REAUTH_MINUTES", DEFAULT_MINUTES)))


def is_fresh(session_data: Mapping[str, Any], user_id: int, now: datetime | None = None) -> bool:
    """True when this user re-authenticated in this session less than ``REAUTH_MINUTES`` ago."""
    stored = session_data.get(SESSION_KEY) or {}
    if stored.get("user_id") != user_id or not stored.get("at"):
        return False
    at = datetime.fromisoformat(stored["at"])
    return (now or utcnow()) - at < window()


def mark_fresh(session_data: MutableMapping[str, Any], user_id: int) -> None:
    session_data[SESSION_KEY] = {"user_id": user_id, "at": utcnow().isoformat()}


def check_password(user: User, password: str) -> bool:
    return verify_password(user.password_hash, password)


def _digest(user_id: int, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"reauth:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(session: Session, user: User) -> None:
    """A new code by email; earlier unused codes stop working (the code and its email in one transaction)."""
    for earlier in _live_codes(session, user):
        earlier.used_at = utcnow()
    code = f"{secrets.randbelow(10**6):06d}"
    now = utcnow()
    session.add(ReauthCode(
        user_id=user.id, code_hash=_digest(user.id, code), sent_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES), attempts=0,
    ))  # fmt: skip
    queue_email(
        session, to=user.email, subject=CODE_SUBJECT, template="reauth_code",
        context={"name": user.full_name, "code": code, "minutes": CODE_MINUTES}, user_id=user.id,
    )  # fmt: skip
    session.flush()


def verify_code(session: Session, user: User, typed: str) -> str | None:
    """None when ``typed`` is the live code (which is then used up), else the French message."""
    live = _live_codes(session, user)
    code = live[0] if live else None
    now = utcnow()
    if code is None or code.expires_at <= now or code.attempts >= MAX_ATTEMPTS:
        return EXPIRED_CODE
    if not hmac.compare_digest(code.code_hash, _digest(user.id, "".join(typed.split()))):
        code.attempts += 1
        session.flush()
        return WRONG_CODE if code.attempts < MAX_ATTEMPTS else EXPIRED_CODE
    code.used_at = now
    session.flush()
    return None


def _live_codes(session: Session, user: User) -> list[ReauthCode]:
    query = select(ReauthCode).where(ReauthCode.user_id == user.id, ReauthCode.used_at.is_(None))
    return list(session.scalars(query.order_by(ReauthCode.id.desc())))
