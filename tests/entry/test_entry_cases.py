"""The three entry cases of JOURNEYS.md §0, end to end: the email is read from the outbox and its link followed."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, hidden_fields, login, text_of
from tests.entry.conftest import STRONG_PASSWORD, invitation_row, invite, last_mail, mails, post_form
from wizard.db import db_session
from wizard.models import Journey, Role, User


def _journeys(app: Flask, email: str) -> list[Journey]:
    with app.app_context():
        user = db_session().query(User).filter_by(email=email).one()
        return list(db_session().query(Journey).filter_by(owner_id=user.id).all())


def test_new_agent_creates_identifier_and_lands_on_prefilled_journey(
    app: Flask, client: FlaskClient, campaign_id: int
) -> None:
    invitation_id = invite(app, campaign_id, "nouvel.agent@education.example", first="Dominique")
    mail = last_mail(app, kind="invitation")
    assert mail.to == "nouvel.agent@education.example"
    for expected in ("Je crée mon identifiant sécurisé", "J'ajoute mes bénéficiaires conjoint(e) et/ou enfants",
                     "Je signe mes documents en ligne", "Je finalise mon adhésion"):  # fmt: skip
        assert expected in mail.text, expected
    assert "Je finalise mon adhésion" in mail.html and "Mutuelle Horizon Publique" in mail.html

    landing = client.get(mail.link("/invitation/"))
    page = text_of(landing)
    assert landing.status_code == 200
    for expected in ("Bienvenue Dominique", "Les démarches pour m'affilier", "Les principales étapes du parcours",
                     "J'accède au parcours d'affiliation"):  # fmt: skip
        assert expected in page, expected
    assert invitation_row(app, invitation_id).opened_at is not None

    access = client.get(mail.link("/invitation/") + "/acces")
    assert access.headers["Location"].endswith("/identifiant")
    form_url = access.headers["Location"]
    form = text_of(client.get(form_url))
    assert "Créer votre identifiant" in form and 'value="nouvel.agent@education.example"' in form
    assert "password-meter.js" in form and "Robustesse du mot de passe" in form

    weak = post_form(client, form_url, {"email": "nouvel.agent@education.example", "password": "azerty123",
                                        "confirm": "azerty123"})  # fmt: skip
    assert weak.status_code == 422
    assert "Votre mot de passe doit mélanger au moins 3 types de caractères" in text_of(weak)
    assert "Il y a 1 erreur à corriger" in text_of(weak)

    created = post_form(client, form_url, {"email": "nouvel.agent@education.example", "password": STRONG_PASSWORD,
                                           "confirm": STRONG_PASSWORD})  # fmt: skip
    page = text_of(created)
    assert "Votre compte a bien été créé" in page and "Accéder à mon compte" in page
    invitation = invitation_row(app, invitation_id)
    assert invitation.user_id is not None and invitation.account_created_at is not None

    (journey,) = _journeys(app, "nouvel.agent@education.example")
    assert journey.flow_id == "affiliation" and journey.campaign_id == campaign_id
    regime_page = text_of(client.get(f"/j/{journey.public_id}/regime"))
    assert 'checked id="regime-1" name="regime" required type="radio" value="msa"' in regime_page  # HR's data

    # following the emailed link again resumes the same draft (one per agent and journey)
    again = client.get(mail.link("/invitation/") + "/acces", follow_redirects=False)
    resumed = client.get(again.headers["Location"])
    assert resumed.headers["Location"].endswith(f"/j/{journey.public_id}")
    assert len(_journeys(app, "nouvel.agent@education.example")) == 1


def test_other_email_needs_activation_within_24h(app: Flask, client: FlaskClient, campaign_id: int) -> None:
    invite(app, campaign_id, "pro@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    form_url = f"{link}/identifiant"
    response = post_form(client, form_url, {"email": "Perso@Exemple.fr", "password": STRONG_PASSWORD,
                                            "confirm": STRONG_PASSWORD})  # fmt: skip
    page = text_of(response)
    assert "Un e-mail vient d'être envoyé à perso@exemple.fr" in page
    assert "Le lien reste actif 24 heures" in page

    refused = login(client, "perso@exemple.fr", STRONG_PASSWORD)
    assert "Adresse e-mail ou mot de passe incorrect." in text_of(refused)

    activation = last_mail(app, kind="account_activation", to="perso@exemple.fr")
    assert "Le lien reste actif 24 heures" in activation.text
    activated = client.get(activation.link("/compte/activer/"))
    assert "Votre compte sécurisé est désormais activé" in text_of(activated)
    assert "Se connecter" in text_of(activated)

    # « Se connecter » leads to the login page, whose next= is the invitation's journey
    login_url = re.search(r'href="(/connexion\?next=/invitation/[^"]+/parcours)"', text_of(activated))
    assert login_url is not None
    page = client.get(login_url.group(1))
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    logged = client.post(login_url.group(1), data={
        "email": "perso@exemple.fr", "password": STRONG_PASSWORD, "csrf_token": token,
    })  # fmt: skip
    target = client.get(logged.headers["Location"])
    assert "/j/" in target.headers["Location"]


def test_member_with_active_account_is_sent_to_login(app: Flask, client: FlaskClient, make_user: Any,
                                                     campaign_id: int) -> None:  # fmt: skip
    make_user("camille@education.example")
    invite(app, campaign_id, "camille@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")

    access = client.get(f"{link}/acces")
    assert "/connexion?next=" in access.headers["Location"]
    login_page = text_of(client.get(access.headers["Location"]))
    assert "Vous avez déjà un espace personnel : connectez-vous" in login_page

    # the creation form is not a way around the password
    assert "/acces" in client.get(f"{link}/identifiant").headers["Location"]

    page = client.get(access.headers["Location"])
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    logged = client.post(access.headers["Location"], data={
        "email": "camille@education.example", "password": PASSWORD, "csrf_token": token,
    })  # fmt: skip
    assert logged.headers["Location"].endswith(f"{link}/parcours")
    journey_redirect = client.get(logged.headers["Location"])
    assert "/j/" in journey_redirect.headers["Location"]


def test_member_without_active_account_activates_it(app: Flask, client: FlaskClient, campaign_id: int) -> None:
    with app.app_context():
        member = User(email="inactif@education.example", role=Role.MEMBER, first_name="Léa", last_name="Petit",
                      member_number="M123", activated=False)  # fmt: skip
        db_session().add(member)
        db_session().commit()
    invite(app, campaign_id, "inactif@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    form_url = client.get(f"{link}/acces").headers["Location"]
    assert "Activer mon compte" in text_of(client.get(form_url))
    done = post_form(client, form_url, {"email": "inactif@education.example", "password": STRONG_PASSWORD,
                                        "confirm": STRONG_PASSWORD})  # fmt: skip
    assert "Votre compte a bien été créé" in text_of(done)
    with app.app_context():
        users = db_session().query(User).filter_by(email="inactif@education.example").all()
        assert len(users) == 1 and users[0].activated and users[0].member_number == "M123"


def test_choosing_an_address_of_another_account_takes_nothing_over(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    make_user("deja@exemple.fr")
    invite(app, campaign_id, "intrus@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    response = post_form(client, f"{link}/identifiant", {"email": "deja@exemple.fr", "password": STRONG_PASSWORD,
                                                          "confirm": STRONG_PASSWORD})  # fmt: skip
    # the same answer as for a free address: nothing tells the visitor that this address has an account
    assert "Un e-mail vient d'être envoyé à deja@exemple.fr" in text_of(response)
    assert last_mail(app, to="deja@exemple.fr").kind == "account_exists"
    assert login(client, "deja@exemple.fr", STRONG_PASSWORD).status_code == 200  # old password still required
    assert login(client, "deja@exemple.fr", PASSWORD).status_code == 302
    assert not mails(app, kind="account_activation")
