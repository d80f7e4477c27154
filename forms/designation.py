"""Forms of the beneficiary designation (docs/JOURNEYS.md §4) and of the re-authentication that guards it.

Rules enforced at the field, in French: shares total exactly 100 % in each rank (saying by how much they are
off), ranks used in order, nobody named twice (same names and birth date), nobody born in the future.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from config.formats import percent
from forms.affiliation import DATE_MESSAGE
from forms.base import StepForm
from forms.fields import CleanTextMeta, FiniteDecimalField, RequiredIf, options

MAX_BENEFICIARIES = 10
MODES = options(
    [
        ("standard", "Désignation standard — la clause du contrat, adaptée à la plupart des situations familiales"),
        ("particular", "Désignation particulière — je nomme mes bénéficiaires et la part de chacun"),
    ]
)
RANKS = options(
    [
        ("1", "Rang 1 — premiers bénéficiaires"),
        ("2", "Rang 2 — à défaut des bénéficiaires du rang 1"),
        ("3", "Rang 3 — à défaut des bénéficiaires du rang 2"),
    ]
)

#: who a beneficiary is to the member (the designation's « lien de parenté »)
RELATIONSHIPS = (
    ("spouse", "Conjoint(e)"),
    ("pacs", "Partenaire de PACS"),
    ("concubin", "Concubin(e)"),
    ("child", "Enfant"),
    ("grandchild", "Petit-enfant"),
    ("parent", "Père ou mère"),
    ("sibling", "Frère ou sœur"),
    ("other", "Autre personne"),
)


def _text(label: str, message: str, length: int = 100) -> StringField:
    return StringField(
        label, validators=[InputRequired(message), Length(max=length, message=f"{length} caractères au maximum.")]
    )


class ChoiceForm(StepForm):
    mode = RadioField(
        "Comment souhaitez-vous désigner vos bénéficiaires ?",
        choices=MODES,
        validators=[InputRequired("Choisissez une désignation standard ou particulière.")],
    )
    beneficiary_count = IntegerField(
        "Combien de personnes souhaitez-vous désigner (tous rangs confondus) ?",
        validators=[
            RequiredIf("mode", "particular", "Indiquez le nombre de personnes à désigner."),
            NumberRange(1, MAX_BENEFICIARIES, f"Indiquez un nombre entre 1 et {MAX_BENEFICIARIES}."),
        ],
    )
    birth_date = DateField(
        "Votre date de naissance",
        validators=[InputRequired("Indiquez votre date de naissance.")],
        description="Elle figure sur votre désignation signée, pour vous identifier.",
    )
    place = _text("Fait à (ville où vous signez)", "Indiquez la ville où vous signez votre désignation.")

    @classmethod
    def initial_data(cls, context: Any) -> dict[str, Any]:
        born = context.prefill.get("birth_date")
        return {"birth_date": date.fromisoformat(born) if isinstance(born, str) else born}

    def adapt_to_context(self) -> None:
        if self.birth_date.process_errors:
            self.birth_date.process_errors = [DATE_MESSAGE]
        if self.beneficiary_count.process_errors:
            self.beneficiary_count.process_errors = ["Indiquez un nombre entier."]

    def validate_birth_date(self, field: DateField) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("Votre date de naissance ne peut pas être dans le futur.")


class ShareField(FiniteDecimalField):
    """A percentage typed the French way (« 33,33 », « 50 % »); never NaN nor Infinity."""

    not_a_number_message = "Indiquez une part en pourcentage, par exemple 50 ou 33,33."

    def process_formdata(self, valuelist: list[Any]) -> None:
        cleaned = "".join(str(valuelist[0]).replace("%", "").replace(",", ".").split()) if valuelist else ""
        if not cleaned:
            self.data = None  # « missing » is said by InputRequired, not « invalid »
            return
        try:
            super().process_formdata([cleaned])
        except ValueError as error:
            raise ValueError("Indiquez une part en pourcentage, par exemple 50 ou 33,33.") from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # an unreadable share is said once, not also as out of range
            raise StopValidation()


class BeneficiaryForm(Form):
    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")

    rank = SelectField("Rang", choices=RANKS, default="1", validators=[InputRequired("Choisissez le rang.")])
    last_name = _text("Nom", "Indiquez le nom du bénéficiaire.")
    first_names = _text("Prénoms", "Indiquez le(s) prénom(s) du bénéficiaire.")
    birth_name = StringField("Nom de naissance (s'il est différent)", validators=[Optional(), Length(max=100)])
    birth_date = DateField(
        "Date de naissance", validators=[InputRequired("Indiquez la date de naissance du bénéficiaire.")]
    )
    birth_place = _text("Lieu de naissance", "Indiquez le lieu de naissance du bénéficiaire.")
    address = _text("Adresse", "Indiquez l'adresse du bénéficiaire.", 300)
    relationship = SelectField(
        "Lien avec vous",
        choices=options([("", "— Choisir —"), *RELATIONSHIPS]),
        validators=[InputRequired("Indiquez votre lien avec le bénéficiaire.")],
    )
    share = ShareField(
        "Part du capital (en %)",
        places=2,
        validators=[
            InputRequired("Indiquez la part du capital revenant à ce bénéficiaire."),
            NumberRange(Decimal("0.01"), Decimal(100), "Indiquez une part entre 0,01 et 100 %%."),
        ],
    )

    def validate_birth_date(self, field: DateField) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("La date de naissance d'un bénéficiaire ne peut pas être dans le futur.")

    def validate_relationship(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError("Indiquez votre lien avec le bénéficiaire.")


class BeneficiariesForm(StepForm):
    #: each entry's own label titles its group (« Bénéficiaire 1 »…), never the field name « beneficiaries-0 »
    beneficiaries = FieldList(
        FormField(BeneficiaryForm, "Bénéficiaire"), "Bénéficiaire", min_entries=1, max_entries=MAX_BENEFICIARIES
    )

    @property
    def expected_count(self) -> int:
        return int(self.context.answers.value("choice", "beneficiary_count") or 1)

    def adapt_to_context(self) -> None:
        while len(self.beneficiaries.entries) < self.expected_count:
            self.beneficiaries.append_entry()
        for entry in self.beneficiaries.entries:
            if entry.form.birth_date.process_errors:
                entry.form.birth_date.process_errors = [DATE_MESSAGE]

    def validate_beneficiaries(self, field: FieldList) -> None:
        if len(field.entries) != self.expected_count:
            raise ValidationError(
                f"Vous avez indiqué {self.expected_count} bénéficiaire(s) : renseignez-les tous, ou modifiez "
                "leur nombre à l'étape précédente."
            )
        forms = [entry.form for entry in field.entries]
        problems = [check_duplicates(forms), check_single_partner(forms), check_ranks(forms), check_shares(forms)]
        if any(problems):
            raise ValidationError("Certains bénéficiaires sont à corriger : voir les messages sous chacun d'eux.")

    def cleaned_data(self) -> dict[str, Any]:
        rows = [dict(entry.form.data) for entry in self.beneficiaries.entries]
        for row in rows:
            row["share"] = f"{row['share'].normalize():f}"
            row["rank"] = int(row["rank"])
        return {"beneficiaries": rows}


def _add_error(field: Any, message: str) -> None:
    field.errors = [*field.errors, message]


def person_key(form: BeneficiaryForm) -> tuple[str, str, date | None]:
    """Names compared without case or accents (« Élodie » = « ELODIE »), with the birth date."""

    def fold(text: str | None) -> str:
        decomposed = unicodedata.normalize("NFKD", text or "")
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())

    return fold(form.last_name.data), fold(form.first_names.data), form.birth_date.data


#: a member has at most one spouse or PACS partner
PARTNER_RELATIONSHIPS = ("spouse", "pacs")


def check_single_partner(forms: list[BeneficiaryForm]) -> bool:
    """At most one « Conjoint(e) » or « Partenaire de PACS »: the later ones are refused."""
    seen = False
    found = False
    for form in forms:
        if form.relationship.data in PARTNER_RELATIONSHIPS:
            if seen:
                _add_error(
                    form.relationship,
                    "Vous ne pouvez désigner qu'un(e) seul(e) conjoint(e) ou partenaire de PACS : choisissez un "
                    "autre lien pour ce bénéficiaire.",
                )
                found = True
            seen = True
    return found


def check_duplicates(forms: list[BeneficiaryForm]) -> bool:
    """The same person twice (same names, same birth date): the later entry is refused."""
    seen: set[tuple[str, str, date | None]] = set()
    found = False
    for form in forms:
        key = person_key(form)
        if key[0] and key[2] is not None and key in seen:
            _add_error(form.last_name, "Cette personne est déjà désignée plus haut (même nom, mêmes prénoms et même "
                       "date de naissance) : indiquez chaque bénéficiaire une seule fois.")  # fmt: skip
            found = True
        seen.add(key)
    return found


def valid_rank(form: BeneficiaryForm) -> int | None:
    """The entry's rank when it is one of the offered ranks; anything else has its own error on the field."""
    offered = {str(value) for value, *_ in form.rank.iter_choices()}
    return int(form.rank.data) if form.rank.data in offered else None


