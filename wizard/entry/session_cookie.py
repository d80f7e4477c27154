"""The signed session cookie, re-issued only when it changed or is at least a minute old.

Flask re-signs and re-sets a permanent session's cookie on every response (``SESSION_REFRESH_EACH_REQUEST``) so
that its age — the 30-minute inactivity timeout — restarts at each request. Signing it costs ≈ 8 % of a step
request's CPU. Here an unchanged cookie is re-issued only once it is :func:`refresh_after` seconds old (one
minute for a 30-minute session): the timeout still slides, to within that minute, and the layout announces to
the warning script the time really left (:func:`seconds_left`), so the warning still comes in time.
A changed session (login, logout, a new CSRF token, keep-alive) is always re-issued at once.
"""

from __future__ import annotations

import time

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer


class AgedSession(SecureCookieSession):
    """The session, knowing when its cookie was signed (``None``: no valid cookie came with the request)."""

    issued_at: float | None = None


def refresh_after(app: Flask) -> int:
    """The age (seconds) from which an unchanged permanent session's cookie is re-issued."""
    return min(60, int(app.permanent_session_lifetime.total_seconds()) // 30)


def seconds_left(app: Flask, session: SessionMixin) -> int:
    """How long the session lasts without another request, as the cookie sent with this response will say."""
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    issued_at = getattr(session, "issued_at", None)
    if issued_at is None or session.modified:
        return lifetime
    age = max(0, int(time.time() - issued_at))
    return lifetime if age >= refresh_after(app) else lifetime - age


class AgedSessionInterface(SecureCookieSessionInterface):
    session_class = AgedSession

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask builds the serializer anew for every request (≈ 1 % of a step request): one per set of keys."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            self._serializers = {keys: serializer}  # keys rotated: the old serializer is dropped
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> AgedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return AgedSession()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return AgedSession()
        session = AgedSession(data)
        session.issued_at = signed_at.timestamp()
        return session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's, without first reading the cookie's seven settings when the cookie is neither set nor deleted
        (most responses, since the cookie is re-issued at most once a minute)."""
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        issued_at = getattr(session, "issued_at", None)
        return issued_at is None or time.time() - issued_at >= refresh_after(app)
