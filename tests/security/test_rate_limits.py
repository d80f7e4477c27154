"""Login attempts are limited per address and per account, with a French explanation."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import hidden_fields, text_of


def _attempt(client: FlaskClient, email: str, ip: str) -> Any:
    page = client.get("/connexion", environ_base={"REMOTE_ADDR": ip})
    token = hidden_fields(text_of(page))["csrf_token"]
    return client.post(
        "/connexion", data={"email": email, "password": "faux", "csrf_token": token}, environ_base={"REMOTE_ADDR": ip}
    )


def test_sixth_attempt_from_one_address_is_refused(client: FlaskClient) -> None:
    answers = [_attempt(client, f"inconnu{n}@example.fr", "192.0.2.10").status_code for n in range(6)]
    assert answers == [200] * 5 + [429]
    page = text_of(_attempt(client, "autre@example.fr", "192.0.2.10"))
    assert "Trop de tentatives" in page
    assert "les tentatives sont temporairement limitées" in page


def test_one_account_is_protected_even_from_many_addresses(client: FlaskClient, make_user: Any) -> None:
    make_user("cible@example.fr")
    answers = [_attempt(client, "cible@example.fr", f"198.51.100.{n}").status_code for n in range(6)]
    assert answers[-1] == 429
    assert answers[:5] == [200] * 5
    assert "Adresse e-mail ou mot de passe incorrect." in text_of(_attempt(client, "x@example.fr", "203.0.113.1"))
