"""Fixtures for the document and seal tests: realistic French data, a session PKI, and a text reader."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from config.catalogue import Catalogue, default_catalogue
from signing.documents.bulletin import BulletinData
from signing.documents.designation import Beneficiary, DesignationData
from signing.documents.dispense import DispenseData
from signing.documents.guarantees import GuaranteesData, guarantees_from_catalogue
from signing.documents.layout import AmountLine, Consent, Contact, Identity
from signing.documents.mandate import MandateData
from signing.documents.notice import NoticeData
from signing.documents.quote import QuoteData, QuoteLevel, QuotePerson
from signing.pki import Pki, ensure_pki

TELETRANSMISSION = (
    "J'accepte l'utilisation de la télétransmission de mes données pour un remboursement immédiat de mes prestations"
)
PARTNER_OFFERS = "J'accepte d'être contacté(e) par courriel concernant les offres et services partenaires"


def read_text(pdf: bytes) -> str:
    """Every page's extracted text, whitespace collapsed to single spaces (lines wrap anywhere)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    return read_text


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder: Path = tmp_path_factory.mktemp("instance") / "pki"
    return ensure_pki(folder, "Mutuelle Horizon Publique")


@pytest.fixture
def member() -> Identity:
    return Identity(
        civilite="Madame",
        last_name="Dupré",
        birth_name="Garçon",
        first_name="Hélène",
        birth_date=date(1995, 10, 3),
        birth_place="Genève (Suisse)",
        nir="295109912611193",
        code_organisme="01 751 0000",
    )


@pytest.fixture
def contact() -> Contact:
    return Contact(address="3 place de l'Église, 69001 Lyon", email="helene.dupre@example.org", phone="06 12 34 56 78")


@pytest.fixture
def bulletin_data(member: Identity, contact: Contact, catalogue: Catalogue) -> BulletinData:
    partner = Identity("Monsieur", "Dupré", "François", date(1993, 2, 14), birth_place="Besançon")
    children = (
        Identity("", "Dupré", "Léa", date(2019, 6, 1), birth_place="Lyon", nir="rattaché au n° de l'assuré"),
        Identity("", "Dupré", "Noé", date(2022, 11, 20), birth_place="Lyon"),
    )
    return BulletinData(
        contract_name=catalogue.contract_name,
        member=member,
        contact=contact,
        level_label="Base + Option 2",
        amounts=(
            AmountLine("Hélène Dupré (agent)", 1600),
            AmountLine("François Dupré (conjoint)", 2300),
            AmountLine("Léa Dupré (enfant)", 1600),
            AmountLine("Noé Dupré (enfant)", 1600),
        ),
        employer_note=catalogue.employer_note,
        effective_date=date(2026, 5, 1),
        place="Lyon",
        signed_on=date(2026, 4, 12),
        partner=partner,
        children=children,
        consents=(Consent(TELETRANSMISSION, True), Consent(PARTNER_OFFERS, False)),
        regime_label="Régime social général (Sécurité sociale française)",
    )


@pytest.fixture
def mandate_data() -> MandateData:
    return MandateData(
        rum="HP-2026-000123",
        debtor_last_name="Dupré",
        debtor_first_name="Hélène",
        debtor_address="3 place de l'Église, 69001 Lyon",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        place="Lyon",
        signed_on=date(2026, 4, 12),
    )


@pytest.fixture
def notice_data(catalogue: Catalogue) -> NoticeData:
    return NoticeData(contract_name=catalogue.contract_name, effective_date=date(2026, 5, 1))


@pytest.fixture
def guarantees_data(catalogue: Catalogue) -> GuaranteesData:
    return guarantees_from_catalogue(catalogue, chosen_level="option2")


@pytest.fixture
def quote_data(catalogue: Catalogue) -> QuoteData:
    return QuoteData(
        contract_name=catalogue.contract_name,
        issued_on=date(2026, 4, 2),
        effective_date=date(2026, 5, 1),
        people=(QuotePerson("Agent — Hélène Dupré", date(1995, 10, 3)), QuotePerson("Conjoint — François Dupré")),
        levels=(QuoteLevel("Base", (0, 1000)), QuoteLevel("Base + Option 2", (1600, 2300))),
        employer_note=catalogue.employer_note,
    )


@pytest.fixture
def dispense_data(member: Identity, contact: Contact, catalogue: Catalogue) -> DispenseData:
    return DispenseData(
        contract_name=catalogue.contract_name,
        agent=member,
        contact=contact,
        reasons=catalogue.dispense_reasons,
        chosen_reason="individual_contract",
        end_date=date(2027, 3, 31),
        other_insurer="Assurances Côte d'Azur",
        place="Lyon",
        signed_on=date(2026, 4, 12),
    )


@pytest.fixture
def designation_data(member: Identity) -> DesignationData:
    beneficiaries = (
        Beneficiary(1, "Martin", "Chloé Anaïs", "concubine", Decimal(60), birth_date=date(1990, 7, 14),
                    birth_place="Nîmes", address="8 rue Racine, 30000 Nîmes"),
        Beneficiary(1, "Dupré", "Léa", "fille", Decimal(40), birth_date=date(2019, 6, 1), birth_place="Lyon"),
        Beneficiary(2, "Garçon", "Françoise", "mère", Decimal(100), birth_name="Lefèvre"),
    )  # fmt: skip
    clause = (
        "Mme Chloé Anaïs Martin, née le 14/07/1990 à Nîmes, pour 60 %, et Mlle Léa Dupré, née le 01/06/2019 à "
        "Lyon, pour 40 %, à défaut Mme Françoise Garçon née Lefèvre pour 100 %, à défaut, les héritiers de "
        "l'assuré."
    )
    return DesignationData(
        contract_name="Contrat prévoyance décès (démonstration)",
        member=member,
        mode_label="Désignation particulière",
        clause_text=clause,
        place="Lyon",
        signed_on=date(2026, 4, 12),
        beneficiaries=beneficiaries,
    )
