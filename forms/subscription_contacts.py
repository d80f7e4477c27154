"""Subscription forms for how we reach the member and which account we debit (docs/JOURNEYS.md §2).

Consents are evidence: the stored answer keeps the exact wording shown and when it was given. The IBAN is
stored compact and shown masked after entry; the BIC is optional and derived from the IBAN when schwifty's
bank registry knows the bank.
"""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.fields import BooleanField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, ValidationError

from forms.base import StepForm
from forms.context import StepContext
from forms.fields import YES_NO, RequiredIf
from forms.identifiers import IdentifierError, bic_from_iban, mask_iban, validate_bic, validate_iban
from forms.subscription import CIVILITES, consent_record
from forms.validators import BicValidator, IbanValidator

PREFILLED_WARNING = (
    "ATTENTION : Ne pas modifier les coordonnées préremplies, même s'il ne s'agit pas de votre adresse personnelle."
)
PARTNER_OFFERS_TEXT = (
    "J'accepte d'être contacté(e) par {brand} ou ses partenaires concernant les offres et services partenaires"
)
PRIVACY_TEXT = (
    "Nous sommes susceptibles de vous proposer d'autres offres et services. Vous pouvez vous y opposer à tout "
    "moment depuis votre espace personnel ou par courrier à l'adresse indiquée dans notre politique de "
    "confidentialité. Si vous avez déjà exprimé votre opposition, elle reste prise en compte. Pour vous proposer "
    "les offres les mieux adaptées à votre situation, {brand} s'appuie sur des partenaires de confiance dans les "
    "domaines de la santé, du bien-être et de l'habitat ; leur liste à jour figure dans la politique de "
    "confidentialité."
)
BANK_EXPLANATION = (
    "Ces coordonnées bancaires seront utilisées pour le prélèvement de vos cotisations et le remboursement de vos "
    "prestations. Si votre cotisation est de zéro euro, il n'y aura pas de prélèvement : ce compte servira "
    "uniquement au remboursement de vos prestations."
)
PHONE_PATTERN = r"^\+?[0-9 .()-]{8,20}$"
PHONE_MESSAGE = "Indiquez un numéro de téléphone valide (chiffres, espaces et « + » uniquement)."


def partner_offers_text(context: StepContext) -> str:
    return PARTNER_OFFERS_TEXT.format(brand=context.catalogue.brand.name)


def privacy_text(context: StepContext) -> str:
    return PRIVACY_TEXT.format(brand=context.catalogue.brand.name)


class ContactsForm(StepForm):
    postal_address = TextAreaField(
        "Adresse postale",
        validators=[
            InputRequired("Indiquez votre adresse postale."),
            Length(max=300, message="300 caractères au maximum."),
        ],
    )
    email = EmailField(
        "Adresse électronique",
        validators=[
            InputRequired("Indiquez votre adresse électronique."),
            Email("Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr."),
        ],
    )
    phone = StringField(
        "Téléphone",
        validators=[InputRequired("Indiquez un numéro de téléphone."), Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)],
    )
    other_phone = StringField(
        "Autre téléphone (facultatif)", validators=[Optional(), Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)]
    )
    partner_offers = BooleanField(PARTNER_OFFERS_TEXT)

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        prefill = context.prefill
        return {
            "postal_address": prefill.get("postal_address", ""),
            "email": prefill.get("email", ""),
            "phone": prefill.get("phone", ""),
        }

    def adapt_to_context(self) -> None:
        self.partner_offers.label.text = partner_offers_text(self.context)
        self.partner_offers.description = privacy_text(self.context)

    def cleaned_data(self) -> dict[str, Any]:
        data = super().cleaned_data()
        shown = f"{privacy_text(self.context)}\n{partner_offers_text(self.context)}"
        data["partner_offers"] = consent_record(shown, bool(self.partner_offers.data))
        data["email"] = (self.email.data or "").strip()
        return data


def compact_iban(value: str | None) -> str:
    try:
        return validate_iban(value or "")
    except IdentifierError:
        return ""


