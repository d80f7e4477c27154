"""Emailed-link tokens never reach a log: they travel in URL paths (``/invitation/<token>``,
``/mot-de-passe/<token>``, ``/compte/activer/<token>``), so every log line is rewritten before it is written.

Two places write request lines: gunicorn's access log (:class:`RedactingGunicornLogger`, named in
``config/gunicorn.conf.py``) and the application's own loggers, Werkzeug's development server included
(:func:`install_log_redaction`, called by the app factory). Query strings are dropped from request lines too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.glogging import Logger as GunicornLogger

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
