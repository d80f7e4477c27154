"""HR: find a member's designation and record a beneficiary's written acceptance (L132-9)."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, HiddenField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from forms.accounts import FrenchForm, email_field


class FindMemberForm(FrenchForm):
    email = email_field("Email de connexion de l'agent")


class AcceptanceForm(FrenchForm):
    email = HiddenField()
    version = HiddenField()
    accepted_on = DateField(
        "Date de l'acceptation écrite du bénéficiaire",
        description="La date portée sur l'acceptation reçue (avenant ou acte signé par l'agent et le bénéficiaire).",
        validators=[InputRequired("Indiquez la date de l'acceptation.")],
    )
    confirm = BooleanField(
        "Je confirme avoir reçu l'acceptation écrite : l'agent ne pourra plus modifier cette désignation en ligne",
        validators=[DataRequired("Cochez la case pour confirmer.")],
    )

    def __init__(self, *args: object, today: date | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today or date.today()

    def validate_accepted_on(self, field: DateField) -> None:
        if field.data and field.data > self.today:
            raise ValidationError("La date de l'acceptation ne peut pas être dans le futur.")