class AccountHolderFields(StepForm):
    """« Êtes-vous titulaire du compte ? » and, when not, who is: asked at subscription and on a RIB change."""

    holder_is_member = RadioField(
        "Êtes-vous titulaire du compte ?",
        choices=YES_NO,
        validators=[InputRequired("Indiquez si vous êtes titulaire du compte.")],
        description="Le mandat de prélèvement est signé par le titulaire du compte débité.",
    )
    holder_civilite = RadioField(
        "Civilité du titulaire du compte",
        choices=CIVILITES,
        validators=[RequiredIf("holder_is_member", "no", "Choisissez la civilité du titulaire du compte.")],
    )
    holder_last_name = StringField(
        "Nom du titulaire du compte",
        validators=[
            RequiredIf("holder_is_member", "no", "Indiquez le nom du titulaire du compte."),
            Length(max=70, message="70 caractères au maximum."),
        ],
    )
    holder_first_name = StringField(
        "Prénom du titulaire du compte",
        validators=[
            RequiredIf("holder_is_member", "no", "Indiquez le prénom du titulaire du compte."),
            Length(max=70, message="70 caractères au maximum."),
        ],
    )
    holder_email = EmailField(
        "Adresse électronique du titulaire du compte",
        description="Nous y envoyons le lien pour signer le mandat de prélèvement, avec son propre code.",
        validators=[
            RequiredIf("holder_is_member", "no", "Indiquez l'adresse électronique du titulaire du compte."),
            Email("Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr."),
            Length(max=254, message="254 caractères au maximum."),
        ],
    )
    masked_fields = ("iban",)
    #: refused as the holder's address: the holder receives their own link to sign
    own_email_message = (
        "Indiquez l'adresse électronique du titulaire du compte, pas la vôtre : il (elle) reçoit son "
        "propre lien pour signer le mandat."
    )

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        return {}  # a saved IBAN never comes back into an input; nothing to prefill

    def member_email(self) -> str:
        """The member's own address (each form knows where it is)."""
        return ""

    def validate_holder_email(self, field: EmailField) -> None:
        own = self.member_email().strip().casefold()
        if field.data and own and field.data.strip().casefold() == own:
            raise ValidationError(self.own_email_message)

    def mask(self, name: str, value: Any) -> str:
        compact = compact_iban(value)
        return mask_iban(compact) if compact else ""

    def holder_and_account(self, member: tuple[str, str, str]) -> dict[str, Any]:
        """Who holds the account (``member`` = civilité, first and last name when it is the member) and the
        account itself, as the mandate and the pain.008 export read them."""
        is_member = self.holder_is_member.data == "yes"
        if is_member:
            civilite, first, last = member
        else:
            civilite = self.holder_civilite.data or ""
            first = (self.holder_first_name.data or "").strip()
            last = (self.holder_last_name.data or "").strip()
        iban = validate_iban(self.iban.data or "")
        typed_bic = (self.bic.data or "").strip()
        return {
            "holder_is_member": self.holder_is_member.data,
            "holder_civilite": civilite,
            "holder_first_name": first,
            "holder_last_name": last,
            "holder_email": "" if is_member else (self.holder_email.data or "").strip(),
            #: the name the bank and the pain.008 export know the debtor by
            "account_holder": f"{first} {last}".strip(),
            "iban": iban,
            "bic": validate_bic(typed_bic) if typed_bic else bic_from_iban(iban) or "",
        }


def iban_field(label: str) -> StringField:
    return StringField(
        label,
        description="Il figure sur votre relevé d'identité bancaire (RIB) ; en France il commence par FR.",
        validators=[IbanValidator()],
    )


def bic_field(label: str) -> StringField:
    return StringField(
        label,
        description="Laissez vide : nous le retrouvons à partir de l'IBAN lorsque c'est possible.",
        validators=[Optional(), BicValidator()],
    )


class BankForm(AccountHolderFields):
    debtor_address = TextAreaField(
        "Adresse postale du titulaire du compte",
        description="Celle que connaît la banque : elle figure sur le mandat, à côté du nom du débiteur.",
        validators=[
            InputRequired("Indiquez l'adresse postale du titulaire du compte."),
            Length(max=300, message="300 caractères au maximum."),
        ],
    )
    signing_place = StringField(
        "Dans quelle ville signez-vous ?",
        description="Elle figure après « Fait à » sur vos documents signés.",
        validators=[
            InputRequired("Indiquez la ville où vous signez."),
            Length(max=100, message="100 caractères au maximum."),
        ],
    )
    iban = iban_field("Quel est le numéro de l'IBAN ?")
    bic = bic_field("BIC (facultatif)")

    def member_email(self) -> str:
        return str(self.context.answers.value("contacts", "email") or "")

    def cleaned_data(self) -> dict[str, Any]:
        personal = self.context.answers.get("personal", {})
        member = (personal.get("civilite") or "", personal.get("first_name") or "", personal.get("usage_name") or "")
        return {
            **self.holder_and_account(member),
            "debtor_address": (self.debtor_address.data or "").strip(),
            "signing_place": (self.signing_place.data or "").strip(),
        }
