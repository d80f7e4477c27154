"""« Mes démarches »: status labels per flow, « Rappel de mes besoins », the campaign deadline, resuming."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from config.formats import long_date
from tests.conftest import FAMILY_HOUSEHOLD, hidden_fields, login, submit, text_of
from tests.entry.conftest import invite, last_mail
from tests.member_dates import member_date
from wizard.dashboard.service import status_label
from wizard.db import db_session
from wizard.journeys import engine
from wizard.journeys.registry import registry
from wizard.models import Actor, Campaign, JourneyStatus, User, utcnow


def _open_affiliation(app: Flask, client: FlaskClient, make_user: Any, campaign_id: int) -> str:
    user = make_user("famille@education.example")
    invite(app, campaign_id, "famille@education.example", user_id=user.id)
    login(client, "famille@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    journey_url = client.get(f"{link}/parcours").headers["Location"]
    return str(client.get(journey_url).headers["Location"]).rsplit("/", 1)[0]


def test_recap_of_needs_and_deadline(app: Flask, client: FlaskClient, make_user: Any, campaign_id: int) -> None:
    base = _open_affiliation(app, client, make_user, campaign_id)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", FAMILY_HOUSEHOLD)
    submit(client, f"{base}/children", {
        "children-0-birth_date": "2015-09-01", "children-0-situation": "none",
        "children-1-birth_date": "2004-01-15", "children-1-situation": "student",
    })  # fmt: skip
    submit(client, f"{base}/formula", {"level": "option1"})

    page = text_of(client.get("/mes-demarches"))
    assert "Affiliation à finaliser" in page and "Rappel de mes besoins" in page
    for label, value in (("Date d'effet souhaitée", long_date(member_date())), ("Conjoint(e) couvert(e)", "Oui"),
                         ("Enfants couverts", "Oui — 2"), ("Montant mensuel", "46,00 €")):  # fmt: skip
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label
    assert "<dt>Date du devis</dt>" in page
    assert "Vous avez jusqu'au" in page and "affilié(e) automatiquement au « " in page
    assert "sur la couverture de base" in page
    assert 'href="/j/' in page and "Continuer" in page


def test_after_login_an_agent_with_one_open_journey_goes_straight_to_it(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    base = _open_affiliation(app, client, make_user, campaign_id)
    client.post("/deconnexion", data={"csrf_token": _token(client)})
    response = login(client, "famille@education.example")
    assert response.headers["Location"] == base.replace("/regime", "")


def _token(client: FlaskClient) -> str:
    return hidden_fields(client.get("/mes-demarches").get_data(as_text=True))["csrf_token"]


def test_status_labels_are_data_per_flow(app: Flask, make_user: Any, campaign_id: int) -> None:
    user = make_user("labels@education.example")
    with app.app_context():
        session = db_session()
        owner, campaign = session.get(User, user.id), session.get(Campaign, campaign_id)
        assert owner is not None
        actor = Actor(user_id=user.id)
        subscription = engine.start_journey(session, owner, "subscription", actor, campaign=campaign)
        session.commit()
        flow = registry().get("subscription", subscription.flow_version)
        assert status_label(subscription, flow) == "Souscription à finaliser"
        subscription.state = "signature"
        assert status_label(subscription, flow) == "En attente de signature"
        subscription.status, subscription.completed_at = JourneyStatus.COMPLETED, utcnow()
        assert status_label(subscription, flow).startswith("Adhésion enregistrée — contrat effectif le ")
        affiliation = engine.start_journey(session, owner, "affiliation", actor, campaign=campaign)
        affiliation.status = JourneyStatus.EXPIRED
        assert status_label(affiliation, registry().current("affiliation")) == "Expirée (brouillon inactif)"
        session.rollback()
