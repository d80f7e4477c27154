"""Dispense forms on their own: end date rules per reason, the other insurer, the attestation's fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.context import Answers, StepContext
from forms.dispense import AttestationForm, DetailsForm, ReasonForm, add_months

EFFECTIVE = date(2026, 5, 1)
ATTESTATION = {
    "civility": "Madame", "last_name": "Dupré", "first_name": "Hélène", "birth_date": "1995-10-03",
    "postal_address": "8 place de la République, 98714 Papeete", "email": "helene@example.fr", "place": "Papeete",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def context(reason: str | None = None, prefill: dict[str, Any] | None = None) -> StepContext:
    answers = Answers({"reason": {"reason": reason}} if reason else {})
    return StepContext(catalogue=default_catalogue(), effective_date=EFFECTIVE, answers=answers, prefill=prefill or {})


def errors(form_class: type, data: dict[str, str], reason: str | None = None) -> dict[str, Any]:
    form = form_class(MultiDict(data), context=context(reason))
    form.validate()
    return dict(form.errors)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert add_months(date(2026, 5, 1), 12) == date(2027, 5, 1)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 2) == date(2028, 2, 15)


def test_reason_lists_the_five_configured_cases() -> None:
    form = ReasonForm(context=context())
    labels = [str(label) for _, label, *_ in form.reason.iter_choices()]
    assert len(labels) == 5
    assert "Bénéficiaire de la complémentaire santé solidaire (C2S)" in labels
    assert errors(ReasonForm, {}) == {"reason": ["Choisissez le motif de votre dispense."]}


@pytest.mark.parametrize("end", ["2026-05-01", "2026-04-30", "2025-12-31"])
def test_end_date_must_be_after_the_effective_date(end: str) -> None:
    assert errors(DetailsForm, {"end_date": end}, reason="css") == {
        "end_date": ["La date de fin de dispense doit être postérieure à la date d'effet du contrat (1er mai 2026)."]
    }


def test_individual_contract_is_capped_at_twelve_months() -> None:
    data = {"end_date": "2027-05-02", "other_insurer": "Mutuelle Exemple"}
    assert errors(DetailsForm, data, reason="individual_contract") == {
        "end_date": [
            "Pour ce motif, la dispense dure au plus 12 mois après la date d'effet du contrat : indiquez une date "
            "au plus tard le 1er mai 2027."
        ]
    }
    assert errors(DetailsForm, {**data, "end_date": "2027-05-01"}, reason="individual_contract") == {}
    # other reasons have no cap
    assert errors(DetailsForm, {**data, "end_date": "2030-12-31"}, reason="other_collective") == {}


def test_missing_end_date_and_insurer_are_asked_for() -> None:
    assert errors(DetailsForm, {"end_date": "", "other_insurer": " "}, reason="fixed_term") == {
        "end_date": ["Indiquez la date de fin de votre dispense."],
        "other_insurer": ["Indiquez l'organisme assureur de votre autre contrat."],
    }
    assert errors(DetailsForm, {"end_date": "31/13/2026"}, reason="css") == {
        "end_date": ["Indiquez une date valide au format jj/mm/aaaa."]
    }


def test_insurer_is_not_kept_for_a_reason_that_does_not_need_it() -> None:
    form = DetailsForm(MultiDict({"end_date": "2026-12-31", "other_insurer": "X"}), context=context("css"))
    assert form.validate()
    assert form.cleaned_data() == {"end_date": date(2026, 12, 31), "other_insurer": ""}


def test_attestation_fields_are_all_required_in_french() -> None:
    found = errors(AttestationForm, {})
    assert found == {
        "civility": ["Indiquez votre civilité."],
        "last_name": ["Indiquez votre nom."],
        "first_name": ["Indiquez votre prénom."],
        "birth_date": ["Indiquez votre date de naissance."],
        "postal_address": ["Indiquez votre adresse postale."],
        "email": ["Indiquez votre adresse e-mail."],
        "place": ["Indiquez la ville où vous signez l'attestation."],
    }
    assert errors(AttestationForm, ATTESTATION) == {}


def test_attestation_refuses_a_birth_date_in_the_future() -> None:
    future = (date.today() + timedelta(days=2)).isoformat()
    assert errors(AttestationForm, {**ATTESTATION, "birth_date": future}) == {
        "birth_date": ["La date de naissance indiquée ne peut pas être dans le futur."]
    }


def test_attestation_is_prefilled_from_the_invitation() -> None:
    prefill = {"last_name": "Dupré", "first_name": "Hélène", "birth_date": date(1995, 10, 3), "email": "h@example.fr"}
    initial = AttestationForm.initial_data(context(prefill=prefill))
    assert initial["last_name"] == "Dupré" and initial["birth_date"] == date(1995, 10, 3)
