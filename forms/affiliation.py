"""Forms of the affiliation journey (docs/JOURNEYS.md §1): régime, household, children, formula."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from wtforms import FieldList, Form, FormField, IntegerField, RadioField, SelectField
from wtforms.fields import BooleanField, DateField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from config.formats import euros, long_date
from config.pricing import Quote, household_from_answers, price_table
from forms.base import StepForm
from forms.fields import YES_NO, CleanTextMeta, RequiredIf, options

CHILD_SITUATIONS = options([
    ("none", "Aucune de ces situations"),
    ("student", "Étudiant(e)"),
    ("apprentice", "Apprenti(e)"),
    ("job_seeker", "Demandeur(se) d'emploi"),
    ("disabled", "En situation de handicap reconnue (CDAPH)"),
])
PARTNER_LINKS = options([
    ("spouse", "Conjoint(e) marié(e), non divorcé(e) ni séparé(e) de corps"),
    ("pacs", "Partenaire de PACS"),
    ("concubin", "Concubin(e)"),
])
MAX_CHILDREN = 15
DATE_MESSAGE = "Indiquez une date valide au format jj/mm/aaaa."


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a day (« moins de 21 ans » means before the 21st birthday)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def check_birth_date(value: date | None, today: date, who: str) -> None:
    if value is None:
        return
    if value > today:
        raise ValidationError(f"La date de naissance {who} ne peut pas être dans le futur.")
    if age_on(value, today) > 120:
        raise ValidationError(f"La date de naissance {who} semble erronée : vérifiez l'année.")


class RegimeForm(StepForm):
    regime = RadioField(
        "Quel est votre régime d'affiliation ?",
        validators=[InputRequired("Choisissez votre régime de Sécurité sociale.")],
        description="Prérempli d'après les informations transmises par votre employeur ; corrigez-le si besoin.",
    )

    @classmethod
    def initial_data(cls, context: Any) -> dict[str, Any]:
        return {"regime": context.prefill.get("regime")}

    def adapt_to_context(self) -> None:
        self.regime.choices = options((r.code, r.label) for r in self.context.catalogue.regimes)

    def validate_regime(self, field: RadioField) -> None:
        regime = self.context.catalogue.regime(field.data)
        if regime is not None and not regime.eligible:
            raise ValidationError(self.context.catalogue.ineligible_regime_help)


class HouseholdForm(StepForm):
    cover_partner = RadioField(
        "Souhaitez-vous couvrir votre conjoint(e), partenaire de PACS ou concubin(e) ?",
        choices=YES_NO,
        validators=[InputRequired("Indiquez si vous souhaitez couvrir votre conjoint(e).")],
    )
    partner_link = RadioField(
        "Quel est votre lien avec cette personne ?",
        choices=PARTNER_LINKS,
        validators=[RequiredIf("cover_partner", "yes", "Précisez votre lien avec votre conjoint(e).")],
    )
    partner_regime = SelectField(
        "Régime de Sécurité sociale de votre conjoint(e)",
        validators=[RequiredIf("cover_partner", "yes", "Choisissez le régime de votre conjoint(e).")],
    )
    partner_is_state_agent = RadioField(
        "Votre conjoint(e) est-il (elle) agent civil de l'État ?",
        choices=YES_NO,
        description="Un agent de l'État est couvert par le contrat collectif de son propre ministère.",
        validators=[RequiredIf("cover_partner", "yes", "Indiquez si votre conjoint(e) est agent de l'État.")],
    )
    partner_birth_date = DateField(
        "Date de naissance de votre conjoint(e)",
        validators=[RequiredIf("cover_partner", "yes", "Indiquez la date de naissance de votre conjoint(e).")],
    )
    cover_children = RadioField(
        "Souhaitez-vous couvrir votre ou vos enfant(s) ?",
        choices=YES_NO,
        validators=[InputRequired("Indiquez si vous souhaitez couvrir vos enfants.")],
    )
    children_count = IntegerField(
        "Combien d'enfants souhaitez-vous couvrir ?",
        validators=[
            RequiredIf("cover_children", "yes", "Indiquez le nombre d'enfants à couvrir."),
            NumberRange(1, MAX_CHILDREN, f"Indiquez un nombre d'enfants entre 1 et {MAX_CHILDREN}."),
        ],
    )

    def adapt_to_context(self) -> None:
        regimes = [(r.code, r.label) for r in self.context.catalogue.regimes]
        self.partner_regime.choices = options([("", "— Choisir —"), *regimes])
        self.partner_birth_date.process_errors = [DATE_MESSAGE] if self.partner_birth_date.process_errors else []
        self.children_count.process_errors = (
            ["Indiquez un nombre entier."] if self.children_count.process_errors else []
        )

    def validate_partner_regime(self, field: SelectField) -> None:
        regime = self.context.catalogue.regime(field.data)
        if regime is not None and not regime.eligible:
            raise ValidationError(
                "Un(e) conjoint(e) qui ne relève pas de la Sécurité sociale française ne peut pas être couvert(e)."
            )

    def validate_partner_is_state_agent(self, field: RadioField) -> None:
        if field.data == "yes":
            raise ValidationError(
                "Votre conjoint(e), agent civil de l'État, est couvert(e) par le contrat de son propre "
                "ministère : il (elle) ne peut pas être ajouté(e) ici. Répondez « Non » à la première question."
            )

    def validate_partner_birth_date(self, field: DateField) -> None:
        check_birth_date(field.data, date.today(), "de votre conjoint(e)")


class NoCoverForm(StepForm):
    confirm = BooleanField(
        "Je confirme ne couvrir ni conjoint(e) ni enfant",
        validators=[DataRequired("Cochez la case pour confirmer, ou revenez à l'étape précédente.")],
    )


class ChildForm(Form):
    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")

    birth_date = DateField(
        "Date de naissance",
        validators=[InputRequired("Indiquez la date de naissance de l'enfant.")],
    )
    situation = RadioField(
        "Situation de l'enfant s'il a 21 ans ou plus",
        choices=CHILD_SITUATIONS,
        default="none",
        validators=[InputRequired("Indiquez la situation de l'enfant.")],
    )


class ChildrenForm(StepForm):
    children = FieldList(FormField(ChildForm), "Enfant", min_entries=1, max_entries=MAX_CHILDREN)

    @property
    def expected_count(self) -> int:
        return int(self.context.answers.value("household", "children_count") or 1)

    def adapt_to_context(self) -> None:
        while len(self.children.entries) < self.expected_count:
            self.children.append_entry()
        for entry in self.children.entries:
            if entry.form.birth_date.process_errors:
                entry.form.birth_date.process_errors = [DATE_MESSAGE]

    def validate_children(self, field: FieldList) -> None:
        if len(field.entries) != self.expected_count:
            raise ValidationError(
                f"Vous avez indiqué {self.expected_count} enfant(s) : renseignez exactement "
                f"{self.expected_count} date(s) de naissance, ou modifiez le nombre d'enfants."
            )
        problems = [check_child(entry.form, self.context.effective_date) for entry in field.entries]
        if any(problems):
            raise ValidationError("Un enfant ne peut pas être couvert tel quel : voir le message sous cet enfant.")


def check_child(child: ChildForm, on: date) -> bool:
    """Children under 21; 21–24 if student, apprentice or job seeker; any age with a recognised disability.

    Errors go on the child's own fields; returns True when something is wrong with this child.
    """
    born, situation = child.birth_date.data, child.situation.data
    if born is None:
        return False
    try:
        check_birth_date(born, date.today(), "de l'enfant")
    except ValidationError as error:
        child.birth_date.errors = [*child.birth_date.errors, str(error)]
        return True
    age = age_on(born, on)
    if age < 21 or situation == "disabled" or (age < 25 and situation in ("student", "apprentice", "job_seeker")):
        return False
    limit = "21 à 24 ans : précisez s'il est étudiant, apprenti ou demandeur d'emploi" if age < 25 else "25 ans ou plus"
    message = (
        f"Cet enfant aura {age} ans le {long_date(on)} ({limit}). Il ne peut être couvert que dans les cas "
        "prévus : moins de 21 ans, moins de 25 ans s'il est étudiant, apprenti ou demandeur d'emploi, "
        "ou sans limite d'âge en cas de handicap reconnu."
    )
    child.situation.errors = [*child.situation.errors, message]
    return True


POSTCODE = re.compile(r"\b(\d{5})\b")


def recommended_level_for(context: Any) -> str | None:
    """The catalogue's recommendation when the member's postal code is one it targets (Polynésie: 987…).

    A duty-to-advise rule: a recommendation follows from the member's own situation, and no formula is ticked
    in advance for anybody.
    """
    catalogue = context.catalogue
    address = str(context.prefill.get("postal_address") or "")
    found = POSTCODE.findall(address)
    postcode = found[-1] if found else ""
    if catalogue.recommended_level and postcode and postcode.startswith(catalogue.recommendation_postcodes):
        return str(catalogue.recommended_level)
    return None


class FormulaForm(StepForm):
    level = RadioField(
        "Quelle formule choisissez-vous pour vous et votre famille ?",
        validators=[InputRequired("Choisissez une formule.")],
        description="Le même niveau de garanties s'applique à toute la famille.",
    )

    def adapt_to_context(self) -> None:
        catalogue = self.context.catalogue
        self.quotes: dict[str, Quote] = price_table(catalogue, household_from_answers(self.context.answers))
        self.level.choices = options(
            (code, f"{q.level_label} — {euros(q.total_cents)} par mois") for code, q in self.quotes.items()
        )

    @property
    def recommended_level(self) -> str | None:
        """The level recommended to *this* member (from what they told us), or None: never pre-ticked."""
        return recommended_level_for(self.context)
