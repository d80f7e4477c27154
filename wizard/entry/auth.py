"""Login, logout and the current user (Flask-Login); account creation lives in ``wizard.entry.views.accounts``.

Sessions are signed cookies, so the server must be able to end one that a browser (or an attacker who copied
it) still holds: the session carries the user's ``session_epoch`` as it was at login, and the user loader
refuses a session whose epoch is no longer the account's. Raising the epoch
(:func:`wizard.entry.accounts.end_all_sessions`) ends every session of that person at once.
"""

from __future__ import annotations

import secrets

from flask import Flask, session
from flask_login import login_user

from wizard.db import db_session
from wizard.entry.session_cookie import AgedSessionInterface
from wizard.extensions import login_manager
from wizard.models import User

#: the session key holding the account's session epoch at login
EPOCH_KEY = "_epoch"


def init_login(app: Flask) -> None:
    app.session_interface = AgedSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """The session's user, unless the session was ended since (its epoch is no longer the account's)."""
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db_session().get(User, int(user_id))
    if user is None or session.get(EPOCH_KEY) != user.session_epoch:
        return None
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on a brand-new session: nothing set before login survives (no session fixation)."""
    session.clear()
    login_user(user)
    # a permanent session expires after PERMANENT_SESSION_LIFETIME of inactivity, checked by the server on every
    # request (the cookie's signature carries its age), not only when the browser closes
    session.permanent = True
    session[EPOCH_KEY] = user.session_epoch
    session["_sid"] = secrets.token_urlsafe(16)  # a fresh value: the new cookie never equals an earlier one


def keep_current_session(user: User) -> None:
    """After the epoch was raised by this very session (a password change): this session stays open."""
    session[EPOCH_KEY] = user.session_epoch
