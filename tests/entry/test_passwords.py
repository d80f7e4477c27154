"""Password policy (CNIL 2022-100), strength meter scale, forgotten password and single-use reset links."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forms.passwords import common_passwords, password_problems, password_strength
from tests.conftest import PASSWORD, hidden_fields, login, text_of
from tests.entry.conftest import STRONG_PASSWORD, last_mail, mails, post_form
from wizard.entry import tokens

RESET_SENT = "Si un compte existe pour cette adresse, un e-mail vient d'être envoyé"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "au moins 8 caractères"),
        ("abcdefghij", "au moins 3 types de caractères ; ajoutez par exemple : une majuscule, un chiffre"),
        ("Azerty123!", "fait partie des plus courants"),
        ("Motdepasse1", "fait partie des plus courants"),
        ("Jean.Dupont-2026", "ne doit pas contenir votre adresse e-mail"),
    ],
)
def test_policy_refusals_are_explained(password: str, reason: str) -> None:
    assert any(reason in problem for problem in password_problems(password, email="jean.dupont@exemple.fr"))


def test_policy_accepts_three_classes_and_grades_strength() -> None:
    assert password_problems("tournesol42!") == []
    assert password_strength("tournesol") == "Faible"
    assert password_strength("tournesol42!") == "Moyenne"
    assert password_strength(STRONG_PASSWORD) == "Forte"
    assert {"azerty", "motdepasse", "123456", "password"} <= common_passwords()
    assert len(common_passwords()) > 5000


def test_forgot_password_answers_the_same_for_unknown_emails(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("connu@exemple.fr")
    known = post_form(client, "/mot-de-passe-oublie", {"email": "connu@exemple.fr"}, follow_redirects=True)
    unknown = post_form(client, "/mot-de-passe-oublie", {"email": "inconnu@exemple.fr"}, follow_redirects=True)
    assert RESET_SENT in text_of(known) and RESET_SENT in text_of(unknown)
    assert known.status_code == unknown.status_code == 200
    assert [m.to for m in mails(app, kind="password_reset")] == ["connu@exemple.fr"]
    invalid = post_form(client, "/mot-de-passe-oublie", {"email": "pas-une-adresse"})
    assert "Indiquez une adresse e-mail valide" in text_of(invalid)


def test_reset_link_works_once(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("oubli@exemple.fr")
    post_form(client, "/mot-de-passe-oublie", {"email": "oubli@exemple.fr"})
    mail = last_mail(app, kind="password_reset")
    assert "valable 60 minutes" in mail.text
    link = mail.link("/mot-de-passe/")
    mismatch = post_form(client, link, {"password": STRONG_PASSWORD, "confirm": "Autre-Chose-99"})
    assert mismatch.status_code == 422 and "Les deux mots de passe ne sont pas identiques." in text_of(mismatch)
    done = post_form(client, link, {"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD}, follow_redirects=True)
    assert "Votre mot de passe a été modifié" in text_of(done)
    again = client.get(link, follow_redirects=True)
    assert "Ce lien de réinitialisation n'est plus valable" in text_of(again)
    assert login(client, "oubli@exemple.fr", PASSWORD).status_code == 200
    assert login(client, "oubli@exemple.fr", STRONG_PASSWORD).status_code == 302


def test_expired_reset_and_activation_links(
    app: Flask, client: FlaskClient, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("lent@exemple.fr")
    post_form(client, "/mot-de-passe-oublie", {"email": "lent@exemple.fr"})
    link = last_mail(app, kind="password_reset").link("/mot-de-passe/")
    monkeypatch.setattr(tokens, "RESET_MAX_AGE", -1)
    assert "n'est plus valable" in text_of(client.get(link, follow_redirects=True))


def test_logout_and_safe_next(client: FlaskClient, make_user: Any) -> None:
    make_user("sortie@exemple.fr")
    page = client.get("/connexion?next=https://evil.example/")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    response = client.post("/connexion?next=https://evil.example/", data={
        "email": "sortie@exemple.fr", "password": PASSWORD, "csrf_token": token,
    })  # fmt: skip
    assert "evil.example" not in response.headers["Location"]
    dashboard = client.get("/mes-demarches")
    token = hidden_fields(dashboard.get_data(as_text=True))["csrf_token"]
    out = client.post("/deconnexion", data={"csrf_token": token}, follow_redirects=True)
    assert "Vous êtes déconnecté(e)" in text_of(out)
    assert client.get("/mes-demarches").status_code == 302
