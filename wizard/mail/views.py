"""« Boîte de réception de démonstration »: read the emails the application sent, without a mail server.

Only when ``DEMO_MAILBOX`` is on (development, tests); a 404 otherwise, and ``validate_settings`` refuses to
start production with it. No login: a demo visitor reads the invitation before having an account.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template
from sqlalchemy import select

from wizard.db import db_session
from wizard.models import OutboxMessage

bp = Blueprint("mailbox", __name__, url_prefix="/boite-de-reception")

LINK = re.compile(r"https?://[^\s<>\"']+")
#: the HTML body is shown as sent: inline styles allowed, nothing else (no script, no remote content)
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"


@bp.before_request
def demo_only() -> None:
    if not current_app.config.get("DEMO_MAILBOX"):
        abort(404)


@bp.get("")
def inbox() -> str:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(200)
    return render_template("entry/mailbox.html", messages=list(db_session().scalars(query)))


def _message(message_id: int) -> OutboxMessage:
    message = db_session().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/<int:message_id>")
def message(message_id: int) -> str:
    found = _message(message_id)
    return render_template("entry/mailbox_message.html", message=found, links=LINK.findall(found.text_body))


@bp.get("/<int:message_id>/html")
def html_body(message_id: int) -> Response:
    response = Response(_message(message_id).html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_CSP
    return response
