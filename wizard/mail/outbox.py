"""Delivering the outbox: ``flask outbox run`` workers, retries with backoff, the demo inbox.

Pages only insert :class:`OutboxMessage` rows (``wizard.mail.queue.queue_email``). A worker claims one due row at a
time with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises writers anyway), sends it and
commits, so several workers never send the same message twice and a slow SMTP server never blocks a page.
A failure is recorded (``attempts``, ``last_error``) and retried later with an exponential backoff; after
``MAX_ATTEMPTS`` the message is marked failed for an operator to look at. Bodies are encrypted at rest and
emptied once the message has left by SMTP (:func:`purge_body`).

Without ``SMTP_HOST``, messages are kept: in development (``DEMO_MAILBOX``) they are marked delivered to the
demo inbox (``/boite-de-reception``), otherwise they stay pending until SMTP is configured.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.db import commit_item, db_session, drain_due, poll, retry_delay
from wizard.models import OutboxMessage, OutboxStatus, utcnow

MAX_ATTEMPTS = 8
DEMO_INBOX = "demo_inbox"


class Sender(Protocol):
    @property
    def channel(self) -> str: ...

    def send(self, message: OutboxMessage) -> None: ...


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0
    channel: str = "smtp"

    def send(self, message: OutboxMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(build_email(message, self.sender))


@dataclass(frozen=True)
class DemoInboxSender:
    """Development only: the message stays readable on the demo inbox page."""

    channel: str = DEMO_INBOX

    def send(self, message: OutboxMessage) -> None:
        return None


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def configured_sender(config: dict[str, Any] | Any = None) -> Sender | None:
    """SMTP when configured; the demo inbox in development; None (keep mail pending) otherwise."""
    settings = config if config is not None else current_app.config
    if settings.get("SMTP_HOST"):
        return SmtpSender(
            host=settings["SMTP_HOST"],
            port=int(settings.get("SMTP_PORT") or 25),
            sender=settings["MAIL_SENDER"],
            username=settings.get("SMTP_USERNAME"),
            password=settings.get("SMTP_PASSWORD"),
            starttls=bool(settings.get("SMTP_STARTTLS")),
        )
    if settings.get("DEMO_MAILBOX"):
        return DemoInboxSender()
    return None


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0


def claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """The oldest due message, locked for this worker; other workers skip it (SKIP LOCKED)."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).first()


def deliver_one(session: Session, message: OutboxMessage, sender: Sender, now: datetime) -> bool:
    """Send one claimed message and record the outcome (commits, releasing the row lock)."""
    message.attempts += 1
    try:
        sender.send(message)
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
        commit_item(session)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.delivery = sender.channel
    message.last_error = None
    if sender.channel != DEMO_INBOX:
        purge_body(message)
    commit_item(session)
    return True


#: what a delivered message's bodies become: they carried one-time codes and links, now in the mailbox
PURGED_BODY = ""


def purge_body(message: OutboxMessage) -> None:
    """Forget a delivered message's bodies (codes, reset and activation links); subject, kind, recipient and
    times stay for the follow-up. The demo inbox keeps its bodies: reading them is its whole point."""
    message.text_body = PURGED_BODY
    message.html_body = PURGED_BODY


def drain(session: Session, sender: Sender, *, now: Callable[[], datetime] = utcnow, limit: int = 1000) -> DrainResult:
    """Deliver every message due now (at most ``limit``); a message failing now waits for its next attempt."""

    def deliver(session: Session, message: OutboxMessage, moment: datetime) -> bool:
        return deliver_one(session, message, sender, moment)

    sent, failed = drain_due(session, claim_next, deliver, now=now, limit=limit)
    return DrainResult(sent=sent, failed=failed)


@click.group("outbox", help="Email outbox.")
def cli_group() -> None:
    """Outbox commands."""


@cli_group.command("run", help="Deliver queued emails (SMTP, or the demo inbox in development).")
@click.option("--once", is_flag=True, help="Drain what is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between two polls.")
@with_appcontext
def run_command(once: bool, interval: float) -> None:
    sender = configured_sender()
    if sender is None:
        click.echo("Aucun serveur SMTP configuré (SMTP_HOST) : les e-mails restent en attente.")
        return

    def work() -> str | None:
        result = drain(db_session(), sender)
        if result.sent or result.failed:
            return f"E-mails envoyés : {result.sent} ; en échec (nouvel essai prévu) : {result.failed}."
        return None

    poll(work, once=once, interval=interval, report=click.echo)
