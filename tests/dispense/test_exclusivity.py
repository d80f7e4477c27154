"""Affiliation and dispense exclude each other: a warning first, then the other draft is closed (audited);
a dispense in force is renounced, with a trace, when the agent chooses to join."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from config.dates import member_effective_date
from config.formats import long_date
from tests.conftest import login, submit, text_of
from tests.dispense.helpers import journey_base, journey_by_id, post_start
from wizard.db import db_session
from wizard.models import Campaign, Invitation, Journey, JourneyEvent, JourneyStatus, StepAnswer, User, utcnow
from wizard.signatures.requests import paris_today

EMAIL = "agent@example.fr"


def _events(app: Flask, public_id: str) -> list[str]:
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        return [
            e.trigger for e in db_session().scalars(select(JourneyEvent).where(JourneyEvent.journey_id == journey.id))
        ]


def _public_id(base: str) -> str:
    return base.rsplit("/", 1)[-1]


def test_starting_a_dispense_warns_then_closes_the_affiliation_draft(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    affiliation = journey_base(client, post_start(client, "affiliation"))
    submit(client, f"{affiliation}/regime", {"regime": "general"})

    warning = post_start(client, "dispense")
    assert warning.status_code == 200
    page = text_of(warning)
    assert "Vous avez une demande d'affiliation en cours : commencer votre demande de dispense la fermera." in page
    assert "Je confirme et je demande une dispense" in page
    # nothing changed until the agent confirms
    assert journey_by_id(app, _public_id(affiliation)).status == JourneyStatus.IN_PROGRESS

    dispense = journey_base(client, post_start(client, "dispense", confirm="yes"))
    assert client.get(dispense).headers["Location"].endswith("/reason")
    closed = journey_by_id(app, _public_id(affiliation))
    assert closed.status == JourneyStatus.CANCELLED
    assert "cancel:closed_by_dispense" in _events(app, closed.public_id)
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Demande de dispense à finaliser" in dashboard and "Abandonnée" in dashboard
    # the closed draft cannot be continued
    assert client.get(f"{affiliation}/household").status_code == 302


def test_starting_the_affiliation_closes_an_open_dispense_draft(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    dispense = journey_base(client, post_start(client, "dispense"))
    page = text_of(post_start(client, "affiliation"))
    assert "Vous avez une demande de dispense en cours : commencer votre affiliation la fermera." in page
    affiliation = journey_base(client, post_start(client, "affiliation", confirm="yes"))
    assert client.get(affiliation).headers["Location"].endswith("/regime")
    assert journey_by_id(app, _public_id(dispense)).status == JourneyStatus.CANCELLED
    assert "cancel:closed_by_affiliation" in _events(app, _public_id(dispense))


def test_no_warning_without_a_conflicting_journey(client: FlaskClient, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    first = journey_base(client, post_start(client, "dispense"))
    assert journey_base(client, post_start(client, "dispense")) == first  # one draft: resumed


def _completed_dispense(app: Flask, email: str, end: date) -> str:
    with app.app_context():
        session = db_session()
        owner = session.scalar(select(User).where(User.email == email))
        journey = Journey(
            owner=owner, flow_id="dispense", flow_version=1, state="done", status=JourneyStatus.COMPLETED,
            path=["reason", "details", "attestation", "review", "signature", "done"], completed_at=utcnow(), context={},
        )  # fmt: skip
        journey.answers = [
            StepAnswer(step_id="reason", raw={}, data={"reason": "css"}),
            StepAnswer(step_id="details", raw={}, data={"end_date": end, "other_insurer": ""}),
        ]
        session.add(journey)
        session.commit()
        return journey.public_id


def test_a_dispense_in_force_is_renounced_to_join(client: FlaskClient, app: Flask, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    dispense = _completed_dispense(app, EMAIL, date(2099, 12, 31))
    assert "Dispense enregistrée jusqu'au 31 décembre 2099" in text_of(client.get("/mes-demarches"))

    page = text_of(post_start(client, "affiliation"))
    assert "Vous bénéficiez d'une dispense enregistrée jusqu'au 31 décembre 2099" in page
    assert "vous renoncez à cette dispense" in page
    affiliation = journey_base(client, post_start(client, "affiliation", confirm="yes"))
    assert client.get(affiliation).headers["Location"].endswith("/regime")

    renounced = journey_by_id(app, dispense)
    assert renounced.status == JourneyStatus.CANCELLED and renounced.completed_at is not None
    assert "cancel:dispense_renounced" in _events(app, dispense)
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Dispense à laquelle vous avez renoncé pour adhérer au contrat" in dashboard
    assert "Affiliation à finaliser" in dashboard


def test_an_ended_dispense_needs_no_renunciation(client: FlaskClient, app: Flask, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    dispense = _completed_dispense(app, EMAIL, date(2020, 1, 31))
    assert post_start(client, "affiliation").status_code == 302
    assert journey_by_id(app, dispense).status == JourneyStatus.COMPLETED


def test_invited_agent_starts_with_the_campaign_date_and_identity(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    with app.app_context():
        session = db_session()
        campaign = Campaign(
            name="Rentrée", employer="Rectorat", contract_name="Contrat PSC", effective_date=date(2026, 9, 1),
            deadline=date(2026, 8, 31), offer_version="2026.1",
        )  # fmt: skip
        session.add(Invitation(
            campaign=campaign, email=EMAIL, last_name="Dupré", first_name="Hélène", birth_date=date(1995, 10, 3),
            regime="general", postal_address="8 place de la République, 98714 Papeete", phone="+689 40 12 34 56",
            user_id=user.id,
        ))  # fmt: skip
        session.commit()
    login(client, EMAIL)
    base = journey_base(client, post_start(client, "dispense"))
    submit(client, f"{base}/reason", {"reason": "css"})
    # the member's date: the campaign's (1er septembre 2026) or, joining later, the late-joiner rule's
    effective = member_effective_date(date(2026, 9, 1), paris_today(), "first_of_next_month")
    page = text_of(client.get(f"{base}/details"))
    assert f"Elle doit être postérieure au {long_date(effective)}" in page
    response = submit(client, f"{base}/details", {"end_date": effective.isoformat()})
    assert f"après le {long_date(effective)}" in text_of(response) and response.status_code == 422
    submit(client, f"{base}/details", {"end_date": (effective + timedelta(days=200)).isoformat()})
    page = text_of(client.get(f"{base}/attestation"))
    assert 'value="1995-10-03"' in page and "8 place de la République, 98714 Papeete" in page
