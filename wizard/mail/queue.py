"""Emails go through the outbox table, in the caller's transaction.

A page never talks to SMTP: it inserts an :class:`OutboxMessage` in the same transaction as the change that
caused it (so an email is queued if and only if that change is committed), and ``flask outbox run``
workers deliver it, retrying on failure. HR previews never queue anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from wizard.models import Journey, OutboxMessage


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    user_id: int | None = None,
    journey: Journey | None = None,
    dedup_key: str | None = None,
) -> OutboxMessage | None:
    """Render ``templates/emails/<template>.txt`` and ``.html`` and queue them.

    Returns None, queuing nothing, for an HR preview journey.
    """
    if journey is not None and journey.is_preview:
        return None
    values = {"brand": default_catalogue().brand, "subject": subject, **(context or {})}
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        text_body=render_template(f"emails/{template}.txt", **values),
        html_body=render_template(f"emails/{template}.html", **values),
        kind=template,
        user_id=user_id,
        journey_id=journey.id if journey is not None else None,
        dedup_key=dedup_key,
    )
    session.add(message)
    return message
