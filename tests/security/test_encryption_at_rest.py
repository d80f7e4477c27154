"""Email bodies are encrypted at rest and emptied once delivered by SMTP; legacy clear rows are still read; a
field-encryption key rotation reads old values with the old key and ``flask security reencrypt`` rewrites them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.entry.conftest import post_form
from tests.entry.smtp_server import smtp_server
from wizard import create_app
from wizard.crypto import ENCRYPTED_TEXT_MARK, DecryptionError, generate_key
from wizard.db import db_engine, db_session
from wizard.models import OutboxMessage, OutboxStatus


def _raw_bodies(app: Flask) -> list[tuple[str, str]]:
    """What a dump of the outbox shows."""
    with db_engine(app).connect() as connection:
        return [(str(t), str(h)) for t, h in connection.execute(text("SELECT text_body, html_body FROM outbox"))]


def _rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db_session().expunge(row)
        return rows


def _ask_reset(app: Flask, make_user: Any) -> None:
    make_user("secret@example.fr")
    post_form(app.test_client(), "/mot-de-passe-oublie", {"email": "secret@example.fr"})


def test_bodies_are_encrypted_then_emptied_once_sent_by_smtp(app: Flask, make_user: Any) -> None:
    _ask_reset(app, make_user)
    ((text_body, html_body),) = _raw_bodies(app)
    assert text_body.startswith(ENCRYPTED_TEXT_MARK) and html_body.startswith(ENCRYPTED_TEXT_MARK)
    assert "/mot-de-passe/" not in text_body + html_body and "Bonjour" not in text_body
    (row,) = _rows(app)
    assert "/mot-de-passe/" in row.text_body, "the application reads the body in clear"
    with smtp_server() as (port, received):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
        assert result.exit_code == 0, result.output
    (email,) = received
    body = email.get_body(("plain",))
    assert body is not None and "/mot-de-passe/" in body.get_content()
    (row,) = _rows(app)
    assert row.status == OutboxStatus.SENT and row.text_body == "" and row.html_body == ""
    assert row.subject == "Réinitialisation de votre mot de passe" and row.kind == "password_reset"
    assert _raw_bodies(app) != [(text_body, html_body)]
    assert all("/mot-de-passe/" not in t + h for t, h in _raw_bodies(app))


def test_the_demo_inbox_keeps_its_bodies(app: Flask, make_user: Any) -> None:
    _ask_reset(app, make_user)
    assert app.test_cli_runner().invoke(args=["outbox", "run", "--once"]).exit_code == 0
    (row,) = _rows(app)
    assert row.delivery == "demo_inbox" and "/mot-de-passe/" in row.text_body


def test_a_body_written_in_clear_before_the_upgrade_is_still_read(app: Flask, make_user: Any) -> None:
    _ask_reset(app, make_user)
    with db_engine(app).begin() as connection:
        connection.execute(text("UPDATE outbox SET text_body = 'Bonjour, ancien message en clair'"))
    (row,) = _rows(app)
    assert row.text_body == "Bonjour, ancien message en clair"


def test_key_rotation_reads_with_the_old_key_then_reencrypts(
    app: Flask, make_user: Any, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ask_reset(app, make_user)  # written with the testing key
    old_key = str(app.config["FIELD_ENCRYPTION_KEY"])
    new_key = generate_key()
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path / "rotated"))

    built: list[Flask] = []

    def with_keys(**keys: str) -> Flask:
        built.append(create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, **keys}))
        return built[-1]

    rotating = with_keys(FIELD_ENCRYPTION_KEY=new_key, FIELD_ENCRYPTION_OLD_KEYS=f" {old_key} ,")
    assert "/mot-de-passe/" in _rows(rotating)[0].text_body
    with rotating.app_context():
        result = rotating.test_cli_runner().invoke(args=["security", "reencrypt"])
    assert result.exit_code == 0 and "outbox : 1 ligne(s)" in result.output, result.output
    rotated = with_keys(FIELD_ENCRYPTION_KEY=new_key)
    assert "/mot-de-passe/" in _rows(rotated)[0].text_body
    with_keys(FIELD_ENCRYPTION_KEY=old_key)
    with pytest.raises(DecryptionError):
        _rows(app)
    with_keys(FIELD_ENCRYPTION_KEY=old_key, FIELD_ENCRYPTION_OLD_KEYS=new_key)  # leave the process as found
    for other in built:
        db_engine(other).dispose()
