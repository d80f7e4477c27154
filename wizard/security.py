"""HTTP hardening applied to every response, safe redirects, bounded route ids, and log redaction."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from gunicorn.glogging import Logger as GunicornLogger
from werkzeug.routing import IntegerConverter, Map

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    )
)


#: forced on every response, whatever a view set (added at once when absent: most responses carry four headers)
FORCED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_FORCED_NAMES = frozenset(name.lower() for name, _ in FORCED_HEADERS)
HSTS = "max-age=63072000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers iterates over (name, value)
    if "content-security-policy" not in present:  # a view may set a narrower or wider policy of its own
        headers.add("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    for name, value in FORCED_HEADERS:
        if name.lower() in present:
            headers.set(name, value)
        else:
            headers.add(name, value)
    if request.is_secure:
        headers.set("Strict-Transport-Security", HSTS)
    # ``response.mimetype`` parses the header's options on every call; the type is all that matters here
    if (response.content_type or "").startswith("text/html"):
        # pages carry personal data: never keep them in a shared cache or the back-forward cache
        headers.set("Cache-Control", "no-store")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


#: a longer ``next`` is not one of our pages
MAX_REDIRECT_LENGTH = 2000


def is_safe_redirect(target: str | None) -> bool:
    """Only relative paths on this site: ``//evil.example``, ``https://…`` and any control character or
    whitespace (CR/LF would split the ``Location`` header) are refused."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if len(target) > MAX_REDIRECT_LENGTH or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc


#: the largest id a route accepts: PostgreSQL's ``integer`` (SQLite's bound is larger); anything above is no row
MAX_ROUTE_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to what the database can hold: a larger number is a 404 like any unknown id, never
    an ``OverflowError`` (SQLite) or a ``DataError`` (PostgreSQL) deep in a query."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROUTE_INT)
        super().__init__(map, *args, **kwargs)


def register_bounded_int_routes(app: Flask) -> None:
    """Every ``<int:…>`` of every blueprint uses :class:`BoundedIntConverter`; call before blueprints."""
    app.url_map.converters["int"] = BoundedIntConverter


# --- log redaction ------------------------------------------------------------------------------------------------
# Emailed-link tokens never reach a log: they travel in URL paths (``/invitation/<token>``, ``/mot-de-passe/<token>``,
# ``/compte/activer/<token>``), so every log line is rewritten before it is written. Two places write request lines:
# gunicorn's access log (:class:`RedactingGunicornLogger`, named in ``config/gunicorn.conf.py``) and the
# application's own loggers, Werkzeug's development server included (:func:`install_log_redaction`, called by the
# app factory). Query strings are dropped from request lines too.

#: path segments that carry a one-time or personal token; the token is the segment that follows
TOKEN_PATHS = re.compile(r"(/(?:invitation|mot-de-passe|compte/activer)/)[^/?#\s\"']+")
REDACTED = "[jeton masqué]"
#: a request line's query string (``GET /x?token=… HTTP/1.1``)
QUERY = re.compile(r"(\"?(?:GET|POST|HEAD|PUT|PATCH|DELETE|OPTIONS) [^?\s\"]*)\?[^\s\"]*")


def redact(text: str) -> str:
    """``text`` with every emailed-link token, and request-line query strings, masked."""
    return QUERY.sub(r"\1?[masqué]", TOKEN_PATHS.sub(rf"\1{REDACTED}", text))


class RedactingFilter(logging.Filter):
    """Rewrites a record's final message; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()
#: loggers whose records may carry request paths: ours, Werkzeug's request log, gunicorn's error log
LOGGER_NAMES = ("wizard", "werkzeug", "gunicorn.error", "flask_limiter", "")


def install_log_redaction(app: Flask) -> None:
    """Attach the filter to the application's loggers and to every handler of the root logger."""
    loggers = [app.logger, *(logging.getLogger(name) for name in LOGGER_NAMES)]
    for logger in loggers:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


class RedactingGunicornLogger(GunicornLogger):  # type: ignore[misc]
    """Gunicorn's logger with every access-log atom (path, request line, referer, headers) redacted."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        values: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in values.items()}
