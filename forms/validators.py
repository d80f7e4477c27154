"""WTForms validators over :mod:`forms.identifiers`, so step forms declare identifier rules in one word.

They only check; the form's ``cleaned_data`` stores the compact value the identifier functions return. An
empty value is refused with the "obligatoire" message: put ``wtforms.validators.Optional()`` first for an
optional field (the BIC, a child's NIR), which stops the chain before these validators run. The one
exception is :class:`CodeOrganismeValidator` with a ``default``, whose empty value the form replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wtforms import Field
from wtforms.validators import ValidationError

from forms.identifiers import (
    IdentifierError,
    validate_bic,
    validate_code_organisme,
    validate_iban,
    validate_nir,
)


def _check(check: Callable[[str], object], field: Field) -> None:
    """Run an identifier check on the field's text and turn its refusal into a WTForms error."""
    try:
        check(field.data or "")
    except IdentifierError as error:
        raise ValidationError(error.message) from error


class NirValidator:
    """NIR format, key, first digit and month; warnings (temporary number…) are the form's to show."""

    def __call__(self, form: Any, field: Field) -> None:
        _check(validate_nir, field)


class IbanValidator:
    """SEPA-zone IBAN with a correct ISO key and, where schwifty knows it, national (RIB) key."""

    def __call__(self, form: Any, field: Field) -> None:
        _check(validate_iban, field)


class BicValidator:
    """BIC structure and country (ISO 9362); precede with ``Optional()``, the BIC is never required."""

    def __call__(self, form: Any, field: Field) -> None:
        _check(validate_bic, field)


class CodeOrganismeValidator:
    """Nine digits whose régime is in ``allowed_regimes`` (code → label, *config*).

    With a ``default`` (e.g. ``"919190000"``) an empty field is accepted: the form substitutes the default,
    which spares members who do not know their code without making the validator guess.
    """

    def __init__(self, allowed_regimes: Mapping[str, str], default: str | None = None) -> None:
        self.allowed_regimes = allowed_regimes
        self.default = default

    def __call__(self, form: Any, field: Field) -> None:
        if self.default is not None and not (field.data or "").strip():
            return
        _check(lambda value: validate_code_organisme(value, self.allowed_regimes), field)
