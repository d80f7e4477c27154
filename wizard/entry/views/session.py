"""Keep-alive for the inactivity timeout: the page's « Rester connecté » button calls it.

A session lasts ``PERMANENT_SESSION_LIFETIME`` after the last request (the signed cookie is re-issued on each
one). The warning script (``static/session-timeout.js``) posts here, with the page's CSRF token, to restart
the clock without leaving the page, so nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, session
from flask_login import login_required
from werkzeug.wrappers import Response

bp = Blueprint("session", __name__)


def session_lifetime_seconds() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds())


@bp.post("/session/prolonger")
@login_required
def keep_alive() -> Response:
    session.permanent = True
    session.modified = True  # re-issue the cookie even if nothing else changed: its age restarts now
    response = jsonify(expires_in=session_lifetime_seconds())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def session_settings() -> dict[str, int]:
    """The layout tells the warning script how long the session lasts."""
    return {"session_lifetime_seconds": session_lifetime_seconds()}
