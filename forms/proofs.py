"""Operations' decision on a supporting document: accept it, or refuse it with a reason the member reads."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.fields import CleanTextMeta, options

DECISIONS = options([("accept", "Accepter ce justificatif"), ("refuse", "Refuser ce justificatif")])


class ProofDecisionForm(FlaskForm):
    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")

    decision = RadioField("Votre décision", choices=DECISIONS, validators=[InputRequired("Choisissez une décision.")])
    reason = TextAreaField(
        "Motif du refus (lu tel quel par l'adhérent)",
        description="Par exemple : « Document illisible : envoyez une copie nette de toutes les pages. »",
        validators=[Length(max=500, message="500 caractères au maximum.")],
    )

    def validate_reason(self, field: TextAreaField) -> None:
        field.data = (field.data or "").strip()
        if self.decision.data == "refuse" and len(field.data) < 5:
            raise ValidationError("Indiquez le motif du refus : l'adhérent le lira pour envoyer le bon document.")
