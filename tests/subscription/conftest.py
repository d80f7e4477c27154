"""Helpers for the subscription tests: a subscription opened as a validated affiliation opens it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import hidden_fields
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import Actor, Campaign, User

PREFILL = {
    "email": "helene.dupre@education.example",
    "first_name": "Hélène",
    "last_name": "Dupré",
    "birth_date": date(1995, 10, 3),
    "regime": "general",
    "postal_address": "8 place de la République, 98714 Papeete",
    "phone": "+689 40 12 34 56",
    "employer": "Ministère (démonstration)",
}
SOLO = {
    "regime": {"regime": "general"},
    "household": {"cover_partner": "no", "cover_children": "no", "children_count": None},
    "no_cover": {"confirm": True},
    "formula": {"level": "option2"},
}
FAMILY = {
    "regime": {"regime": "general"},
    "household": {
        "cover_partner": "yes", "partner_link": "pacs", "partner_regime": "general", "partner_is_state_agent": "no",
        "partner_birth_date": date(1987, 6, 2), "cover_children": "yes", "children_count": 2,
    },
    "children": {"children": [
        {"birth_date": date(2015, 9, 1), "situation": "none"},
        {"birth_date": date(2019, 9, 9), "situation": "none"},
    ]},
    "formula": {"level": "option1"},
}  # fmt: skip

#: valid answers of each subscription page, as a browser posts them
PERSONAL = {
    "civilite": "Mme", "usage_name": "Dupré", "birth_name": "Garçon", "first_name": "Hélène",
    "birth_date": "1995-10-03", "birth_country": "France", "birth_city": "Lyon",
}  # fmt: skip
SOCIAL = {"nir": "2 95 10 99 126 111 93", "code_organisme": "", "teletransmission": "y"}
PARTNER = {
    "civilite": "M", "usage_name": "Dupré", "birth_name": "Dupré", "first_name": "Marc", "birth_date": "1987-06-02",
    "birth_country": "France", "birth_city": "Paris", "regime": "general",
    "nir": "253072B07300470", "code_organisme": "01 751 0000",
}  # fmt: skip
CHILDREN = {
    "children-0-birth_date": "2015-09-01", "children-0-civilite": "Mme", "children-0-first_name": "Carla",
    "children-0-last_name": "Dupré", "children-0-birth_country": "France", "children-0-birth_city": "Paris",
    "children-0-nir_choice": "attached", "children-0-nir": "", "children-0-code_organisme": "",
    "children-1-birth_date": "2019-09-09", "children-1-civilite": "M", "children-1-first_name": "Léo",
    "children-1-last_name": "Dupré", "children-1-birth_country": "France", "children-1-birth_city": "Papeete",
    "children-1-nir_choice": "own", "children-1-nir": "253072A07300443", "children-1-code_organisme": "",
}  # fmt: skip
CONTACTS = {
    "postal_address": PREFILL["postal_address"], "email": PREFILL["email"], "phone": PREFILL["phone"],
    "other_phone": "",
}  # fmt: skip
BANK = {
    "holder_is_member": "yes", "debtor_address": "8 place de la République, 98714 Papeete", "signing_place": "Papeete",
    "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "",
}  # fmt: skip
#: the account is held by someone else, who signs the mandate with their own link and code
OTHER_HOLDER = {
    **BANK, "holder_is_member": "no", "holder_civilite": "M", "holder_last_name": "Dupré",
    "holder_first_name": "Marc-Antoine", "holder_email": "marc-antoine@example.fr",
    "debtor_address": "4 rue du Port, 98714 Papeete",
}  # fmt: skip
#: the proofs page of FAMILY (a PACS partner) with « Envoyer plus tard » ticked
PROOFS_LATER = {"later": "pacs_certificate"}


def send_proofs_later(client: FlaskClient, base: str) -> Any:
    """Tick « Envoyer plus tard » for every document the proofs page asks for and continue (multipart, as
    a browser posts it); returns the response."""
    html = client.get(f"{base}/proofs").get_data(as_text=True)
    codes = re.findall(r'name="later" value="([^"]+)"', html)
    data = {**hidden_fields(html), "action": "next", "later": codes}
    return client.post(f"{base}/proofs", data=data, content_type="multipart/form-data")


def read_pdf(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed (lines wrap anywhere)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def open_subscription(app: Flask) -> Callable[..., str]:
    """Factory: the subscription a validated affiliation opened for ``user`` → its public id.

    ``affiliation`` are the affiliation's effective answers, as the engine copies them into ``sources``.
    """

    def factory(user: User, affiliation: Mapping[str, Any] = SOLO, *, campaign: bool = True) -> str:
        with app.app_context():
            session = db_session()
            owner = session.get(User, user.id)
            assert owner is not None
            journey = engine.start_journey(
                session, owner, "subscription", Actor(owner.id),
                campaign=make_campaign(session) if campaign else None,
                prefill=PREFILL, sources={"affiliation": dict(affiliation)},
            )  # fmt: skip
            session.commit()
            return journey.public_id

    return factory


def make_campaign(session: Any, effective: date = date(2026, 5, 1)) -> Campaign:
    campaign = Campaign(
        name="Rentrée 2026", employer="Ministère (démonstration)", contract_name="Contrat santé PSC",
        effective_date=effective, deadline=date(2026, 4, 21), offer_version="2026.1",
    )  # fmt: skip
    session.add(campaign)
    session.flush()
    return campaign
