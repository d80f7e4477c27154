"""The outbox worker: real delivery over SMTP, retry with backoff, the demo inbox, ``flask outbox run``."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import text_of
from tests.entry.conftest import invite, make_campaign
from tests.entry.smtp_server import closed_port, smtp_server
from wizard.db import SESSIONMAKER_KEY, db_session
from wizard.mail import outbox
from wizard.models import OutboxMessage, OutboxStatus, utcnow


def _messages(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db_session().expunge(row)
        return rows


def _run_once(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_worker_delivers_html_and_text_over_smtp(app: Flask) -> None:
    invite(app, make_campaign(app), "agent@education.example", first="Sacha")
    with smtp_server() as (port, received):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        output = _run_once(app)
    assert "E-mails envoyés : 1" in output
    (email,) = received
    assert email["To"] == "agent@education.example"
    assert "finalisez votre adhésion" in email["Subject"]
    assert "Mutuelle Horizon Publique" in email["From"]
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and "Bonjour Sacha Durand" in text.get_content()
    assert html is not None and "Je finalise mon adhésion</a>" in html.get_content()
    (row,) = _messages(app)
    assert row.status == OutboxStatus.SENT and row.delivery == "smtp" and row.attempts == 1
    # a second run sends nothing again
    with smtp_server() as (port, received_again):
        app.config.update(SMTP_PORT=port)
        _run_once(app)
    assert received_again == []


def test_failure_is_retried_later_with_backoff_then_delivered(app: Flask) -> None:
    invite(app, make_campaign(app), "agent@education.example")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())
    before = utcnow()
    output = _run_once(app)
    assert "en échec (nouvel essai prévu) : 1" in output
    (row,) = _messages(app)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error and "Connection" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=59)
    _run_once(app)  # not due yet: no second attempt
    assert _messages(app)[0].attempts == 1

    with app.app_context():
        message = db_session().get(OutboxMessage, row.id)
        assert message is not None
        message.next_attempt_at = utcnow()
        db_session().commit()
    with smtp_server() as (port, received):
        app.config.update(SMTP_PORT=port)
        _run_once(app)
    assert len(received) == 1
    (row,) = _messages(app)
    assert row.status == OutboxStatus.SENT and row.attempts == 2 and row.last_error is None


def test_backoff_grows_and_gives_up(app: Flask) -> None:
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert outbox.retry_delay(30) == timedelta(hours=6)
    invite(app, make_campaign(app), "agent@education.example")
    sender = outbox.SmtpSender(host="127.0.0.1", port=closed_port(), sender="a@b.example", timeout=2)
    with app.app_context():
        session = db_session()
        for _ in range(outbox.MAX_ATTEMPTS):
            session.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow()))
            session.commit()
            outbox.drain(session, sender)
    (row,) = _messages(app)
    assert row.status == OutboxStatus.FAILED and row.attempts == outbox.MAX_ATTEMPTS


def test_demo_mode_marks_messages_delivered_to_the_demo_inbox(app: Flask, client: FlaskClient) -> None:
    invite(app, make_campaign(app), "agent@education.example")
    _run_once(app)
    (row,) = _messages(app)
    assert row.status == OutboxStatus.SENT and row.delivery == "demo_inbox"
    inbox = text_of(client.get("/boite-de-reception"))
    assert "Boîte de réception de démonstration" in inbox and "agent@education.example" in inbox
    assert "Remis (boîte de démonstration)" in inbox
    message = text_of(client.get(f"/boite-de-reception/{row.id}"))
    assert "Liens de ce message" in message and "/invitation/" in message
    html = client.get(f"/boite-de-reception/{row.id}/html")
    assert "Je finalise mon adhésion" in text_of(html)
    assert "script-src" not in html.headers["Content-Security-Policy"]


class TestWithoutDemoMailbox:
    """As in production: no SMTP configured and no demo mailbox."""

    @pytest.fixture
    def app_overrides(self, app_overrides: dict[str, Any]) -> dict[str, Any]:
        return {**app_overrides, "DEMO_MAILBOX": False}

    def test_mail_waits_and_the_inbox_does_not_exist(self, app: Flask, client: FlaskClient) -> None:
        invite(app, make_campaign(app), "agent@education.example")
        assert "les e-mails restent en attente" in _run_once(app)
        assert _messages(app)[0].status == OutboxStatus.PENDING
        assert client.get("/boite-de-reception").status_code == 404
        assert client.get("/boite-de-reception/1").status_code == 404


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("WIZARD_TEST_DATABASE_URL"), reason="row locks need PostgreSQL")
def test_two_workers_never_claim_the_same_message(app: Flask) -> None:
    campaign = make_campaign(app)
    invite(app, campaign, "un@education.example")
    invite(app, campaign, "deux@education.example")
    with app.app_context():
        maker = app.extensions[SESSIONMAKER_KEY]
        first, second = maker(), maker()
        try:
            claimed = outbox.claim_next(first, utcnow())
            other = outbox.claim_next(second, utcnow())
            assert claimed is not None and other is not None
            assert claimed.id != other.id  # the first worker's row is skipped, not waited for
        finally:
            first.rollback()
            second.rollback()
            first.close()
            second.close()
