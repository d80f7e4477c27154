"""Forms of the subscription journey (docs/JOURNEYS.md §2): who the member and their dependants are.

Identity and Sécurité sociale questions are shared by the member, the partner and each child, so they live
in small mixins. NIRs are masked on every page after entry (``masked_fields`` and :meth:`mask`); their
consistency with the civility and birth date is a *warning* shown on the page and the review, never an
error (legal sex changes exist, some NIRs carry no month). The contact and bank forms are in
:mod:`forms.subscription_contacts`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from wtforms import Field, FieldList, Form, FormField, RadioField, SelectField, StringField
from wtforms.fields import BooleanField, DateField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.affiliation import DATE_MESSAGE, check_birth_date
from forms.base import StepForm, describe_field
from forms.context import StepContext
from forms.fields import CleanTextMeta, RequiredIf, options
from forms.identifiers import (
    IdentifierError,
    mask_nir,
    nir_consistency_warnings,
    validate_code_organisme,
    validate_nir,
)
from forms.validators import CodeOrganismeValidator, NirValidator

CIVILITES = options([("Mme", "Madame"), ("M", "Monsieur")])
NIR_CHOICES = options([("own", "Son propre numéro"), ("attached", "Rattaché(e) au n° de l'assuré (le vôtre)")])
#: offered when the affiliation covers a partner: a child may be registered under the partner's number
PARTNER_NIR_CHOICE = ("attached_partner", "Rattaché(e) au n° de votre conjoint(e)")
TELETRANSMISSION_TEXT = (
    "J'accepte l'utilisation de la télétransmission de mes données pour un remboursement immédiat de mes prestations"
)
ORGANISME_HELP = (
    "Ce code permet la transmission automatique des informations entre la caisse de Sécurité sociale et votre "
    "mutuelle. Vous le trouverez sur l'attestation de droits ou dans l'espace Ameli.fr. "
    "S'il n'est pas complété, le code {default} sera utilisé."
)
#: the affiliation's answers, as the engine exposes them to this journey (wizard.journeys.steps.source_key)
AFFILIATION_HOUSEHOLD = "affiliation:household"
AFFILIATION_CHILDREN = "affiliation:children"
AFFILIATION_REGIME = "affiliation:regime"


def _required(message: str) -> list[Any]:
    return [InputRequired(message), Length(max=100, message="100 caractères au maximum.")]


def compact_nir(value: str | None) -> str:
    """The stored form of a valid NIR, or "" (an invalid one never reaches storage)."""
    try:
        return validate_nir(value or "").compact
    except IdentifierError:
        return ""


def masked_nir(value: Any) -> str:
    compact = compact_nir(value)
    return mask_nir(compact) if compact else ""


def default_organisme(context: StepContext) -> str:
    return context.catalogue.default_code_organisme


def clean_organisme(value: str | None, context: StepContext) -> str:
    """The typed code, compact, or the configured default when left empty (seed: « 91 919 0000 »)."""
    typed = "".join((value or "").split())
    regimes = context.catalogue.organisme_regimes
    return validate_code_organisme(typed or default_organisme(context), regimes)


def check_organisme(form: Any, field: Field, context: StepContext) -> None:
    CodeOrganismeValidator(context.catalogue.organisme_regimes, default=default_organisme(context))(form, field)


def consent_record(text: str, accepted: bool) -> dict[str, Any]:
    """A consent as evidence: the exact wording shown, the answer and when it was given (UTC)."""
    return {"text": text, "accepted": accepted, "answered_at": datetime.now(UTC).replace(microsecond=0)}


class IdentityMixin:
    """Questions identifying a person, worded for a dependant (« son nom… »); the member's form rewords them."""

    civilite = RadioField(
        "Quelle est sa civilité ?", choices=CIVILITES, validators=[InputRequired("Choisissez la civilité.")]
    )
    usage_name = StringField("Quel est son nom d'usage ?", validators=_required("Indiquez le nom d'usage."))
    birth_name = StringField("Quel est son nom de naissance ?", validators=_required("Indiquez le nom de naissance."))
    first_name = StringField("Quel est son prénom ?", validators=_required("Indiquez le prénom."))
    birth_date = DateField(
        "Quelle est sa date de naissance ?", validators=[InputRequired("Indiquez la date de naissance.")]
    )
    birth_country = StringField(
        "Quel est son pays de naissance ?", validators=_required("Indiquez le pays de naissance.")
    )
    birth_city = StringField(
        "Quelle est sa ville de naissance ?", validators=_required("Indiquez la ville de naissance.")
    )


def fix_date_message(field: DateField) -> None:
    """WTForms' own « Not a valid date value » becomes a French sentence."""
    if field.process_errors:
        field.process_errors = [DATE_MESSAGE]


