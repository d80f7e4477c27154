"""« Modifier mon RIB »: the new account holder, IBAN and BIC, validated exactly as at subscription.

The IBAN must be in the SEPA zone with correct keys (schwifty, ``forms.identifiers``) and differ from the
account already debited; outside the EEA (Switzerland, United Kingdom, Monaco…) the BIC is required, since
the bank needs it with the postal address.
"""

from __future__ import annotations

import hashlib
from typing import Any

from wtforms import TextAreaField
from wtforms.validators import Length

from forms.fields import RequiredIf
from forms.identifiers import bic_from_iban
from forms.subscription_contacts import AccountHolderFields, bic_field, compact_iban, iban_field

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
    iban = iban_field("IBAN du nouveau compte")
    bic = bic_field("BIC (facultatif pour un compte de l'Espace économique européen)")
    own_email_message = OWN_EMAIL

    def member_email(self) -> str:
        return str(self.context.prefill.get("member_email", ""))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        compact = compact_iban(self.iban.data)
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
        prefill = self.context.prefill
        # the member's own account: the name the mandate already gives them
        member = ("", str(prefill.get("first_name", "")), str(prefill.get("last_name", "")))
        data = self.holder_and_account(member)
        data["holder_address"] = "" if data["holder_is_member"] == "yes" else (self.holder_address.data or "").strip()
        return data
