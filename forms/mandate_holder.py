"""Forms of the account holder's mandate signature, and of the member naming another holder."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length

from forms.accounts import FrenchForm
from forms.subscription import CIVILITES


class HolderSignForm(FrenchForm):
    code = StringField(
        "Code reçu par courriel",
        description="Six chiffres, valables 10 minutes.",
        validators=[InputRequired("Saisissez le code reçu par courriel."), Length(max=12, message="Code trop long.")],
    )
    certify = BooleanField(
        "Je suis titulaire du compte désigné dans ce mandat et j'autorise les prélèvements qui y sont décrits."
    )


class ChangeHolderForm(FrenchForm):
    civilite = RadioField(
        "Civilité du titulaire du compte",
        choices=CIVILITES,
        validators=[InputRequired("Choisissez la civilité du titulaire du compte.")],
    )
    last_name = StringField(
        "Nom du titulaire du compte",
        validators=[
            InputRequired("Indiquez le nom du titulaire du compte."),
            Length(max=70, message="70 caractères au maximum."),
        ],
    )
    first_name = StringField(
        "Prénom du titulaire du compte",
        validators=[
            InputRequired("Indiquez le prénom du titulaire du compte."),
            Length(max=70, message="70 caractères au maximum."),
        ],
    )
    email = EmailField(
        "Adresse électronique du titulaire du compte",
        validators=[
            InputRequired("Indiquez l'adresse électronique du titulaire du compte."),
            Email("Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr."),
            Length(max=254, message="254 caractères au maximum."),
        ],
    )
    address = TextAreaField(
        "Adresse postale du titulaire du compte",
        validators=[
            InputRequired("Indiquez l'adresse postale du titulaire du compte."),
            Length(max=300, message="300 caractères au maximum."),
        ],
    )

    def holder(self) -> dict[str, str]:
        return {
            "civilite": self.civilite.data or "",
            "first_name": (self.first_name.data or "").strip(),
            "last_name": (self.last_name.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "address": (self.address.data or "").strip(),
        }