class PersonalForm(StepForm):
    civilite = RadioField(
        "Quelle est votre civilité ?", choices=CIVILITES, validators=[InputRequired("Choisissez votre civilité.")]
    )
    usage_name = StringField("Quel est votre nom d'usage ?", validators=_required("Indiquez votre nom d'usage."))
    birth_name = StringField(
        "Quel est votre nom de naissance ?", validators=_required("Indiquez votre nom de naissance.")
    )
    first_name = StringField("Quel est votre prénom ?", validators=_required("Indiquez votre prénom."))
    birth_date = DateField(
        "Quelle est votre date de naissance ?", validators=[InputRequired("Indiquez votre date de naissance.")]
    )
    birth_country = StringField(
        "Quel est votre pays de naissance ?", validators=_required("Indiquez votre pays de naissance.")
    )
    birth_city = StringField(
        "Quelle est votre ville de naissance ?", validators=_required("Indiquez votre ville de naissance.")
    )

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        prefill = context.prefill
        return {
            "civilite": next((c.value for c in CIVILITES if c.label == prefill.get("civility")), None),
            "usage_name": prefill.get("last_name", ""),
            "birth_name": prefill.get("birth_name") or prefill.get("last_name", ""),
            "first_name": prefill.get("first_name", ""),
            "birth_date": prefill.get("birth_date"),
            "birth_country": prefill.get("birth_country", "France"),
            "birth_city": prefill.get("birth_city") or prefill.get("birth_place", ""),
        }

    def adapt_to_context(self) -> None:
        fix_date_message(self.birth_date)

    def validate_birth_date(self, field: DateField) -> None:
        check_birth_date(field.data, date.today(), "indiquée")


class SocialSecurityMixin:
    """NIR and code organisme of one person; the NIR is checked, the code defaults when left empty."""

    context: StepContext
    masked_fields: ClassVar[tuple[str, ...]] = ("nir",)

    def mask(self, name: str, value: Any) -> str:
        return masked_nir(value) if name == "nir" else ("••••" if value else "")

    def validate_code_organisme(self, field: Field) -> None:
        check_organisme(self, field, self.context)


class SocialSecurityForm(SocialSecurityMixin, StepForm):
    nir = StringField(
        "Quel est votre n° de Sécurité sociale ?",
        description="Les 15 caractères inscrits sur votre carte Vitale (les espaces sont acceptés).",
        validators=[NirValidator()],
    )
    code_organisme = StringField("Quel est le code de votre organisme de rattachement à la Sécurité sociale ?")
    teletransmission = BooleanField(TELETRANSMISSION_TEXT)

    def adapt_to_context(self) -> None:
        default = format_default(self.context)
        self.code_organisme.description = ORGANISME_HELP.format(default=default)

    @property
    def regime_label(self) -> str:
        code = self.context.answers.value(AFFILIATION_REGIME, "regime") or self.context.prefill.get("regime")
        regime = self.context.catalogue.regime(code) if code else None
        return regime.label if regime else ""

    def nir_warnings(self) -> tuple[str, ...]:
        personal = self.context.answers.get("personal", {})
        compact = compact_nir(self.nir.data or getattr(self.nir, "kept_value", ""))
        notes = validate_nir(compact).warnings if compact else ()
        return notes + nir_consistency_warnings(compact, personal.get("civilite"), personal.get("birth_date"))

    def cleaned_data(self) -> dict[str, Any]:
        return {
            "regime": self.context.answers.value(AFFILIATION_REGIME, "regime") or self.context.prefill.get("regime"),
            "nir": compact_nir(self.nir.data),
            "code_organisme": clean_organisme(self.code_organisme.data, self.context),
            "teletransmission": consent_record(TELETRANSMISSION_TEXT, bool(self.teletransmission.data)),
        }

    def summary(self) -> list[tuple[str, str]]:
        rows = [("Votre régime d'affiliation", self.regime_label), *super().summary()]
        return rows + [("Point à vérifier", note) for note in self.nir_warnings()]


def format_default(context: StepContext) -> str:
    code = default_organisme(context)
    return f"{code[:2]} {code[2:5]} {code[5:]}"


class PartnerForm(SocialSecurityMixin, IdentityMixin, StepForm):
    regime = SelectField("Quel est son régime social ?", validators=[InputRequired("Choisissez son régime social.")])
    nir = StringField("Quel est son n° de Sécurité sociale ?", validators=[NirValidator()])
    code_organisme = StringField("Quel est le code de son organisme de rattachement à la Sécurité sociale ?")

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        household = context.answers.get(AFFILIATION_HOUSEHOLD, {})
        return {
            "birth_date": household.get("partner_birth_date"),
            "regime": household.get("partner_regime"),
            "birth_country": "France",
        }

    def adapt_to_context(self) -> None:
        eligible = [(r.code, r.label) for r in self.context.catalogue.regimes if r.eligible]
        self.regime.choices = options([("", "— Choisir —"), *eligible])
        self.code_organisme.description = ORGANISME_HELP.format(default=format_default(self.context))
        fix_date_message(self.birth_date)

    def validate_birth_date(self, field: DateField) -> None:
        check_birth_date(field.data, date.today(), "de votre conjoint(e)")

    def nir_warnings(self) -> tuple[str, ...]:
        nir = compact_nir(self.nir.data or getattr(self.nir, "kept_value", ""))
        return nir_consistency_warnings(nir, self.civilite.data, self.birth_date.data)

    def cleaned_data(self) -> dict[str, Any]:
        data = super().cleaned_data()
        data["nir"] = compact_nir(self.nir.data)
        data["code_organisme"] = clean_organisme(self.code_organisme.data, self.context)
        return data

    def summary(self) -> list[tuple[str, str]]:
        return super().summary() + [("Point à vérifier", note) for note in self.nir_warnings()]


