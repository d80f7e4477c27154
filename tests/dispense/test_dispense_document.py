"""The attestation built from answers: the ticked reason, the end date, the identity, date and place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from config.catalogue import default_catalogue
from forms.context import Answers
from tests.dispense.helpers import pdf_text
from wizard.dispense.documents import build_dispense_documents
from wizard.journeys.flow import DocumentContext

PERSON = {
    "civility": "Monsieur", "last_name": "Tehei", "birth_name": "", "first_name": "Manu",
    "birth_date": date(1990, 2, 14), "postal_address": "BP 12, 98713 Papeete", "email": "manu@example.fr",
    "phone": "", "place": "Papeete",
}  # fmt: skip


def context(reason: str, details: dict[str, Any], *, specimen: bool = False) -> DocumentContext:
    answers = Answers({"reason": {"reason": reason}, "details": details, "attestation": PERSON})
    return DocumentContext(
        journey_public_id="abc", answers=answers, sources={}, prefill={}, catalogue=default_catalogue(),
        effective_date=date(2026, 5, 1), owner_name="Manu Tehei", owner_email="manu@example.fr",
        today=date(2026, 4, 20), specimen=specimen,
    )  # fmt: skip


def test_attestation_ticks_the_reason_and_states_end_date_date_and_place() -> None:
    (document,) = build_dispense_documents(context("military", {"end_date": date(2027, 8, 31), "other_insurer": ""}))
    assert document.kind == "dispense" and document.metadata["template_version"]
    text = pdf_text(document.pdf)
    assert "Attestation sur l'honneur de dispense d'adhésion" in text
    assert "[X] Couvert par la couverture collective des militaires" in text
    assert text.count("[X]") == 1 and text.count("[ ]") == 4
    assert "31 août 2027" in text and "Tehei" in text and "BP 12, 98713 Papeete" in text
    assert "Fait à Papeete, le 20/04/2026" in text
    assert "je renonce à la couverture collective obligatoire" in text


def test_an_insurer_typed_for_an_earlier_reason_is_not_printed() -> None:
    (document,) = build_dispense_documents(context("css", {"end_date": date(2026, 12, 31), "other_insurer": "Vieux"}))
    assert "Vieux" not in pdf_text(document.pdf)


def test_preview_attestation_is_a_specimen() -> None:
    (document,) = build_dispense_documents(
        context("css", {"end_date": date(2026, 12, 31), "other_insurer": ""}, specimen=True)
    )
    assert "SPECIMEN" in pdf_text(document.pdf)


def test_the_attestation_names_the_campaigns_contract() -> None:
    details = {"end_date": date(2027, 8, 31), "other_insurer": ""}
    default = pdf_text(build_dispense_documents(context("military", details))[0].pdf)
    assert default_catalogue().contract_name in default
    named = replace(context("military", details), campaign_contract_name="Contrat santé PSC — Rectorat de Lyon")
    assert "Contrat santé PSC — Rectorat de Lyon" in pdf_text(build_dispense_documents(named)[0].pdf)
