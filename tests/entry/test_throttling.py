"""Login throttling (per IP and per account) answers 429 with the French page; so does « mot de passe oublié »."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import hidden_fields, text_of


@pytest.fixture
def app_overrides(app_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**app_overrides, "LOGIN_RATE_LIMIT": "3 per minute"}


def _attempt(client: FlaskClient, email: str, ip: str, url: str = "/connexion") -> Any:
    page = client.get(url, environ_base={"REMOTE_ADDR": ip})
    token = hidden_fields(page.get_data(as_text=True)).get("csrf_token", "")
    data = {"email": email, "password": "Mauvais-Mot-2026", "csrf_token": token}
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": ip})


def test_login_is_throttled_per_ip(client: FlaskClient, make_user: Any) -> None:
    make_user("cible@exemple.fr")
    answers = [_attempt(client, f"essai{i}@exemple.fr", "10.0.0.1") for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    page = text_of(answers[-1])
    assert "Trop de tentatives" in page and "Réessayez dans quelques minutes" in page
    # another address from another IP is not affected
    assert _attempt(client, "cible@exemple.fr", "10.0.0.2").status_code == 200


def test_login_is_throttled_per_account_across_ips(client: FlaskClient, make_user: Any) -> None:
    make_user("cible@exemple.fr")
    codes = [_attempt(client, "Cible@Exemple.fr", f"10.0.1.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_unknown_and_known_emails_get_the_same_login_answer(client: FlaskClient, make_user: Any) -> None:
    make_user("cible@exemple.fr")
    known = text_of(_attempt(client, "cible@exemple.fr", "10.0.2.1"))
    unknown = text_of(_attempt(client, "personne@exemple.fr", "10.0.2.2"))
    assert "Adresse e-mail ou mot de passe incorrect." in known
    assert "Adresse e-mail ou mot de passe incorrect." in unknown


def test_forgot_password_is_throttled(client: FlaskClient) -> None:
    codes = [_attempt(client, "x@exemple.fr", "10.0.3.1", "/mot-de-passe-oublie").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
