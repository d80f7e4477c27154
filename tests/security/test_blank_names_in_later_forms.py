"""Issue 18, item 15, on the forms added after it: a blank or zero-width value is no name, no place, no
address. Posted through the test client (CSRF on) on the family change's event and identity steps, the
« Modifier mon RIB » holder and Mon compte's address: each is refused (422) with the field's own French
message, and nothing moves or is stored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.account.conftest import post_form
from tests.conftest import hidden_fields, login, submit, text_of
from tests.family_change.helpers import EMAIL, signed_contract, start_change
from tests.sepa.conftest import IBAN_OTHER_BANK, sign_subscription
from wizard.db import db_session
from wizard.models import MemberProfile
from wizard.subscription.service import paris_today

BLANKS = [" ", "\t", "\u200b"]
CHILD = {
    "civilite": "Mme", "first_name": "Léa", "last_name": "Dupré", "birth_country": "France", "birth_city": "Lyon",
    "nir_choice": "attached", "nir": "", "code_organisme": "", "situation": "none",
}  # fmt: skip
ADDRESS = {"address_line1": "3 rue des Écoles", "address_line2": "", "postal_code": "69003", "commune": "Lyon"}


def _refused(response: Any, message: str) -> None:
    assert response.status_code == 422, response.status_code
    page = text_of(response)
    assert page.count(message) == 2, message  # beside the field and in the error summary


@pytest.mark.parametrize("blank", BLANKS)
def test_family_change_refuses_a_blank_place_or_child_name(
    app: Flask, client: FlaskClient, make_user: Any, blank: str
) -> None:
    signed_contract(app, make_user(EMAIL))
    login(client, EMAIL)
    base = start_change(client)
    born = (paris_today() - timedelta(days=10)).isoformat()
    event = {"event": "birth_adoption", "birth_kind": "birth", "event_date": born}
    _refused(submit(client, f"{base}/event", {**event, "place": blank}), "Indiquez la ville.")
    assert submit(client, f"{base}/event", {**event, "place": "Lyon"}).headers["Location"].endswith("/child")
    for field, message in (
        ("first_name", "Indiquez le prénom de l'enfant."),
        ("last_name", "Indiquez le nom de l'enfant."),
        ("birth_city", "Indiquez la ville de naissance de l'enfant."),
    ):
        _refused(submit(client, f"{base}/child", {**CHILD, "birth_date": born, field: blank}), message)
    moved = submit(client, f"{base}/child", {**CHILD, "birth_date": born, "first_name": f"{blank}Léa{blank}"})
    assert moved.headers["Location"].endswith("/proofs")


@pytest.mark.parametrize("blank", BLANKS)
def test_rib_change_refuses_a_blank_holder(app: Flask, client: FlaskClient, make_user: Any, blank: str) -> None:
    user = make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    login(client, user.email)
    page = client.get("/mon-contrat/rib")
    token = hidden_fields(text_of(page))["csrf_token"]
    journey_url = client.post("/mon-contrat/rib", data={"csrf_token": token}).headers["Location"]
    step_url = str(client.get(journey_url).headers["Location"])
    assert step_url.endswith("/details"), step_url
    holder = {
        "holder_is_member": "no", "holder_civilite": "M", "holder_first_name": "Marc-Antoine",
        "holder_email": "marc-antoine@example.fr", "holder_address": "4 rue du Port, 98714 Papeete",
        "iban": IBAN_OTHER_BANK, "bic": "",
    }  # fmt: skip
    _refused(submit(client, step_url, {**holder, "holder_last_name": blank}), "Indiquez le nom du titulaire du compte.")
    _refused(
        submit(client, step_url, {**holder, "holder_last_name": "Dupré", "holder_first_name": blank}),
        "Indiquez le prénom du titulaire du compte.",
    )


@pytest.mark.parametrize("blank", BLANKS)
def test_mon_compte_refuses_a_blank_street_or_commune(
    app: Flask, client: FlaskClient, make_user: Any, blank: str
) -> None:
    user = make_user("camille.martin@example.fr")
    login(client, user.email)
    assert post_form(client, "/mon-compte/adresse", ADDRESS).status_code == 302
    for field, message in (
        ("address_line1", "Indiquez le numéro et le nom de la voie."),
        ("commune", "Indiquez la commune."),
    ):
        _refused(post_form(client, "/mon-compte/adresse", {**ADDRESS, field: blank}), message)
    with app.app_context():
        profile = db_session().get(MemberProfile, user.id)
        assert profile is not None
        assert (profile.address_line1, profile.commune) == ("3 rue des Écoles", "Lyon")  # nothing stored
