"""Forms of « Changement de situation familiale »: what happened and when, then who joins the contract.

The contract's cover (partner, children, start date) reaches the forms through the journey's sources
(``contract:cover``), copied when the journey started (``wizard.family_change.service.start``): the forms stay pure.
The identity pages ask exactly what the subscription asks (same fields, same checks).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import InputRequired, Length, ValidationError

from config.formats import long_date
from forms.affiliation import CHILD_SITUATIONS, DATE_MESSAGE, age_on, check_birth_date
from forms.base import StepForm
from forms.family_cover import ADDING_EVENTS, EVENTS, cover_from_answers, paris_today, person_label
from forms.fields import RequiredIf, options
from forms.subscription import ChildForm, PartnerForm, clean_organisme, compact_nir, fix_date_message, masked_nir

BIRTH_KINDS = options([("birth", "Une naissance"), ("adoption", "Une adoption")])
UNION_KINDS = options([("marriage", "Un mariage"), ("pacs", "Un PACS"), ("concubinage", "Un début de concubinage")])
SEPARATION_KINDS = options([
    ("divorce", "Un divorce ou une séparation de corps"),
    ("pacs_end", "La fin d'un PACS"),
    ("separation", "La fin d'un concubinage"),
])  # fmt: skip
#: events that remove a person the member picks among those covered
PICKED_EVENTS = ("death", "child_not_dependant", "child_studies")
#: events about a child only
CHILD_EVENTS = ("child_not_dependant", "child_studies")


class EventForm(StepForm):
    event = RadioField(
        "Que s'est-il passé ?", choices=options(EVENTS), validators=[InputRequired("Choisissez ce qui a changé.")]
    )
    birth_kind = RadioField(
        "S'agit-il d'une naissance ou d'une adoption ?", choices=BIRTH_KINDS,
        validators=[RequiredIf("event", "birth_adoption", "Indiquez s'il s'agit d'une naissance ou d'une adoption.")],
    )  # fmt: skip
    union_kind = RadioField(
        "De quelle union s'agit-il ?", choices=UNION_KINDS,
        validators=[RequiredIf("event", "union", "Indiquez s'il s'agit d'un mariage, d'un PACS ou d'un concubinage.")],
    )  # fmt: skip
    separation_kind = RadioField(
        "De quelle séparation s'agit-il ?", choices=SEPARATION_KINDS,
        validators=[RequiredIf("event", "separation", "Indiquez de quelle séparation il s'agit.")],
    )  # fmt: skip
    person = SelectField("Quelle personne est concernée ?", validate_choice=False)
    event_date = DateField(
        "À quelle date ?",
        description="La date de l'événement (naissance, mariage, jugement, décès…), au format jj/mm/aaaa.",
        validators=[InputRequired("Indiquez la date de l'événement.")],
    )
    place = StringField(
        "Dans quelle ville faites-vous cette déclaration ?",
        description="Elle figurera sur l'avenant que vous signerez (« Fait à … »).",
        validators=[InputRequired("Indiquez la ville."), Length(max=100, message="100 caractères au maximum.")],
    )

    def adapt_to_context(self) -> None:
        cover = cover_from_answers(self.context.answers)
        people = cover.people() if cover else []
        self.person.choices = options([("", "— Choisir —"), *((p["key"], person_label(p)) for p in people)])
        if self.event_date.process_errors:
            self.event_date.process_errors = [DATE_MESSAGE]

    def validate_event(self, field: RadioField) -> None:
        cover = cover_from_answers(self.context.answers)
        if cover is None:
            return
        if field.data == "union" and cover.partner is not None:
            raise ValidationError(
                "Un(e) conjoint(e) est déjà couvert(e) par votre contrat : déclarez d'abord la séparation."
            )
        if field.data == "separation" and cover.partner is None:
            raise ValidationError(
                "Aucun(e) conjoint(e) n'est couvert(e) par votre contrat : il n'y a personne à retirer."
            )
        if field.data in CHILD_EVENTS and not cover.children:
            raise ValidationError("Aucun enfant n'est couvert par votre contrat : il n'y a personne à retirer.")

    def validate_person(self, field: SelectField) -> None:
        if self.event.data not in PICKED_EVENTS:
            field.data = ""
            return
        cover = cover_from_answers(self.context.answers)
        person = cover.person(field.data or "") if cover else None
        if not field.data:
            raise ValidationError("Choisissez la personne concernée.")
        if person is None or (self.event.data in CHILD_EVENTS and person["kind"] != "child"):
            raise ValidationError(
                "Cette personne n'est pas couverte par votre contrat : choisissez-en une dans la liste."
            )

    def validate_event_date(self, field: DateField) -> None:
        if field.data is None:
            return
        if field.data > paris_today():
            raise ValidationError("La date de l'événement ne peut pas être dans le futur.")
        cover = cover_from_answers(self.context.answers)
        if cover is not None and field.data < cover.contract_start:
            raise ValidationError(
                "La date de l'événement ne peut pas être antérieure au début de votre contrat "
                f"({long_date(cover.contract_start)})."
            )

    def summary(self) -> list[tuple[str, str]]:
        rows = super().summary()
        if self.event.data not in PICKED_EVENTS:
            rows = [(q, a) for q, a in rows if q != str(self.person.label.text)]
        return rows


class NewPartnerForm(PartnerForm):
    """The partner who joins: the subscription's partner page, as is."""

    @classmethod
    def initial_data(cls, context: Any) -> dict[str, Any]:
        return {"birth_country": "France"}


