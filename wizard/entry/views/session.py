"""Keep-alive for the inactivity timeout: the page's « Rester connecté » button calls it.

A session lasts ``PERMANENT_SESSION_LIFETIME`` after the last request (the signed cookie is re-issued when it
changed or is a minute old: ``wizard.entry.session_cookie``). The warning script (``static/session-timeout.js``)
posts here, with the page's CSRF token, to restart the clock without leaving the page, so nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, jsonify, session
from flask_login import login_required
from werkzeug.wrappers import Response

from wizard.entry.session_cookie import seconds_left

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
    """The layout tells the warning script how long the session lasts from now (the cookie is re-issued at most
    once a minute when nothing else changed: see ``wizard.entry.session_cookie``)."""
    if not has_request_context():  # an e-mail rendered by a worker: no session, no warning script
        return {"session_lifetime_seconds": session_lifetime_seconds()}
    return {"session_lifetime_seconds": seconds_left(current_app, session)}
