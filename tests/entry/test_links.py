"""The emailed links: tampered, expired, of another kind, or followed by somebody else."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, text_of
from tests.entry.conftest import invite, last_mail, make_campaign
from wizard.db import db_session
from wizard.entry import tokens
from wizard.models import User


def test_tampered_link_gets_a_french_page_without_details(app: Flask, client: FlaskClient, campaign_id: int) -> None:
    invite(app, campaign_id, "agent@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    for bad in (link[:-3] + "xyz", "/invitation/nimportequoi", link.replace("/invitation/", "/invitation/a")):
        response = client.get(bad)
        page = text_of(response)
        assert response.status_code == 400
        assert "Ce lien n'est pas valide" in page and "demandez à votre service RH de vous renvoyer" in page
        assert "Traceback" not in page and "agent@education.example" not in page
    # the other routes of the link check it the same way
    assert client.get("/invitation/nimportequoi/acces").status_code == 400
    assert client.get("/invitation/nimportequoi/identifiant").status_code == 400


def test_expired_link_says_what_happens_next(app: Flask, client: FlaskClient) -> None:
    closed = make_campaign(app, deadline=date.today() - timedelta(days=1), name="Campagne close")
    invite(app, closed, "retard@education.example")
    response = client.get(last_mail(app, kind="invitation").link("/invitation/"))
    assert response.status_code == 410
    page = text_of(response)
    assert "Ce lien a expiré" in page and "affilié(e) automatiquement sur la couverture de base" in page


def test_a_token_of_another_kind_is_refused(app: Flask, client: FlaskClient, make_user: Any) -> None:
    user = make_user("x@exemple.fr")
    with app.app_context():
        activation = tokens.activation_token(db_session().get(User, user.id))  # type: ignore[arg-type]
    assert client.get(f"/invitation/{activation}").status_code == 400
    assert client.get(f"/mot-de-passe/{activation}").headers["Location"].endswith("/mot-de-passe-oublie")


def test_another_logged_in_user_cannot_use_the_link(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    make_user("autre@exemple.fr")
    invite(app, campaign_id, "destinataire@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    login(client, "autre@exemple.fr")
    for path in (link, f"{link}/acces", f"{link}/parcours"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Ce lien ne correspond pas à votre compte" in text_of(response)
    # and the creation form is no way around it
    assert client.get(f"{link}/identifiant").headers["Location"].endswith("/acces")
    with app.app_context():
        assert db_session().query(User).filter_by(email="destinataire@education.example").count() == 0


def test_replayed_link_after_account_creation_leads_to_login_not_to_the_account(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    user = make_user("deja.inscrit@education.example")
    invite(app, campaign_id, "deja.inscrit@education.example", user_id=user.id)
    link = last_mail(app, kind="invitation").link("/invitation/")
    anonymous = app.test_client()
    response = anonymous.get(f"{link}/parcours")
    assert "/connexion" in response.headers["Location"]
    assert "/connexion" in anonymous.get(f"{link}/acces").headers["Location"]
