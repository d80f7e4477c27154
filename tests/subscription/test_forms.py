"""Subscription forms on their own: identifiers with the DOMAIN.md vectors, defaults, masking, prefill."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.context import Answers, StepContext
from forms.subscription import ChildrenForm, PartnerForm, PersonalForm, SocialSecurityForm
from forms.subscription_contacts import BankForm, ContactsForm
from tests.subscription.conftest import BANK, CHILDREN, PARTNER, PERSONAL, PREFILL, SOCIAL

AFFILIATION = {
    "affiliation:regime": {"regime": "general"},
    "affiliation:household": {"cover_partner": "yes", "partner_birth_date": date(1987, 6, 2),
                              "partner_regime": "general", "cover_children": "yes", "children_count": 2},
    "affiliation:children": {"children": [{"birth_date": date(2015, 9, 1)}, {"birth_date": date(2019, 9, 9)}]},
}  # fmt: skip


def context(**answers: Any) -> StepContext:
    return StepContext(
        catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=Answers({**AFFILIATION, **answers}),
        prefill=PREFILL,
    )  # fmt: skip


def errors(form_class: type, data: dict[str, str], **answers: Any) -> dict[str, Any]:
    form = form_class(MultiDict(data), context=context(**answers))
    form.validate()
    return dict(form.errors)


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Any:
    with app.test_request_context():
        yield


@pytest.mark.parametrize("nir", ["295109912611193", "253072B07300470", "253072A07300443", "2 95 10 99 126 111 93"])
def test_valid_nirs_pass(nir: str) -> None:
    assert errors(SocialSecurityForm, {**SOCIAL, "nir": nir}) == {}


@pytest.mark.parametrize(
    ("nir", "message"),
    [
        ("295109912611199", "La clé de contrôle du numéro de sécurité sociale est incorrecte."),
        ("253072C07300443", "Le numéro de sécurité sociale n'est pas au bon format."),
        ("29510991261119", "Le numéro de sécurité sociale doit comporter 15 caractères."),
        ("", "Le numéro de sécurité sociale est obligatoire."),
    ],
)
def test_invalid_nirs_are_refused_in_french(nir: str, message: str) -> None:
    assert errors(SocialSecurityForm, {**SOCIAL, "nir": nir}) == {"nir": [message]}


@pytest.mark.parametrize(
    "iban", ["FR14 2004 1010 0505 0001 3M02 606", "FR7630006000011234567890189", "fr76 3000 6000 0112 3456 7890 189"]
)
def test_valid_ibans_pass(iban: str) -> None:
    assert errors(BankForm, {**BANK, "iban": iban}) == {}


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR14 2004 1010 0505 0001 3M02 607", "La clé de contrôle de l'IBAN est incorrecte."),
        ("FR1420041010050500013M02", "L'IBAN n'a pas la bonne longueur pour ce pays."),
        ("", "L'IBAN est obligatoire."),
    ],
)
def test_invalid_ibans_are_refused_in_french(iban: str, message: str) -> None:
    assert errors(BankForm, {**BANK, "iban": iban}) == {"iban": [message]}


def test_bank_stores_compact_iban_and_derives_the_bic() -> None:
    form = BankForm(MultiDict({**BANK, "iban": "FR14 2004 1010 0505 0001 3M02 606"}), context=context())
    assert form.validate()
    assert form.cleaned_data() == {
        "account_holder": "Hélène Dupré",
        "iban": "FR1420041010050500013M02606",
        "bic": "PSSTFRPP",
    }
    assert form.summary() == [("Quel est le nom ou les noms des titulaires du compte ?", "Hélène Dupré"),
                              ("Quel est le numéro de l'IBAN ?", "FR14 **** **** **** **** 3M02 606")]  # fmt: skip


def test_code_organisme_defaults_to_the_configured_code() -> None:
    form = SocialSecurityForm(MultiDict(SOCIAL), context=context())
    assert form.validate()
    data = form.cleaned_data()
    assert data["code_organisme"] == "919190000" and data["nir"] == "295109912611193"
    assert data["regime"] == "general"
    assert data["teletransmission"]["accepted"] is True
    assert data["teletransmission"]["text"].startswith("J'accepte l'utilisation de la télétransmission")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("01 751 000", "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."),
        ("05 751 0000", "Le régime « 05 » indiqué par le code organisme n'est pas accepté par ce contrat."),
    ],
)
def test_code_organisme_is_checked_when_typed(code: str, message: str) -> None:
    found = errors(SocialSecurityForm, {**SOCIAL, "code_organisme": code})["code_organisme"][0]
    assert found.startswith(message)


def test_nir_is_masked_in_the_summary_with_consistency_notes() -> None:
    personal = {"civilite": "M", "birth_date": date(1995, 10, 3)}
    form = SocialSecurityForm(MultiDict(SOCIAL), context=context(personal=personal))
    assert form.validate()
    rows = dict(form.summary())
    assert rows["Quel est votre n° de Sécurité sociale ?"] == "2 95 ** ** *** *** 93"
    assert rows["Votre régime d'affiliation"] == "Régime social général (Sécurité sociale française)"
    assert "ne correspond pas à la civilité indiquée" in rows["Point à vérifier"]


def test_personal_form_is_prefilled_from_hr_data() -> None:
    initial = PersonalForm.initial_data(context())
    assert initial["usage_name"] == "Dupré" and initial["first_name"] == "Hélène"
    assert initial["birth_date"] == date(1995, 10, 3) and initial["birth_country"] == "France"
    assert errors(PersonalForm, PERSONAL) == {}
    hr = StepContext(
        catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=Answers(),
        prefill={**PREFILL, "civility": "Madame", "birth_place": "Nantes"},
    )  # fmt: skip
    assert PersonalForm.initial_data(hr)["civilite"] == "Mme"
    assert PersonalForm.initial_data(hr)["birth_city"] == "Nantes"


def test_partner_and_children_are_prefilled_from_the_affiliation() -> None:
    assert PartnerForm.initial_data(context())["birth_date"] == date(1987, 6, 2)
    children = ChildrenForm(context=context(), data=ChildrenForm.initial_data(context()))
    assert [e.form.birth_date.data for e in children.children.entries] == [date(2015, 9, 1), date(2019, 9, 9)]
    assert errors(PartnerForm, PARTNER) == {}


def test_children_nir_attached_or_own_and_masked() -> None:
    form = ChildrenForm(MultiDict(CHILDREN), context=context())
    assert form.validate(), form.errors
    cleaned = form.cleaned_data()["children"]
    assert cleaned[0]["nir"] == "" and cleaned[0]["code_organisme"] == "919190000"
    assert cleaned[1]["nir"] == "253072A07300443"
    summary = dict(form.summary())
    assert summary["Quel est son n° de Sécurité sociale ? (2)"] == "2 53 ** ** *** *** 43"
    assert "253072A07300443" not in str(form.summary())


def test_contacts_consent_is_unticked_and_recorded_with_its_text() -> None:
    form = ContactsForm(context=context(), data=ContactsForm.initial_data(context()))
    assert form.partner_offers.data is False
    assert form.postal_address.data == PREFILL["postal_address"]
    bad = errors(ContactsForm, {"postal_address": "x", "email": "pas-une-adresse", "phone": "abc"})
    assert bad["email"] == ["Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr."]
    assert bad["phone"] == ["Indiquez un numéro de téléphone valide (chiffres, espaces et « + » uniquement)."]
