"""Every document, read back with pypdf: each mandatory item is present literally, in correct French."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from config.catalogue import Catalogue
from config.formats import euros, french_datetime, long_date, percent
from signing.documents import bulletin, designation, dispense, guarantees, mandate, notice, quote
from signing.documents.anchors import signature_area, with_docusign_anchors
from signing.documents.bulletin import BulletinData, render_bulletin
from signing.documents.designation import DesignationData, render_designation
from signing.documents.dispense import DispenseData, render_dispense
from signing.documents.guarantees import GuaranteesData, render_guarantees
from signing.documents.layout import (
    DATE_ANCHOR,
    SIGN_ANCHOR,
    DocumentInfo,
    group_iban,
    para,
    render_document,
)
from signing.documents.mandate import MandateData, render_mandate
from signing.documents.notice import NoticeData, default_notice_text, render_notice
from signing.documents.quote import QuoteData, QuoteLevel, render_quote

Text = Callable[[bytes], str]

#: (fixture name, renderer, module, is signed by the member)
DOCUMENTS: list[tuple[str, Callable[..., bytes], Any, bool]] = [
    ("bulletin_data", render_bulletin, bulletin, True),
    ("mandate_data", render_mandate, mandate, True),
    ("notice_data", render_notice, notice, False),
    ("guarantees_data", render_guarantees, guarantees, False),
    ("quote_data", render_quote, quote, False),
    ("dispense_data", render_dispense, dispense, True),
    ("designation_data", render_designation, designation, True),
]
IDS = [name.removesuffix("_data") for name, *_ in DOCUMENTS]


def test_french_formatting_helpers() -> None:
    assert euros(2300) == "23,00 €"
    assert euros(123456) == "1 234,56 €"
    assert euros(5) == "0,05 €"
    assert percent(Decimal(50)) == "50 %"
    assert percent(Decimal("33.33")) == "33,33 %"
    assert long_date(date(2026, 5, 1)) == "1er mai 2026"
    assert long_date(date(2026, 8, 15)) == "15 août 2026"
    assert french_datetime(datetime(2026, 4, 12, 12, 5, tzinfo=UTC)) == "12 avril 2026 à 14 h 05"
    assert group_iban("fr7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


def test_layout_french_characters_read_back_exactly(pdf_text: Text, catalogue: Catalogue) -> None:
    sample = "Élève à Noël : ça coûte 23,00 € « œuvre » cœur Œ — l’été, déjà reçu"
    info = DocumentInfo(title="Essai", kind="essai", template_version="1")
    pdf = render_document(info, [para(sample)], brand=catalogue.brand, specimen=False)
    assert sample in pdf_text(pdf)


def test_layout_escapes_markup_in_user_text(pdf_text: Text, catalogue: Catalogue) -> None:
    info = DocumentInfo(title="Essai", kind="essai", template_version="1")
    pdf = render_document(info, [para("Dupont <b>& fils</b>")], brand=catalogue.brand, specimen=False)
    assert "Dupont <b>& fils</b>" in pdf_text(pdf)


def test_mandate_prints_every_mandatory_item(mandate_data: MandateData, pdf_text: Text) -> None:
    text = pdf_text(render_mandate(mandate_data))
    expected = [
        "Mandat de prélèvement SEPA",
        "Référence unique du mandat (RUM) HP-2026-000123",
        "Nom du créancier Mutuelle Horizon Publique",
        "Adresse 12 rue des Lilas, 75020 Paris",
        "Identifiant créancier SEPA (ICS) FR46ZZZ005002",
        "Nom Dupré",
        "Prénom Hélène",
        "Adresse 3 place de l'Église, 69001 Lyon",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPP",
        "Type de paiement Paiement récurrent",
        "Fait à Lyon, le 12/04/2026",
        "vous autorisez (A) Mutuelle Horizon Publique à envoyer des instructions à votre banque pour débiter "
        "votre compte, et (B) votre banque à débiter votre compte conformément aux instructions de Mutuelle "
        "Horizon Publique",
        "dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé",
        "au plus tard dans les 13 mois en cas de prélèvement non autorisé",
        "Signature du débiteur",
    ]
    for item in expected:
        assert item in text, item


def test_mandate_without_bic_shows_a_dash(mandate_data: MandateData, pdf_text: Text) -> None:
    assert "BIC —" in pdf_text(render_mandate(replace(mandate_data, bic="")))


BULLETIN_ITEMS = [
    "Bulletin d'adhésion",
    "Civilité Madame",
    "Nom d'usage Dupré",
    "Nom de naissance Garçon",
    "Prénom Hélène",
    "Date de naissance 03/10/1995",
    "Lieu de naissance Genève (Suisse)",
    "N° de Sécurité sociale 295109912611193",
    "Code organisme 01 751 0000",
    "Régime Régime social général (Sécurité sociale française)",
    "Adresse 3 place de l'Église, 69001 Lyon",
    "Courriel helene.dupre@example.org",
    "Téléphone 06 12 34 56 78",
    "Prénom François",
    "Date de naissance 14/02/1993",
    "Léa Dupré 01/06/2019 Lyon rattaché au n° de l'assuré",
    "Noé Dupré 20/11/2022 Lyon —",
    "Formule choisie Base + Option 2",
    "Hélène Dupré (agent) 16,00 €",
    "François Dupré (conjoint) 23,00 €",
    "Total mensuel 71,00 €",
    "Cotisation de base de l'agent : 37,70 € par mois, dont 50 % pris en charge par votre employeur",
    "Date d'effet de l'adhésion : 1er mai 2026.",
    "J'accepte l'utilisation de la télétransmission de mes données pour un remboursement immédiat de mes "
    "prestations Oui",
    "J'accepte d'être contacté(e) par courriel concernant les offres et services partenaires Non",
    "Fait à Lyon, le 12/04/2026",
]


def test_bulletin_prints_identity_household_amounts_and_consents(bulletin_data: BulletinData, pdf_text: Text) -> None:
    text = pdf_text(render_bulletin(bulletin_data))
    for item in BULLETIN_ITEMS:
        assert item in text, item


def test_bulletin_without_dependants_says_so(bulletin_data: BulletinData, pdf_text: Text) -> None:
    alone = replace(bulletin_data, partner=None, children=(), amounts=bulletin_data.amounts[:1])
    text = pdf_text(render_bulletin(alone))
    assert "Aucun ayant droit couvert." in text
    assert "Total mensuel 16,00 €" in text


def test_the_notice_is_rendered_once_per_distinct_data(notice_data: NoticeData, pdf_text: Text) -> None:
    first = render_notice(notice_data)
    assert render_notice(replace(notice_data)) is first  # equal data: the same bytes, not rendered again
    other_date = render_notice(replace(notice_data, effective_date=date(2026, 6, 1)))
    assert "1er juin 2026" in pdf_text(other_date)
    assert "1er mai 2026" in pdf_text(first)
    assert "SPECIMEN" in pdf_text(render_notice(notice_data, specimen=True))
    assert "SPECIMEN" not in pdf_text(first)


def test_notice_prints_contract_sections_and_contact(notice_data: NoticeData, pdf_text: Text) -> None:
    text = pdf_text(render_notice(notice_data))
    assert "Notice d'information" in text
    assert notice_data.contract_name in text
    assert "Date d'effet de votre adhésion : 1er mai 2026." in text
    assert "Date d'effet du contrat" not in text
    for section in default_notice_text().sections:
        assert section.title in text
    # what a compliance officer looks for, each literally
    for item in (
        "Ce qui n'est pas pris en charge (exclusions)",
        "Demander un remboursement",
        "prescrite par deux ans",
        "Médiateur de la consommation de la Mutualité Française",
        "Autorité de contrôle prudentiel et de résolution (ACPR)",
        "Maintien, portabilité et suspension des garanties",
        "L'adhésion à la couverture de base est obligatoire : elle ne comporte pas de délai de renonciation.",
        "Les options facultatives souscrites en ligne peuvent faire l'objet d'une renonciation dans les 14 jours",
        "délégué à la protection des données (DPO) de Mutuelle Horizon Publique : par courriel à "
        "dpo@horizon-publique.example",
    ):
        assert item in text, item
    assert "à l'adresse ci-dessous" not in text
    assert "souscrit par votre employeur auprès de Mutuelle Horizon Publique" in text
    assert "Téléphone 01 23 45 67 89 (du lundi au vendredi de 8 h 30 à 18 h)" in text
    assert "Courriel contact@horizon-publique.example" in text
    assert "{brand}" not in text and "{contract}" not in text


def test_guarantees_prints_every_row_and_level(guarantees_data: GuaranteesData, pdf_text: Text) -> None:
    text = pdf_text(render_guarantees(guarantees_data))
    assert "Garantie Base Base + Option 1 Base + Option 2 (votre choix)" in text
    assert "Honoraires médicaux 100 % BR 150 % BR 200 % BR" in text
    for row in guarantees_data.rows:
        assert row.label in text
        for value in row.values.values():
            assert value in text


def test_quote_prints_amounts_per_level_and_total(quote_data: QuoteData, pdf_text: Text) -> None:
    text = pdf_text(render_quote(quote_data))
    assert "Date du devis 02/04/2026" in text
    assert "Date d'effet 1er mai 2026" in text
    assert "Agent — Hélène Dupré 03/10/1995" in text
    assert "Conjoint — François Dupré —" in text
    assert "Cotisation mensuelle Base Base + Option 2" in text
    assert "Agent — Hélène Dupré 0,00 € 16,00 €" in text
    assert "Conjoint — François Dupré 10,00 € 23,00 €" in text
    assert "Total mensuel 10,00 € 39,00 €" in text


def test_quote_rejects_amounts_not_matching_the_household(quote_data: QuoteData) -> None:
    with pytest.raises(ValueError, match="2 people"):
        replace(quote_data, levels=(QuoteLevel("Base", (0,)),))


def test_dispense_ticks_only_the_chosen_reason(
    dispense_data: DispenseData, pdf_text: Text, catalogue: Catalogue
) -> None:
    text = pdf_text(render_dispense(dispense_data))
    for reason in catalogue.dispense_reasons:
        mark = "[X]" if reason.code == "individual_contract" else "[ ]"
        assert f"{mark} {reason.label}" in text, reason.code
    assert text.count("[X]") == 1
    assert "Fin de la dispense 31 mars 2027" in text
    assert "Organisme assureur de l'autre contrat Assurances Côte d'Azur" in text
    assert "N° de Sécurité sociale 295109912611193" in text
    assert "Courriel helene.dupre@example.org" in text
    assert "Fait à Lyon, le 12/04/2026" in text
    assert "Je certifie sur l'honneur l'exactitude des renseignements ci-dessus." in text
    assert "est le seul justificatif accepté pour ma dispense" in text


def test_dispense_rejects_an_unknown_reason(dispense_data: DispenseData) -> None:
    with pytest.raises(ValueError, match="unknown dispense reason"):
        replace(dispense_data, chosen_reason="boredom")


def test_designation_prints_clause_and_shares(designation_data: DesignationData, pdf_text: Text) -> None:
    text = pdf_text(render_designation(designation_data))
    assert "Désignation particulière" in text
    assert designation_data.clause_text in text
    assert "1 Martin Chloé Anaïs 14/07/1990 à Nîmes 8 rue Racine, 30000 Nîmes concubine 60 %" in text
    assert "1 Dupré Léa 01/06/2019 à Lyon — fille 40 %" in text
    assert "2 Garçon Françoise (née/né Lefèvre) — — mère 100 %" in text
    assert "les héritiers de l'assuré" in text
    assert "Fait à Lyon, le 12/04/2026" in text


def test_designation_standard_clause(designation_data: DesignationData, catalogue: Catalogue, pdf_text: Text) -> None:
    standard = replace(
        designation_data, mode_label="Désignation standard", clause_text=catalogue.standard_clause, beneficiaries=()
    )
    text = pdf_text(render_designation(standard))
    assert catalogue.standard_clause in text
    assert "Bénéficiaires désignés" not in text


@pytest.mark.parametrize(("fixture", "render", "module", "signed"), DOCUMENTS, ids=IDS)
def test_document_specimen_watermark_only_in_preview(
    fixture: str, render: Callable[..., bytes], module: Any, signed: bool, request: pytest.FixtureRequest
) -> None:
    data = request.getfixturevalue(fixture)
    preview = PdfReader(io.BytesIO(render(data, specimen=True)))
    final = PdfReader(io.BytesIO(render(data)))
    assert all("SPECIMEN" in page.extract_text() for page in preview.pages)
    assert not any("SPECIMEN" in page.extract_text() for page in final.pages)


@pytest.mark.parametrize(("fixture", "render", "module", "signed"), DOCUMENTS, ids=IDS)
def test_document_is_deterministic(
    fixture: str, render: Callable[..., bytes], module: Any, signed: bool, request: pytest.FixtureRequest
) -> None:
    data = request.getfixturevalue(fixture)
    assert render(data) == render(data)
    assert render(data, specimen=True) == render(data, specimen=True)


@pytest.mark.parametrize(("fixture", "render", "module", "signed"), DOCUMENTS, ids=IDS)
def test_document_metadata_footer_and_anchors(
    fixture: str, render: Callable[..., bytes], module: Any, signed: bool, request: pytest.FixtureRequest
) -> None:
    pdf = render(request.getfixturevalue(fixture))
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == module.TITLE
    assert reader.metadata.author == "Mutuelle Horizon Publique"
    assert module.TEMPLATE_VERSION in (reader.metadata.creator or "")
    total = len(reader.pages)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Page {total} / {total}" in text
    assert "mutuelle fictive de démonstration" in text
    # locally signed documents carry no hidden anchor text: the signature area is a named destination,
    # and the anchors are drawn only on the copy sent to DocuSign
    assert SIGN_ANCHOR not in text
    assert DATE_ANCHOR not in text
    assert (signature_area(pdf) is not None) is signed
    if signed:
        anchored = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(with_docusign_anchors(pdf))).pages)
        assert SIGN_ANCHOR in anchored
        assert DATE_ANCHOR in anchored
