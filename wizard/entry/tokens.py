"""Signed links sent by email: the invitation, the account activation and the password reset.

Each kind has its own salt, so a token of one kind is never accepted as another. Tokens are signed with
``SECRET_KEY`` (itsdangerous) and carry ids, never personal data in clear. What makes each one safe:

- invitation: personal (names one invitation) and expires with the campaign deadline; it only ever leads to
  the invited person's own account (``wizard.entry.accounts.entry_case``), never logs anybody in by itself;
- activation: valid 24 h, names the user *and* the address being confirmed (a later change voids it);
- reset: valid 1 h and single use, because it carries a fingerprint of the current password hash, which
  changes as soon as the password is reset.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from wizard.models import Invitation, User

INVITATION_SALT = "wizard.invitation-link"
ACTIVATION_SALT = "wizard.account-activation"
RESET_SALT = "wizard.password-reset"
ACTIVATION_MAX_AGE = 24 * 3600
RESET_MAX_AGE = 3600


class LinkInvalid(Exception):
    """Tampered, truncated, of another kind, already used, or naming nothing that still exists."""


class LinkExpired(LinkInvalid):
    """Authentic but too old (or its campaign is closed)."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int | None = None) -> dict[str, Any]:
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as expired:
        raise LinkExpired from expired
    except BadSignature as bad:
        raise LinkInvalid from bad
    if not isinstance(payload, dict):
        raise LinkInvalid
    return payload


def _id(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    if not isinstance(value, int):
        raise LinkInvalid
    return value


# --- invitation -------------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return _serializer(INVITATION_SALT).dumps({"i": invitation.id, "c": invitation.campaign_id})


def load_invitation(session: Session, token: str, *, today: date | None = None) -> Invitation:
    """The invitation a link names; :class:`LinkExpired` once its campaign's deadline has passed."""
    payload = _load(INVITATION_SALT, token)
    invitation = session.get(Invitation, _id(payload, "i"))
    if invitation is None or invitation.campaign_id != payload.get("c"):
        raise LinkInvalid
    if (today or date.today()) > invitation.campaign.deadline:
        raise LinkExpired
    return invitation


# --- activation -----------------------------------------------------------------------------------------


def activation_token(user: User) -> str:
    return _serializer(ACTIVATION_SALT).dumps({"u": user.id, "e": _fingerprint(user.email.lower())})


def load_activation(session: Session, token: str) -> User:
    payload = _load(ACTIVATION_SALT, token, max_age=ACTIVATION_MAX_AGE)
    user = session.get(User, _id(payload, "u"))
    if user is None or payload.get("e") != _fingerprint(user.email.lower()):
        raise LinkInvalid
    return user


# --- password reset -------------------------------------------------------------------------------------


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "h": _fingerprint(user.password_hash or "")})


def load_reset(session: Session, token: str) -> User:
    payload = _load(RESET_SALT, token, max_age=RESET_MAX_AGE)
    user = session.get(User, _id(payload, "u"))
    if user is None or payload.get("h") != _fingerprint(user.password_hash or ""):
        raise LinkInvalid
    return user


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


# --- absolute links for emails --------------------------------------------------------------------------


def public_url(endpoint: str, *, base: str | None = None, **values: Any) -> str:
    """An absolute URL on ``PUBLIC_BASE_URL`` (never the request's Host header), usable from the CLI too."""
    parts = urlsplit(base or current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
