"""« Modifier mon RIB »: the new account holder, IBAN and BIC, validated exactly as at subscription.

The IBAN must be in the SEPA zone with correct keys (schwifty, ``forms.identifiers``) and differ from the
account already debited; outside the EEA (Switzerland, United Kingdom, Monaco…) the BIC is required, since
the bank needs it with the postal address.
"""

from __future__ import annotations

import hashlib
from typing import Any

from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import StepForm
from forms.context import StepContext
from forms.identifiers import IdentifierError, bic_from_iban, mask_iban, validate_bic, validate_iban
from forms.validators import BicValidator, IbanValidator

SAME_ACCOUNT = "Ce compte est déjà celui qui est prélevé : indiquez le nouveau compte."
BIC_NEEDED = (
    "Pour un compte hors de l'Espace économique européen (Suisse, Royaume-Uni, Monaco…), le BIC est obligatoire : "
    "il figure sur votre RIB."
)
#: SEPA countries outside the EEA (same list as the export's)
NON_EEA = frozenset({"CH", "GB", "MC", "SM", "VA", "AD", "JE", "GG", "IM", "GI", "PM"})


def iban_fingerprint(compact: str) -> str:
    """What the journey keeps of the current IBAN to refuse the same account (never the IBAN itself)."""
    return hashlib.sha256(compact.encode("ascii")).hexdigest()


def _compact_or_empty(value: str | None) -> str:
    try:
        return validate_iban(value or "")
    except IdentifierError:
        return ""


class RibChangeForm(StepForm):
    account_holder = StringField(
        "Nom et prénom du titulaire du nouveau compte",
        validators=[
            InputRequired("Indiquez le nom du titulaire du compte."),
            Length(max=140, message="140 caractères au maximum."),
        ],
    )
    iban = StringField(
        "IBAN du nouveau compte",
        description="Il figure sur votre relevé d'identité bancaire (RIB) ; en France il commence par FR76.",
        validators=[IbanValidator()],
    )
    bic = StringField(
        "BIC (facultatif pour un compte de l'Espace économique européen)",
        description="Laissez vide : nous le retrouvons à partir de l'IBAN lorsque c'est possible.",
        validators=[Optional(), BicValidator()],
    )
    masked_fields = ("iban",)

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        return {"account_holder": context.prefill.get("current_holder", "")}

    def mask(self, name: str, value: Any) -> str:
        compact = _compact_or_empty(value)
        return mask_iban(compact) if compact else ""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        compact = _compact_or_empty(self.iban.data)
        if not compact:
            return valid
        if iban_fingerprint(compact) == self.context.prefill.get("current_iban_sha256"):
            self.iban.errors = [*self.iban.errors, SAME_ACCOUNT]
            return False
        if compact[:2] in NON_EEA and not (self.bic.data or "").strip() and not bic_from_iban(compact):
            self.bic.errors = [*self.bic.errors, BIC_NEEDED]
            return False
        return valid

    def cleaned_data(self) -> dict[str, Any]:
        iban = validate_iban(self.iban.data or "")
        typed_bic = (self.bic.data or "").strip()
        bic = validate_bic(typed_bic) if typed_bic else bic_from_iban(iban) or ""
        return {"account_holder": (self.account_holder.data or "").strip(), "iban": iban, "bic": bic}
