"""The WTForms validators: French messages on the field, and the empty-value rules of each."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import Optional

from forms.validators import BicValidator, CodeOrganismeValidator, IbanValidator, NirValidator

REGIMES = {"01": "régime général", "02": "MSA", "91": "MGEN"}


class IdentifiersForm(Form):
    nir = StringField(validators=[NirValidator()])
    iban = StringField(validators=[IbanValidator()])
    bic = StringField(validators=[Optional(), BicValidator()])
    code_organisme = StringField(validators=[CodeOrganismeValidator(REGIMES)])


class DefaultedOrganismeForm(Form):
    code_organisme = StringField(validators=[CodeOrganismeValidator(REGIMES, default="919190000")])


VALID = {
    "nir": "2 95 10 99 126 111 93",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "agrifrppxxx",
    "code_organisme": "01 751 0000",
}


def errors_for(form_class: type[Form], **data: str) -> dict[str, list[str]]:
    form = form_class(MultiDict(data))
    form.validate()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_valid_identifiers_pass_every_validator() -> None:
    assert errors_for(IdentifiersForm, **VALID) == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nir", "295109912611199", "La clé de contrôle du numéro de sécurité sociale est incorrecte."),
        ("nir", "", "Le numéro de sécurité sociale est obligatoire."),
        ("iban", "FR14 2004 1010 0505 0001 3M02 607", "La clé de contrôle de l'IBAN est incorrecte."),
        ("iban", "AL35202111090000000001234567", "Seuls les comptes de la zone SEPA sont acceptés."),
        ("bic", "PSSTFRP", "Le BIC doit comporter 8 ou 11 caractères."),
        ("code_organisme", "01 751 000", "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."),
        ("code_organisme", "", "Le code de votre organisme d'assurance maladie est obligatoire."),
    ],
)
def test_validators_put_the_french_message_on_the_field(field: str, value: str, message: str) -> None:
    assert errors_for(IdentifiersForm, **{**VALID, field: value}) == {field: [message]}


def test_optional_bic_may_be_left_empty() -> None:
    assert errors_for(IdentifiersForm, **{**VALID, "bic": ""}) == {}


def test_code_organisme_with_default_accepts_empty() -> None:
    assert errors_for(DefaultedOrganismeForm, code_organisme="  ") == {}
    assert errors_for(DefaultedOrganismeForm) == {}


def test_code_organisme_with_default_still_checks_what_is_typed() -> None:
    message = (
        "Le régime « 05 » indiqué par le code organisme n'est pas accepté par ce contrat. "
        "Régimes acceptés : 01 (régime général), 02 (MSA), 91 (MGEN)."
    )
    assert errors_for(DefaultedOrganismeForm, code_organisme="05 751 0000") == {"code_organisme": [message]}