class NewChildForm(StepForm):
    """The child who joins: the subscription's questions for a child, plus the situation for the age rule."""

    birth_date = ChildForm.birth_date
    civilite = ChildForm.civilite
    first_name = ChildForm.first_name
    last_name = ChildForm.last_name
    birth_country = ChildForm.birth_country
    birth_city = ChildForm.birth_city
    nir_choice = ChildForm.nir_choice
    nir = ChildForm.nir
    code_organisme = ChildForm.code_organisme
    situation = RadioField(
        "Situation de l'enfant s'il a 21 ans ou plus", choices=CHILD_SITUATIONS, default="none",
        validators=[InputRequired("Indiquez la situation de l'enfant.")],
    )  # fmt: skip
    masked_fields = ("nir",)

    @classmethod
    def initial_data(cls, context: Any) -> dict[str, Any]:
        born = context.answers.value("event", "event_date")
        birth = context.answers.value("event", "birth_kind") == "birth"
        return {"birth_date": born if birth else None, "nir_choice": "attached", "birth_country": "France"}

    def adapt_to_context(self) -> None:
        fix_date_message(self.birth_date)

    def mask(self, name: str, value: Any) -> str:
        return masked_nir(value)

    def validate_birth_date(self, field: DateField) -> None:
        check_birth_date(field.data, date.today(), "de l'enfant")
        answers = self.context.answers
        event_date = answers.value("event", "event_date")
        if answers.value("event", "birth_kind") == "birth" and field.data and event_date and field.data != event_date:
            raise ValidationError(
                f"Pour une naissance, la date de naissance est la date de l'événement ({long_date(event_date)})."
            )

    def validate_situation(self, field: RadioField) -> None:
        born = self.birth_date.data
        if born is None:
            return
        age = age_on(born, paris_today())
        if age < 21 or field.data == "disabled" or (age < 25 and field.data in ("student", "apprentice", "job_seeker")):
            return
        raise ValidationError(
            f"Cet enfant a {age} ans : il ne peut être couvert que s'il a moins de 21 ans, moins de 25 ans s'il est "
            "étudiant, apprenti ou demandeur d'emploi, ou sans limite d'âge en cas de handicap reconnu."
        )

    def validate_code_organisme(self, field: StringField) -> None:
        from forms.subscription import check_organisme  # noqa: PLC0415

        check_organisme(self, field, self.context)

    def cleaned_data(self) -> dict[str, Any]:
        data = super().cleaned_data()
        data["nir"] = compact_nir(self.nir.data) if self.nir_choice.data == "own" else ""
        data["code_organisme"] = clean_organisme(self.code_organisme.data, self.context)
        return data


__all__ = ["ADDING_EVENTS", "EventForm", "NewChildForm", "NewPartnerForm"]
