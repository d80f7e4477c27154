"""HTTP hardening applied to every response, and safe redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
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


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if response.mimetype == "text/html":
        # pages carry personal data: never keep them in a shared cache or the back-forward cache
        response.headers["Cache-Control"] = "no-store"
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
