"""« Mon compte » forms: postal address, contact email, phones, login email, zéro papier, account deletion.

Phone numbers are parsed and checked with ``phonenumbers`` (Google's libphonenumber), never a regex: a mobile
must be a mobile, a landline a fixed line, French numbers may be typed in national form (06 12 34 56 78).
French postal codes are checked for shape and department (01–95, Corsica 20, overseas 97x/98x); without an
official postal-code table shipped, the commune is checked for shape, and Paris/Lyon/Marseille codes for
their city. Every message is in French and shown beside its field and in the error summary.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from forms.accounts import EMAIL_INVALID, EMAIL_REQUIRED, FrenchForm, email_field
from forms.fields import options

DEFAULT_REGION = "FR"
POSTAL_CODE = re.compile(r"^\d{5}$")
COMMUNE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ0-9][A-Za-zÀ-ÖØ-öø-ÿŒœ0-9 '’.\-]*$")
#: postal-code prefixes of the three cities split into arrondissements
CITY_PREFIXES = {"75": "paris", "69": "lyon", "13": "marseille"}


def postal_code_problem(code: str) -> str | None:
    if not POSTAL_CODE.match(code):
        return "Le code postal comporte 5 chiffres, par exemple 75020."
    department = int(code[:2])
    if department in {0, 96, 99}:
        return "Ce code postal n'existe pas : vérifiez les deux premiers chiffres (département)."
    if department == 97 and code[2] not in "12346":
        return "Ce code postal d'outre-mer n'existe pas (971 à 976)."
    if department == 98 and code[2] not in "0678":
        return "Ce code postal n'existe pas : vérifiez les trois premiers chiffres."
    return None


def normalise_phone(value: str, kind: str) -> str:
    """The number in E.164 (+33612345678); :class:`ValueError` with a French message if it cannot be one."""
    import phonenumbers  # noqa: PLC0415 - imported when first used (worker memory)
    from phonenumbers import PhoneNumberType  # noqa: PLC0415

    mobile_types = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
    landline_types = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP}
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError("Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("Ce numéro de téléphone n'existe pas : vérifiez le nombre de chiffres et l'indicatif.")
    number_type = phonenumbers.number_type(number)
    if kind == "mobile" and number_type not in mobile_types:
        raise ValueError("Ce numéro n'est pas un numéro de mobile (en France, il commence par 06 ou 07).")
    if kind == "landline" and number_type not in landline_types:
        raise ValueError("Ce numéro n'est pas un numéro de téléphone fixe (en France, 01 à 05 ou 09).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    if not e164:
        return ""
    import phonenumbers  # noqa: PLC0415 - imported when first used (worker memory)

    number = phonenumbers.parse(e164, DEFAULT_REGION)
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneValidator:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, form: Any, field: Any) -> None:
        try:
            normalise_phone(field.data or "", self.kind)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RevisionForm(FrenchForm):
    #: the profile revision the page was built from: a stale tab is detected, its input kept
    revision = HiddenField()


class AddressForm(RevisionForm):
    address_line1 = StringField(
        "Numéro et libellé de la voie",
        description="Par exemple : 12 rue des Lilas",
        validators=[InputRequired("Indiquez le numéro et le nom de la voie."),
                    Length(max=200, message="200 caractères au maximum.")],
        render_kw={"autocomplete": "address-line1"},
    )  # fmt: skip
    address_line2 = StringField(
        "Complément d'adresse (facultatif)",
        description="Bâtiment, escalier, lieu-dit, boîte postale…",
        validators=[Optional(), Length(max=200, message="200 caractères au maximum.")],
        render_kw={"autocomplete": "address-line2"},
    )
    postal_code = StringField(
        "Code postal",
        validators=[InputRequired("Indiquez le code postal.")],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": "5"},
    )
    commune = StringField(
        "Commune",
        validators=[InputRequired("Indiquez la commune."), Length(max=100, message="100 caractères au maximum.")],
        render_kw={"autocomplete": "address-level2"},
    )

    def validate_postal_code(self, field: StringField) -> None:
        problem = postal_code_problem((field.data or "").strip())
        if problem:
            raise ValidationError(problem)

    def validate_commune(self, field: StringField) -> None:
        commune = (field.data or "").strip()
        if not COMMUNE.match(commune) or not re.search(r"[^\W\d_]", commune):
            raise ValidationError("Indiquez le nom de la commune en lettres, par exemple Paris ou Saint-Denis.")
        code = (self.postal_code.data or "").strip()
        city = CITY_PREFIXES.get(code[:2]) if code[2:3] == "0" else None
        if city and POSTAL_CODE.match(code) and not commune.lower().startswith(city):
            raise ValidationError(f"Le code postal {code} est celui de {city.capitalize()} : vérifiez la commune.")

    def cleaned(self) -> dict[str, str]:
        return {
            "address_line1": " ".join((self.address_line1.data or "").split()),
            "address_line2": " ".join((self.address_line2.data or "").split()),
            "postal_code": (self.postal_code.data or "").strip(),
            "commune": " ".join((self.commune.data or "").split()),
        }


class ContactEmailForm(RevisionForm):
    email = email_field(
        "Nouvelle adresse e-mail de contact",
        "Un lien de confirmation y sera envoyé : la nouvelle adresse ne sera utilisée qu'une fois confirmée.",
    )


class PhonesForm(RevisionForm):
    mobile_phone = StringField(
        "Téléphone mobile (facultatif)",
        description="Par exemple : 06 12 34 56 78, ou +32 470 12 34 56 pour un numéro étranger.",
        validators=[Optional(), PhoneValidator("mobile")],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    landline_phone = StringField(
        "Téléphone fixe (facultatif)",
        description="Par exemple : 01 23 45 67 89.",
        validators=[Optional(), PhoneValidator("landline")],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )

    def cleaned(self) -> dict[str, str]:
        mobile = (self.mobile_phone.data or "").strip()
        landline = (self.landline_phone.data or "").strip()
        return {
            "mobile_phone": normalise_phone(mobile, "mobile") if mobile else "",
            "landline_phone": normalise_phone(landline, "landline") if landline else "",
        }


class LoginEmailForm(FrenchForm):
    current_email = EmailField(
        "1. Saisissez votre email de connexion actuel",
        validators=[DataRequired(EMAIL_REQUIRED), Email(EMAIL_INVALID)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    new_email = email_field("2. Saisissez votre nouvel email de connexion", "Ex : anexemple@exemple.fr")
    password = PasswordField(
        "3. Saisissez votre mot de passe pour valider les modifications",
        validators=[DataRequired("Indiquez votre mot de passe.")],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_new_email(self, field: EmailField) -> None:
        if (field.data or "").strip().lower() == (self.current_email.data or "").strip().lower():
            raise ValidationError("La nouvelle adresse est identique à l'actuelle.")


PAPER_CHOICES = options(
    [
        ("online", "En ligne uniquement : je télécharge mes documents depuis mon espace (zéro papier)"),
        ("post", "En ligne et par courrier : je reçois aussi mes documents par voie postale"),
    ]
)


class PaperlessForm(RevisionForm):
    mode = RadioField(
        "Comment souhaitez-vous recevoir vos documents ?",
        choices=PAPER_CHOICES,
        validators=[InputRequired("Choisissez comment recevoir vos documents.")],
    )


class DeleteAccountForm(FrenchForm):
    confirm = BooleanField(
        "J'ai compris que mon compte sera fermé et que mes données non obligatoires seront effacées",
        validators=[DataRequired("Cochez la case pour confirmer la suppression de votre compte.")],
    )
    password = PasswordField(
        "Mot de passe",
        description="Pour confirmer qu'il s'agit bien de vous.",
        validators=[DataRequired("Indiquez votre mot de passe.")],
        render_kw={"autocomplete": "current-password"},
    )


__all__ = [
    "EMAIL_INVALID", "EMAIL_REQUIRED", "AddressForm", "ContactEmailForm", "DeleteAccountForm", "LoginEmailForm",
    "PaperlessForm", "PhonesForm", "display_phone", "normalise_phone", "postal_code_problem",
]  # fmt: skip