class ChildForm(Form):
    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")

    birth_date = DateField(
        "Quelle est sa date de naissance ?", validators=[InputRequired("Indiquez la date de naissance de l'enfant.")]
    )
    civilite = RadioField(
        "Quelle est sa civilité ?", choices=CIVILITES, validators=[InputRequired("Choisissez la civilité de l'enfant.")]
    )
    first_name = StringField("Quel est son prénom ?", validators=_required("Indiquez le prénom de l'enfant."))
    last_name = StringField("Quel est son nom de famille ?", validators=_required("Indiquez le nom de l'enfant."))
    birth_country = StringField(
        "Quel est son pays de naissance ?",
        default="France",
        validators=_required("Indiquez le pays de naissance de l'enfant."),
    )
    birth_city = StringField(
        "Quelle est sa ville de naissance ?", validators=_required("Indiquez la ville de naissance de l'enfant.")
    )
    nir_choice = RadioField(
        "Sous quel n° de Sécurité sociale est-il (elle) enregistré(e) ?",
        choices=NIR_CHOICES,
        default="attached",
        validators=[InputRequired("Indiquez sous quel numéro l'enfant est enregistré.")],
    )
    nir = StringField(
        "Quel est son n° de Sécurité sociale ?",
        validators=[RequiredIf("nir_choice", "own", "Indiquez le n° de Sécurité sociale de l'enfant."), NirValidator()],
    )
    code_organisme = StringField("Quel est le code de son organisme de rattachement à la Sécurité sociale ?")


class ChildrenForm(StepForm):
    children = FieldList(FormField(ChildForm), "Enfant", min_entries=1, max_entries=15)

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        born = [c.get("birth_date") for c in context.answers.get(AFFILIATION_CHILDREN, {}).get("children", [])]
        return {"children": [{"birth_date": b, "nir_choice": "attached", "birth_country": "France"} for b in born]}

    @property
    def expected_count(self) -> int:
        return int(self.context.answers.value(AFFILIATION_HOUSEHOLD, "children_count") or 1)

    def adapt_to_context(self) -> None:
        while len(self.children.entries) < self.expected_count:
            self.children.append_entry()
        help_text = ORGANISME_HELP.format(default=format_default(self.context))
        partner = self.context.answers.value(AFFILIATION_HOUSEHOLD, "cover_partner") == "yes"
        choices = options([*((c.value, c.label) for c in NIR_CHOICES), *([PARTNER_NIR_CHOICE] if partner else [])])
        for entry in self.children.entries:
            fix_date_message(entry.form.birth_date)
            entry.form.code_organisme.description = help_text
            entry.form.nir_choice.choices = choices

    def validate_children(self, field: FieldList) -> None:
        if len(field.entries) != self.expected_count:
            raise ValidationError(f"Renseignez les informations de vos {self.expected_count} enfant(s).")
        if any(_child_has_error(entry.form, self.context) for entry in field.entries):
            raise ValidationError("Les informations d'un enfant sont à corriger : voir le message sous cet enfant.")

    def cleaned_data(self) -> dict[str, Any]:
        return {"children": [_clean_child(entry.form, self.context) for entry in self.children.entries]}

    def summary(self) -> list[tuple[str, str]]:
        """Each child's answers, the NIR masked (nested fields escape ``masked_fields``)."""
        rows: list[tuple[str, str]] = []
        for index, entry in enumerate(self.children.entries, 1):
            for sub in entry.form:
                if sub.name.endswith("nir") and not sub.name.endswith("nir_choice"):
                    rows.append((f"{sub.label.text} ({index})", masked_nir(sub.data)))
                else:
                    rows += [(f"{q} ({index})", a) for q, a in describe_field(sub)]
        return [(q, a) for q, a in rows if a != ""]


def _child_has_error(child: ChildForm, context: StepContext) -> bool:
    """Birth date plausibility and the code organisme, put on the child's own fields."""
    problems = False
    try:
        check_birth_date(child.birth_date.data, date.today(), "de l'enfant")
    except ValidationError as error:
        child.birth_date.errors = [*child.birth_date.errors, str(error)]
        problems = True
    try:
        check_organisme(child, child.code_organisme, context)
    except ValidationError as error:
        child.code_organisme.errors = [*child.code_organisme.errors, str(error)]
        problems = True
    return problems


def _clean_child(child: ChildForm, context: StepContext) -> dict[str, Any]:
    data: dict[str, Any] = {name: field.data for name, field in child._fields.items()}
    data["nir"] = compact_nir(child.nir.data) if child.nir_choice.data == "own" else ""
    data["code_organisme"] = clean_organisme(child.code_organisme.data, context)
    return data


def civilite_label(code: str | None) -> str:
    """« Madame » / « Monsieur » for a stored civility code (documents print the words)."""
    return next((str(c.label) for c in CIVILITES if c.value == code), "")
