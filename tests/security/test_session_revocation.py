"""Sessions end on the server: logout, password change and reset revoke cookies a browser (or a thief) still
holds; login starts a brand-new session; a malformed ``next`` never breaks the login."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, hidden_fields, login, text_of
from tests.entry.conftest import STRONG_PASSWORD, last_mail, mails, post_form


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    """Another browser presenting a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _opens_dashboard(client: FlaskClient) -> bool:
    return client.get("/mes-demarches").status_code == 200


def test_the_cookie_of_a_logged_out_session_opens_nothing(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("sortie@exemple.fr")
    login(client, "sortie@exemple.fr")
    stolen = _cookie(client)
    assert _opens_dashboard(_with_cookie(app, stolen))
    token = hidden_fields(text_of(client.get("/mes-demarches")))["csrf_token"]
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    replay = _with_cookie(app, stolen).get("/mes-demarches")
    assert replay.status_code == 302 and "/connexion" in replay.headers["Location"]
    login(client, "sortie@exemple.fr")
    assert _opens_dashboard(client), "logging in again works"


def test_a_password_reset_ends_every_other_session(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("vole@exemple.fr")
    thief = app.test_client()
    login(thief, "vole@exemple.fr")
    assert _opens_dashboard(thief)
    post_form(client, "/mot-de-passe-oublie", {"email": "vole@exemple.fr"})
    link = last_mail(app, kind="password_reset").link("/mot-de-passe/")
    post_form(client, link, {"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert not _opens_dashboard(thief)
    assert login(client, "vole@exemple.fr", STRONG_PASSWORD).status_code == 302


def test_login_starts_a_new_session_without_what_was_planted_before(client: FlaskClient, make_user: Any) -> None:
    make_user("fixe@exemple.fr")
    client.get("/connexion")
    with client.session_transaction() as planted:
        planted["planted_by_attacker"] = "oui"
    before = _cookie(client)
    login(client, "fixe@exemple.fr")
    assert _cookie(client) != before
    with client.session_transaction() as current:
        assert "planted_by_attacker" not in current
        assert current.get("_user_id")


def test_next_with_a_line_break_falls_back_to_the_default_page(client: FlaskClient, make_user: Any) -> None:
    make_user("crlf@exemple.fr")
    url = "/connexion?next=%2F%0D%0ALocation%3A%20http%3A%2F%2Fevil.example"
    token = hidden_fields(text_of(client.get(url)))["csrf_token"]
    response = client.post(url, data={"email": "crlf@exemple.fr", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/mes-demarches"
    for bad in ("/%09/evil.example", "/ok%00", "/" + "a" * 3000):
        token = hidden_fields(text_of(client.get("/connexion")))["csrf_token"]
        client.post("/deconnexion", data={"csrf_token": token})
        page = f"/connexion?next={bad}"
        token = hidden_fields(text_of(client.get(page)))["csrf_token"]
        answer = client.post(page, data={"email": "crlf@exemple.fr", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 302 and answer.headers["Location"] == "/mes-demarches", bad


class TestPasswordChange:
    URL = "/mon-compte/mot-de-passe"

    def test_needs_a_login(self, client: FlaskClient) -> None:
        response = client.get(self.URL)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]

    def test_asks_the_current_password_and_the_policy(self, client: FlaskClient, make_user: Any) -> None:
        make_user("change@exemple.fr")
        login(client, "change@exemple.fr")
        page = text_of(client.get(self.URL))
        assert "Mot de passe actuel" in page and "Changer mon mot de passe" in page
        wrong = post_form(client, self.URL, {
            "current_password": "pas-le-bon", "password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD,
        })  # fmt: skip
        assert wrong.status_code == 422
        assert "Ce mot de passe n'est pas votre mot de passe actuel." in text_of(wrong)
        weak = post_form(client, self.URL, {"current_password": PASSWORD, "password": "azerty", "confirm": "azerty"})
        assert weak.status_code == 422 and "au moins 8 caractères" in text_of(weak)
        same = post_form(client, self.URL, {"current_password": PASSWORD, "password": PASSWORD, "confirm": PASSWORD})
        assert same.status_code == 422 and "différent de votre mot de passe actuel" in text_of(same)

    def test_ends_every_other_session_keeps_this_one_and_emails(
        self, app: Flask, client: FlaskClient, make_user: Any
    ) -> None:
        make_user("change2@exemple.fr")
        other_device = app.test_client()
        login(other_device, "change2@exemple.fr")
        login(client, "change2@exemple.fr")
        done = post_form(client, self.URL, {
            "current_password": PASSWORD, "password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD,
        }, follow_redirects=True)  # fmt: skip
        assert "Votre mot de passe a été modifié" in text_of(done)
        assert _opens_dashboard(client), "the session that changed the password stays open"
        assert not _opens_dashboard(other_device)
        mail = last_mail(app, kind="password_changed")
        assert mail.to == "change2@exemple.fr" and "vient d'être modifié" in mail.text
        assert "/mot-de-passe-oublie" in mail.text
        assert len(mails(app, kind="password_changed")) == 1
        assert login(app.test_client(), "change2@exemple.fr", STRONG_PASSWORD).status_code == 302
