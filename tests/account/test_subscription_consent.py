"""The partner-offers consent asked on the subscription's contact page lands in « Mon compte »."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, submit, text_of
from tests.subscription.conftest import CONTACTS, PERSONAL, SOCIAL, open_subscription  # noqa: F401 - fixture
from wizard.account.consents import import_subscription_consent
from wizard.db import db_session
from wizard.models import ConsentRecord, Journey, JourneyStatus
from wizard.subscription.service import on_subscription_completed


def test_subscription_consent_and_details_land_in_mon_compte(
    client: FlaskClient,
    app: Flask,
    make_user: Any,
    open_subscription: Callable[..., str],  # noqa: F811
) -> None:
    user = make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    public_id = open_subscription(user)
    login(client, user.email)
    base = f"/j/{public_id}"
    for step, data in (
        ("personal", PERSONAL),
        ("social_security", SOCIAL),
        ("contacts", {**CONTACTS, "partner_offers": "y"}),
    ):
        response = submit(client, f"{base}/{step}", data)
        assert response.status_code == 302, (step, text_of(response)[:2000])
    with app.app_context():
        session = db_session()
        journey = session.scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        journey.status = JourneyStatus.COMPLETED  # what the signing service records
        on_subscription_completed(session, journey)
        import_subscription_consent(session, journey)  # run again: still one record
        session.commit()
        records = list(session.scalars(select(ConsentRecord)))
    assert [(r.purpose, r.channel, r.given, r.source) for r in records] == [
        ("partner_offers", "all", True, "souscription")
    ]
    assert "J'accepte d'être contacté(e)" in records[0].text_shown
    page = text_of(client.get("/mon-compte/donnees-personnelles"))
    assert re.search(r'<input type="checkbox" id="partner_offers__all"[^>]* checked>', page)
    assert "Souscription" in page
    # the contact details typed during the subscription are where « Mon compte » starts from
    account = text_of(client.get("/mon-compte/"))
    assert "8 place de la République" in account and "98714 Papeete" in account
