"""Re-authentication guards the designation: password or emailed code, valid REAUTH_MINUTES, then asked again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import hidden_fields, login, text_of
from tests.designation.helpers import (
    BENEFICIARIES,
    REAUTH_CODE,
    reauth_with_code,
    reauth_with_password,
    start_designation,
)
from tests.dispense.helpers import outbox
from wizard.db import db_session
from wizard.models import ReauthCode, utcnow

EMAIL = "camille.martin@example.fr"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # the login rate limit also guards these forms; raised here so the attempt counter itself is tested
    return {"REAUTH_MINUTES": 2, "LOGIN_RATE_LIMIT": "100 per minute"}


def _age_reauth(client: FlaskClient, minutes: float) -> None:
    """Pretend the re-authentication happened ``minutes`` ago."""
    with client.session_transaction() as session:
        session["reauth"] = {**session["reauth"], "at": (utcnow() - timedelta(minutes=minutes)).isoformat()}


@pytest.fixture
def member(client: FlaskClient, make_user: Any) -> Any:
    user = make_user(EMAIL)
    login(client, EMAIL)
    return user


def test_the_designation_asks_for_the_password_again(client: FlaskClient, member: Any) -> None:
    challenge = client.get(BENEFICIARIES)
    assert challenge.status_code == 302
    page = text_of(client.get(challenge.headers["Location"]))
    assert "Confirmez votre identité" in page and "Pour des raisons de confidentialité" in page
    wrong = reauth_with_password(client, password="pas-le-bon")
    assert wrong.status_code == 200 and "Mot de passe incorrect." in text_of(wrong)
    assert client.get(BENEFICIARIES).status_code == 302
    assert reauth_with_password(client).headers["Location"] == BENEFICIARIES
    assert "Choix par défaut : Désignation standard" in text_of(client.get(BENEFICIARIES))


def test_expiry_asks_again_after_reauth_minutes(client: FlaskClient, member: Any) -> None:
    reauth_with_password(client)
    _age_reauth(client, 1.5)
    assert client.get(BENEFICIARIES).status_code == 200  # still within the 2 configured minutes
    _age_reauth(client, 2.5)
    expired = client.get(BENEFICIARIES)
    assert expired.status_code == 302 and expired.headers["Location"].startswith("/mon-contrat/identification")
    assert reauth_with_password(client).headers["Location"] == BENEFICIARIES
    assert client.get(BENEFICIARIES).status_code == 200


def test_the_reauthentication_belongs_to_the_user_of_the_session(client: FlaskClient, member: Any) -> None:
    reauth_with_password(client)
    with client.session_transaction() as session:
        session["reauth"] = {**session["reauth"], "user_id": member.id + 1}
    assert client.get(BENEFICIARIES).status_code == 302


def test_emailed_code_reauthenticates(client: FlaskClient, app: Flask, member: Any) -> None:
    response = reauth_with_code(client, app)
    assert response.status_code == 302 and response.headers["Location"] == BENEFICIARIES
    (email,) = outbox(app, "reauth_code")
    assert email.to_address == EMAIL and "valable 10 minutes" in email.text_body
    assert client.get(BENEFICIARIES).status_code == 200


def test_wrong_expired_and_reused_codes_are_refused(client: FlaskClient, app: Flask, member: Any) -> None:
    reauth_with_code(client, app)  # a used code cannot serve twice
    with client.session_transaction() as session:
        del session["reauth"]
    url = f"/mon-contrat/identification/code?next={BENEFICIARIES}"
    token = hidden_fields(text_of(client.get(url)))["csrf_token"]
    reused = client.post(url, data={"csrf_token": token, "code": "000000"})
    assert "Ce code n'est plus valable (expiré ou trop d'essais) : demandez un nouveau code." in text_of(reused)

    client.post(f"/mon-contrat/identification/envoyer-un-code?next={BENEFICIARIES}", data={"csrf_token": token})
    answers = [text_of(client.post(url, data={"csrf_token": token, "code": "abcdef"})) for _ in range(5)]
    assert "Ce code est incorrect. Vérifiez le dernier courriel reçu." in answers[0]
    assert "Ce code n'est plus valable" in answers[4]
    assert client.get(BENEFICIARIES).status_code == 302

    client.post(f"/mon-contrat/identification/envoyer-un-code?next={BENEFICIARIES}", data={"csrf_token": token})
    with app.app_context():
        db_session().execute(update(ReauthCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db_session().commit()
    code = REAUTH_CODE.findall(outbox(app, "reauth_code")[-1].text_body)[0]
    expired = client.post(url, data={"csrf_token": token, "code": code})
    assert "Ce code n'est plus valable" in text_of(expired)


def test_designation_journey_pages_need_a_fresh_reauthentication(client: FlaskClient, member: Any) -> None:
    reauth_with_password(client)
    base = start_designation(client)
    fields = hidden_fields(text_of(client.get(f"{base}/choice")))
    _age_reauth(client, 3)
    assert client.get(f"{base}/choice").status_code == 302
    assert client.get(f"{base}/documents/designation.pdf").status_code == 302
    # a submission is never lost: the POST is saved, only the next page asks for the password
    answers = {"mode": "standard", "birth_date": "1980-05-05", "place": "Lyon", "action": "next"}
    saved = client.post(f"{base}/choice", data={**fields, **answers})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/review")
    challenge = client.get(f"{base}/review")
    assert challenge.status_code == 302 and "/mon-contrat/identification" in challenge.headers["Location"]
    back = reauth_with_password(client, next_url=f"{base}/review")
    assert back.headers["Location"] == f"{base}/review"
    assert "Je relis ma clause bénéficiaire" in text_of(client.get(f"{base}/review"))


def test_other_members_and_open_redirects_are_refused(client: FlaskClient, member: Any, make_user: Any) -> None:
    response = reauth_with_password(client, next_url="https://evil.example/")
    assert response.headers["Location"] == BENEFICIARIES
    assert client.get(f"{BENEFICIARIES}/version-1.pdf").status_code == 404
