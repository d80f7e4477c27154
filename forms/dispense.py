"""Forms of the dispense journey (docs/JOURNEYS.md §3): the reason, what it needs, and the attestation's details.

The reasons and their rules (end date needed, other insurer needed, cap in months) come from the catalogue
(``dispense_reasons``), never from code: décret 2022-633 art. 3 lists the cases, the insurer configures them.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from wtforms import DateField, EmailField, RadioField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from config.catalogue import DispenseReason
from config.formats import long_date
from forms.affiliation import DATE_MESSAGE, check_birth_date
from forms.base import StepForm
from forms.context import StepContext
from forms.fields import options

CIVILITIES = options([("Madame", "Madame"), ("Monsieur", "Monsieur")])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 jan + 1 → 28/29 feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def chosen_reason(context: StepContext) -> DispenseReason | None:
    """The reason ticked in the first step (None before it was validly answered)."""
    code = context.answers.value("reason", "reason")
    return context.catalogue.dispense_reason(code) if code else None


def latest_end_date(reason: DispenseReason, effective_date: date) -> date | None:
    """The last allowed end date for a capped reason (individual contract: 12 months after the effective date)."""
    return add_months(effective_date, reason.max_months) if reason.max_months else None


class ReasonForm(StepForm):
    reason = RadioField(
        "Motif de votre dispense",
        validators=[InputRequired("Choisissez le motif de votre dispense.")],
        description="Cochez la situation qui correspond à la vôtre.",
    )

    def adapt_to_context(self) -> None:
        self.reason.choices = options((r.code, r.label) for r in self.context.catalogue.dispense_reasons)


class DetailsForm(StepForm):
    end_date = DateField(
        "Date de fin de votre dispense",
        description="Par exemple, si vos droits sont valables jusqu'au 31/12/2026, indiquez le 31/12/2026.",
    )
    other_insurer = StringField(
        "Organisme assureur de votre autre contrat",
        validators=[Length(max=200, message="200 caractères au maximum.")],
        description="Le nom de la mutuelle ou de l'assureur qui vous couvre déjà.",
    )

    def adapt_to_context(self) -> None:
        if self.end_date.process_errors:
            # a blank date is « missing » (said by validate_end_date), not « invalid »
            blank = not "".join(self.end_date.raw_data or []).strip()
            self.end_date.process_errors = [] if blank else [DATE_MESSAGE]
        reason = chosen_reason(self.context)
        limit = latest_end_date(reason, self.context.effective_date) if reason else None
        after = long_date(self.context.effective_date)
        self.end_date.description = f"Elle doit être postérieure à la date d'effet du contrat ({after})" + (
            f" et au plus tard le {long_date(limit)}." if limit else "."
        )

    @property
    def reason(self) -> DispenseReason | None:
        return chosen_reason(self.context)

    def validate_end_date(self, field: DateField) -> None:
        reason = self.reason
        if reason is None or not reason.needs_end_date or field.errors:  # an unreadable date is said once
            return
        if field.data is None:
            raise ValidationError("Indiquez la date de fin de votre dispense.")
        effective = self.context.effective_date
        if field.data <= effective:
            raise ValidationError(
                "La date de fin de dispense doit être postérieure à la date d'effet du contrat "
                f"({long_date(effective)})."
            )
        limit = latest_end_date(reason, effective)
        if limit is not None and field.data > limit:
            raise ValidationError(
                f"Pour ce motif, la dispense dure au plus {reason.max_months} mois après la date d'effet du "
                f"contrat : indiquez une date au plus tard le {long_date(limit)}."
            )

    def validate_other_insurer(self, field: StringField) -> None:
        reason = self.reason
        if reason is not None and reason.needs_insurer and not (field.data or "").strip():
            raise ValidationError("Indiquez l'organisme assureur de votre autre contrat.")

    def cleaned_data(self) -> dict[str, Any]:
        reason = self.reason
        return {
            "end_date": self.end_date.data if reason is None or reason.needs_end_date else None,
            "other_insurer": (self.other_insurer.data or "").strip() if reason and reason.needs_insurer else "",
        }


def _required(message: str, length: int) -> list[Any]:
    return [InputRequired(message), Length(max=length, message=f"{length} caractères au maximum.")]


class AttestationForm(StepForm):
    """Everything the attestation sur l'honneur must carry: identity, contact details, date and place."""

    civility = RadioField("Civilité", choices=CIVILITIES, validators=[InputRequired("Indiquez votre civilité.")])
    last_name = StringField("Nom", validators=_required("Indiquez votre nom.", 100))
    birth_name = StringField("Nom de naissance (s'il est différent)", validators=[Optional(), Length(max=100)])
    first_name = StringField("Prénom", validators=_required("Indiquez votre prénom.", 100))
    birth_date = DateField("Date de naissance", validators=[InputRequired("Indiquez votre date de naissance.")])
    postal_address = StringField("Adresse postale", validators=_required("Indiquez votre adresse postale.", 300))
    email = EmailField(
        "Adresse e-mail",
        validators=[*_required("Indiquez votre adresse e-mail.", 254), Email("Indiquez une adresse e-mail valide.")],
    )
    phone = StringField("Téléphone (facultatif)", validators=[Optional(), Length(max=32)])
    place = StringField(
        "Fait à (ville où vous signez)",
        validators=_required("Indiquez la ville où vous signez l'attestation.", 100),
        description="Ce lieu figure sur l'attestation sur l'honneur, avec la date du jour.",
    )

    @classmethod
    def initial_data(cls, context: Any) -> dict[str, Any]:
        prefill = context.prefill
        keys = ("civility", "last_name", "birth_name", "first_name", "postal_address", "email", "phone")
        data: dict[str, Any] = {key: prefill.get(key) or "" for key in keys}
        born = prefill.get("birth_date")
        data["birth_date"] = date.fromisoformat(born) if isinstance(born, str) else born
        return data

    def adapt_to_context(self) -> None:
        if self.birth_date.process_errors:
            self.birth_date.process_errors = [DATE_MESSAGE]

    def validate_birth_date(self, field: DateField) -> None:
        check_birth_date(field.data, date.today(), "indiquée")
