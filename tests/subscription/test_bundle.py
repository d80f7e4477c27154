"""The subscription's documents read back with pypdf: every mandatory SEPA mandate item and the amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from config.catalogue import default_catalogue
from forms.context import Answers
from forms.identifiers import validate_rum
from tests.subscription.conftest import FAMILY, PREFILL, read_pdf
from wizard.journeys.flow import DocumentContext
from wizard.subscription.documents import build_subscription_documents, mandate_reference, signing_place

ANSWERED = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
SUBSCRIPTION = {
    "personal": {"civilite": "Mme", "usage_name": "Dupré", "birth_name": "Garçon", "first_name": "Hélène",
                 "birth_date": date(1995, 10, 3), "birth_country": "France", "birth_city": "Lyon"},
    "social_security": {"regime": "general", "nir": "295109912611193", "code_organisme": "919190000",
                        "teletransmission": {"text": "J'accepte l'utilisation de la télétransmission de mes données "
                                             "pour un remboursement immédiat de mes prestations",
                                             "accepted": True, "answered_at": ANSWERED}},
    "partner": {"civilite": "M", "usage_name": "Dupré", "birth_name": "Dupré", "first_name": "Marc",
                "birth_date": date(1987, 6, 2), "birth_country": "France", "birth_city": "Paris",
                "regime": "general", "nir": "253072B07300470", "code_organisme": "017510000"},
    "children": {"children": [
        {"birth_date": date(2015, 9, 1), "civilite": "Mme", "first_name": "Carla", "last_name": "Dupré",
         "birth_country": "France", "birth_city": "Paris", "nir_choice": "attached", "nir": "",
         "code_organisme": "919190000"},
        {"birth_date": date(2019, 9, 9), "civilite": "M", "first_name": "Léo", "last_name": "Dupré",
         "birth_country": "France", "birth_city": "Papeete", "nir_choice": "own", "nir": "253072A07300443",
         "code_organisme": "919190000"},
    ]},
    "contacts": {"postal_address": "8 place de la République, 98714 Papeete", "email": "helene@example.fr",
                 "phone": "+689 40 12 34 56", "other_phone": "",
                 "partner_offers": {"text": "Politique…\nJ'accepte d'être contacté(e) par Mutuelle Horizon Publique "
                                    "ou ses partenaires concernant les offres et services partenaires",
                                    "accepted": False, "answered_at": ANSWERED}},
    "bank": {"account_holder": "Hélène Dupré", "iban": "FR7630006000011234567890189", "bic": "AGRIFRPPXXX"},
}  # fmt: skip


def context(today: date = date(2026, 4, 2), journey_id: int | None = 123) -> DocumentContext:
    return DocumentContext(
        journey_public_id="abcDEF123_-xyz", answers=Answers(SUBSCRIPTION), sources={"affiliation": FAMILY},
        prefill=PREFILL, catalogue=default_catalogue(), effective_date=date(2026, 5, 1), owner_name="Hélène Dupré",
        owner_email="helene@example.fr", today=today, journey_id=journey_id,
    )  # fmt: skip


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return {d.kind: read_pdf(d.pdf) for d in build_subscription_documents(context())}


def test_bundle_has_the_three_documents_in_order() -> None:
    built = build_subscription_documents(context())
    assert [(d.kind, d.title, d.filename) for d in built] == [
        ("bulletin", "Bulletin d'adhésion", "bulletin-adhesion.pdf"),
        ("mandate", "Mandat de prélèvement SEPA", "mandat-sepa.pdf"),
        ("notice", "Notice d'information", "notice-information.pdf"),
    ]
    assert built[0].metadata["effective_date"] == "2026-05-01"
    assert built[0].metadata["monthly_amount_cents"] == "4600"
    assert built[1].metadata["rum"] == "HP-2026-000123-" + built[1].metadata["rum"][-2:]
    assert built[1].metadata["ics"] == "FR46ZZZ005002"


def test_mandate_carries_every_mandatory_item(documents: dict[str, str]) -> None:
    text = documents["mandate"]
    rum = mandate_reference(default_catalogue(), 123, date(2026, 5, 1))
    for expected in (
        "Mandat de prélèvement SEPA", rum, "Paiement récurrent",
        "Mutuelle Horizon Publique", "12 rue des Lilas, 75020 Paris", "FR46ZZZ005002",
        "Dupré", "Hélène", "8 place de la République, 98714 Papeete", "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPPXXX", "Fait à Papeete, le 02/04/2026", "Signature du débiteur",
        "vous autorisez (A) Mutuelle Horizon Publique à envoyer des instructions à votre banque",
        "(B) votre banque à débiter votre compte", "8 semaines", "13 mois",
    ):  # fmt: skip
        assert expected in text, expected
    validate_rum(rum)


def test_bulletin_shows_household_amounts_and_consents(documents: dict[str, str]) -> None:
    text = documents["bulletin"]
    for expected in (
        "Bulletin d'adhésion", "Hélène", "Garçon", "2 95 10 99 126 111 93", "91 919 0000", "Marc",
        "2 53 07 2B 073 004 70", "Carla", "Rattaché(e) au n° de l'assuré", "Léo", "Base + Option 1",
        "12,00 €", "14,00 €", "10,00 €", "46,00 €", "1er mai 2026", "télétransmission",
        "offres et services partenaires",
    ):  # fmt: skip
        assert expected in text, expected


def test_notice_is_the_information_notice(documents: dict[str, str]) -> None:
    assert "Notice d'information" in documents["notice"]


def test_late_joiner_documents_use_the_rule_and_the_same_amount() -> None:
    built = build_subscription_documents(context(today=date(2026, 6, 15)))
    assert built[0].metadata["effective_date"] == "2026-07-01"
    assert "1er juillet 2026" in read_pdf(built[0].pdf) and "46,00 €" in read_pdf(built[0].pdf)


def test_rum_is_stable_and_unique_per_contract() -> None:
    first = build_subscription_documents(context(journey_id=7))[1].metadata["rum"]
    assert first == build_subscription_documents(context(journey_id=7))[1].metadata["rum"]
    assert first != build_subscription_documents(context(journey_id=8))[1].metadata["rum"]
    assert validate_rum(build_subscription_documents(context(journey_id=None))[1].metadata["rum"])


def test_signing_place_is_the_town_of_the_address() -> None:
    assert signing_place("12 rue des Lilas\n75020 Paris") == "Paris"
    assert signing_place("Lieu-dit sans code") == "En ligne"
