"""« Modifier mon RIB »: the new account holder, IBAN and BIC, validated exactly as at subscription.

The IBAN must be in the SEPA zone with correct keys (schwifty, ``forms.identifiers``) and differ from the
account already debited; outside the EEA (Switzerland, United Kingdom, Monaco…) the BIC is required, since
the bank needs it with the postal address.
"""

from __future__ import annotations

import hashlib
from typing import Any

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from forms.context import StepContext
from forms.fields import RequiredIf
from forms.identifiers import IdentifierError, bic_from_iban, mask_iban, validate_bic, validate_iban
from forms.subscription_contacts import AccountHolderFields
from forms.validators import BicValidator, IbanValidator

SAME_ACCOUNT = "Ce compte est déjà celui qui est prélevé : indiquez le nouveau compte."
BIC_NEEDED = (
    "Pour un compte hors de l'Espace économique européen (Suisse, Royaume-Uni, Monaco…), le BIC est obligatoire : "
    "il figure sur votre RIB."
)
OWN_EMAIL = (
    "Indiquez l'adresse électronique du titulaire du compte, pas la vôtre : il (elle) reçoit son propre lien pour "
    "signer le mandat modifié."
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


class RibChangeForm(AccountHolderFields):
    """The subscription's « Êtes-vous titulaire du compte ? » fields, the holder's address, the new account."""

    holder_address = TextAreaField(
        "Adresse postale du titulaire du compte",
        description="Celle que connaît la banque : elle figure sur le mandat, à côté du nom du débiteur.",
        validators=[
            RequiredIf("holder_is_member", "no", "Indiquez l'adresse postale du titulaire du compte."),
            Length(max=300, message="300 caractères au maximum."),
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
        return {}

    def mask(self, name: str, value: Any) -> str:
        compact = _compact_or_empty(value)
        return mask_iban(compact) if compact else ""

    def validate_holder_email(self, field: Any) -> None:
        member_email = str(self.context.prefill.get("member_email", "")).strip().casefold()
        if field.data and member_email and field.data.strip().casefold() == member_email:
            raise ValidationError(OWN_EMAIL)

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
        member = self.holder_is_member.data == "yes"
        prefill = self.context.prefill
        if member:  # the member's own account: the name the mandate already gives them
            civilite, first, last = "", str(prefill.get("first_name", "")), str(prefill.get("last_name", ""))
        else:
            civilite = self.holder_civilite.data or ""
            first = (self.holder_first_name.data or "").strip()
            last = (self.holder_last_name.data or "").strip()
        return {
            "holder_is_member": self.holder_is_member.data,
            "holder_civilite": civilite,
            "holder_first_name": first,
            "holder_last_name": last,
            "holder_email": "" if member else (self.holder_email.data or "").strip(),
            "holder_address": "" if member else (self.holder_address.data or "").strip(),
            #: the name the bank and the pain.008 export know the debtor by
            "account_holder": f"{first} {last}".strip(),
            "iban": iban,
            "bic": bic,
        }
