"""The reminders command announces a covered child's age limit N days before, with the removal date and the
way to keep cover; a child declared as studying is announced at 25 instead."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import hidden_fields, login, submit, text_of
from tests.dispense.helpers import outbox, sign_locally
from tests.family_change.helpers import EMAIL, pdf_bytes, signed_contract, start_change, words
from wizard.db import db_session
from wizard.entry.reminders import run_reminders
from wizard.subscription.service import paris_today


def _run(app: Flask, when: datetime) -> int:
    with app.app_context():
        return run_reminders(db_session(), app.config, now=when).features["age_limit"]


def test_a_child_turning_21_is_announced_once_with_the_removal_date(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    signed_contract(app, make_user(EMAIL))
    assert _run(app, datetime(2036, 6, 1, tzinfo=UTC)) == 0  # Carla turns 21 on 1 Sept 2036: too early (60 days)
    assert _run(app, datetime(2036, 8, 1, tzinfo=UTC)) == 1
    assert _run(app, datetime(2036, 8, 2, tzinfo=UTC)) == 0  # never twice
    (email,) = outbox(app, "child_age_limit")
    body = " ".join(email.text_body.split())
    assert email.to_address == EMAIL and email.subject == "Carla aura bientôt 21 ans : sa couverture santé"
    assert "Carla aura 21 ans le 1er septembre 2036" in body
    assert "retiré(e) de votre contrat à compter du 1er octobre 2036" in body
    assert "Mon enfant de 21 ans ou plus poursuit ses études" in body and "certificat de scolarité" in body
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert result.exit_code == 0 and "limites d'âge annoncées : 0" in result.output


def test_a_child_declared_as_studying_is_kept_until_25(client: FlaskClient, app: Flask, make_user: Any) -> None:
    signed_contract(app, make_user(EMAIL))
    login(client, EMAIL)
    base = start_change(client)
    started = (paris_today() - timedelta(days=2)).isoformat()
    event = {"event": "child_studies", "person": "child-1", "event_date": started, "place": "Lyon"}
    assert submit(client, f"{base}/event", event).headers["Location"].endswith("/proofs")
    assert "Certificat de scolarité" in text_of(client.get(f"{base}/proofs"))
    fields = hidden_fields(text_of(client.get(f"{base}/proofs")))
    client.post(
        f"{base}/proofs", content_type="multipart/form-data",
        data={**fields, "action": "next", "files-schooling_certificate": [(io.BytesIO(pdf_bytes()), "certif.pdf")]},
    )  # fmt: skip
    review = words(client.get(f"{base}/review"))
    assert "Maintien : Carla DUPRÉ" in review and "passe de 46,00 € à 46,00 €" in review
    submit(client, f"{base}/review", {})
    assert sign_locally(client, app, f"{base}/signature").headers["Location"].endswith("/done")

    assert _run(app, datetime(2036, 8, 1, tzinfo=UTC)) == 0
    assert _run(app, datetime(2040, 8, 1, tzinfo=UTC)) == 2  # Carla at 25 and, by chance, Léo at 21 (9 Sept)
    carla, leo = (" ".join(m.text_body.split()) for m in outbox(app, "child_age_limit"))
    assert "Léo aura 21 ans le 9 septembre 2040" in leo and "poursuit ses études" in leo
    body = carla
    assert "Carla aura 25 ans le 1er septembre 2040" in body and "1er octobre 2040" in body
    assert "poursuit ses études" not in body