def check_ranks(forms: list[BeneficiaryForm]) -> bool:
    """Ranks are used in order: a rank 2 « à défaut » needs a rank 1, a rank 3 needs a rank 2."""
    used = {str(rank) for form in forms if (rank := valid_rank(form)) is not None}
    found = False
    for form in forms:
        rank = valid_rank(form)
        if rank is None:
            continue
        missing = [r for r in range(1, rank) if str(r) not in used]
        if missing:
            _add_error(form.rank, f"Aucun bénéficiaire n'est désigné au rang {missing[0]} : utilisez les rangs dans "
                       "l'ordre (rang 1, puis rang 2 à défaut, puis rang 3).")  # fmt: skip
            found = True
    return found


def check_shares(forms: list[BeneficiaryForm]) -> bool:
    """Each rank shares the whole capital: its shares total exactly 100 %."""
    by_rank: dict[str, list[BeneficiaryForm]] = defaultdict(list)
    for form in forms:
        if (number := valid_rank(form)) is not None:
            by_rank[str(number)].append(form)
    found = False
    for rank, members in sorted(by_rank.items()):
        shares = [share for form in members if (share := _share(form)) is not None]
        if len(shares) != len(members):
            continue  # a missing or invalid share already has its own message
        total = sum(shares, Decimal(0))
        if total != 100:
            gap = f"il manque {percent(100 - total)}" if total < 100 else f"{percent(total - 100)} de trop"
            _add_error(members[-1].share, f"Les parts du rang {rank} totalisent {percent(total)} : {gap}. "
                       "Le total de chaque rang doit être exactement de 100 %.")  # fmt: skip
            found = True
    return found


def _share(form: BeneficiaryForm) -> Decimal | None:
    value = form.share.data
    return value if isinstance(value, Decimal) and not form.share.errors else None


# --- re-authentication ---------------------------------------------------------------------------------------


class ReauthPasswordForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    password = PasswordField(
        "Votre mot de passe",
        validators=[InputRequired("Indiquez votre mot de passe."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ReauthCodeForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    code = StringField(
        "Code reçu par courriel (6 chiffres)",
        validators=[InputRequired("Indiquez le code à 6 chiffres reçu par courriel."), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
