"""Re-authentication before showing confidential pages (the beneficiary designation).

The member proves again who they are — password, or a six-digit code emailed to the account's address —
and the time is kept in their (signed) session cookie, bound to their user id, for ``REAUTH_MINUTES``
(default 5). Codes are stored as an HMAC keyed with the application secret, expire after
:data:`CODE_MINUTES` and allow :data:`MAX_ATTEMPTS` wrong tries, so a database dump reveals no live code and a
six-digit code cannot be guessed online. Each typed code takes one attempt in the database before it is compared
(one atomic ``UPDATE … RETURNING``), so parallel requests cannot evaluate more than :data:`MAX_ATTEMPTS` codes;
a person gets at most :data:`MAX_CODES_PER_HOUR` codes an hour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wizard.entry.passwords import verify_password
from wizard.mail.queue import queue_email
from wizard.models import ReauthCode, User, utcnow

SESSION_KEY = "reauth"
DEFAULT_MINUTES = 5
CODE_MINUTES = 10
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
CODE_SUBJECT = "Votre code de confirmation d'identité"
WRONG_CODE = "Ce code est incorrect. Vérifiez le dernier courriel reçu."
EXPIRED_CODE = "Ce code n'est plus valable (expiré ou trop d'essais) : demandez un nouveau code."
TOO_MANY_CODES = (
    "Vous avez demandé trop de codes en peu de temps. Réessayez dans une heure, ou confirmez avec votre mot de passe."
)
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


def send_code(session: Session, user: User) -> str | None:
    """A new code by email; earlier unused codes stop working (the code and its email in one transaction).
    Returns the French refusal instead when this person already received :data:`MAX_CODES_PER_HOUR` codes."""
    recent = select(func.count(ReauthCode.id)).where(
        ReauthCode.user_id == user.id, ReauthCode.sent_at > utcnow() - timedelta(hours=1)
    )
    if int(session.scalar(recent) or 0) >= MAX_CODES_PER_HOUR:
        return TOO_MANY_CODES
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
    return None


def verify_code(session: Session, user: User, typed: str) -> str | None:
    """None when ``typed`` is the live code (which is then used up), else the French message."""
    live = _live_codes(session, user)
    code = live[0] if live else None
    now = utcnow()
    if code is None:
        return EXPIRED_CODE
    conditions = (ReauthCode.id == code.id, ReauthCode.used_at.is_(None))
    attempts = session.execute(
        update(ReauthCode)
        .where(*conditions, ReauthCode.attempts < MAX_ATTEMPTS, ReauthCode.expires_at > now)
        .values(attempts=ReauthCode.attempts + 1)
        .returning(ReauthCode.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()  # executed now, committed with the request (a 422 included): the attempt counts whatever follows
    if attempts is None:
        return EXPIRED_CODE
    if not hmac.compare_digest(code.code_hash, _digest(user.id, "".join(typed.split()))):
        return WRONG_CODE if attempts < MAX_ATTEMPTS else EXPIRED_CODE
    # the right code: used up (once), and its attempt given back so ``attempts`` counts wrong codes only
    used = session.execute(
        update(ReauthCode)
        .where(*conditions)
        .values(used_at=now, attempts=ReauthCode.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return None if getattr(used, "rowcount", 0) == 1 else EXPIRED_CODE


def _live_codes(session: Session, user: User) -> list[ReauthCode]:
    query = select(ReauthCode).where(ReauthCode.user_id == user.id, ReauthCode.used_at.is_(None))
    return list(session.scalars(query.order_by(ReauthCode.id.desc())))
