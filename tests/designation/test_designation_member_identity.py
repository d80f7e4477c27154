"""The signed designation names the death-benefit contract and the insured as entered at subscription."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from config.catalogue import default_catalogue
from tests.conftest import login, submit
from tests.designation.helpers import reauth_with_password, start_designation
from tests.designation.test_designation_journey import _particular
from tests.dispense.helpers import pdf_text, sign_locally, signed_documents
from wizard.db import db_session
from wizard.models import Journey, JourneyStatus, StepAnswer, User, utcnow

EMAIL = "camille.martin@example.fr"
PERSONAL = {
    "civilite": "M", "usage_name": "Šťěpánek-Øberg", "birth_name": "Štěpánek", "first_name": "Łukasz",
    "birth_date": date(1980, 5, 5), "birth_country": "Pologne", "birth_city": "Kraków",
}  # fmt: skip


def _signed_subscription(app: Flask) -> int:
    with app.app_context():
        session = db_session()
        owner = session.scalar(select(User).where(User.email == EMAIL))
        journey = Journey(
            owner=owner, flow_id="subscription", flow_version=1, state="done", status=JourneyStatus.COMPLETED,
            path=["personal"], completed_at=utcnow(), context={},
        )  # fmt: skip
        journey.answers = [StepAnswer(step_id="personal", raw={}, data=PERSONAL)]
        session.add(journey)
        session.commit()
        return journey.id


def test_designation_prints_death_contract_identity_member_number_and_predeceased_rule(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    make_user(EMAIL)
    subscription_id = _signed_subscription(app)
    login(client, EMAIL)
    reauth_with_password(client)
    base = start_designation(client)
    _particular(client, base)
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    sign_locally(client, app, f"{base}/signature")

    (signed,) = signed_documents(app, "designation")
    text = pdf_text(signed.content)
    catalogue = default_catalogue()
    assert f"Contrat : {catalogue.death_benefit_contract_name}" in text
    assert catalogue.contract_name not in text  # never the health contract's name
    for expected in (
        "Civilité Monsieur",
        "Nom d'usage Šťěpánek-Øberg",
        "Nom de naissance Štěpánek",
        "Prénom Łukasz",
        "Lieu de naissance Kraków (Pologne)",
        f"N° d'adhérent HP-{subscription_id:08d}",
        "sa part accroît celle des autres bénéficiaires du même rang",
    ):
        assert expected in text, expected
