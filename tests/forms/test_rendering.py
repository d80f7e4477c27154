"""forms/rendering.py writes fields with exactly the markup WTForms' widgets give: same tags, attributes and order,
values escaped — checked against WTForms itself for every kind of field the forms use, filled, empty and in error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    Form,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import NumberInput

from forms import rendering
from forms.fields import options

HOSTILE = 'Dupont & "fils" <script>'


class EveryKind(Form):
    name = StringField("Nom « usuel »", [InputRequired("Indiquez un nom."), Length(max=40)], description="Hint & co")
    email = EmailField("Courriel", render_kw={"autocomplete": "email", "spellcheck": "false"})
    phone = TelField("Téléphone", [Optional(), Length(min=10, max=14)])
    born = DateField("Né(e) le", [InputRequired("Indiquez la date.")])
    since = DateField("Depuis le", render_kw={"min": date(2020, 1, 1), "max": date(2030, 12, 31)})
    children = IntegerField("Enfants", [Optional(), NumberRange(1, 12)])
    count = IntegerField("Nombre", widget=NumberInput(step=1, min=0, max=9), render_kw={"max": 5})
    share = DecimalField("Part", [Optional()])
    note = TextAreaField("Note", [Length(max=500)])
    secret = PasswordField("Mot de passe", [DataRequired()])
    region = SelectField("Région", choices=options([("", "— Choisir —"), ("idf", "Île-de-France"), ("x", HOSTILE)]))
    regime = RadioField("Régime", [InputRequired("Choisissez.")], choices=options([("a", "A & B"), ("b", '"B"')]))
    partner = RadioField("Conjoint", choices=options([("yes", "Oui"), ("no", "Non")]), render_kw={"data-x": "1"})
    confirm = BooleanField("Je confirme", [DataRequired("Cochez la case.")])
    agree = BooleanField("J'accepte", default=True, render_kw={"data-track": "x"})


FILLED = MultiDict({
    "name": HOSTILE, "email": "a@example.fr", "phone": "0102030405", "born": "1980-02-29", "children": "2",
    "share": "33.5", "note": HOSTILE, "count": "3", "agree": "y", "since": "2024-05-01",
    "secret": "x", "region": "x", "regime": "b", "partner": "no", "confirm": "y",
})  # fmt: skip
WRONG = MultiDict({"name": " ", "born": "pas une date", "children": "99", "share": "abc", "regime": "zzz"})


def _forms() -> list[EveryKind]:
    filled = EveryKind(FILLED)
    filled.validate()
    wrong = EveryKind(WRONG)
    wrong.validate()
    prefilled = EveryKind(data={"born": date(1990, 5, 17), "share": Decimal("12.5"), "region": "idf"})
    return [EveryKind(), filled, wrong, prefilled]


def _aria(field: object) -> dict[str, object]:
    return rendering._aria(field)  # type: ignore[arg-type]


@pytest.mark.parametrize("index", range(4), ids=["empty", "filled", "in-error", "prefilled"])
def test_inputs_and_labels_are_wtforms_markup(index: int) -> None:
    form = _forms()[index]
    for field in form:
        assert rendering.label_tag(field, class_="label") == field.label(class_="label")
        assert rendering.input_tag(field, class_="input", **_aria(field)) == field(class_="input", **_aria(field))
        assert rendering.input_tag(field) == field()


def test_radio_options_are_wtforms_options() -> None:
    for form in _forms():
        for field in (form.regime, form.partner):
            expected = "\n".join(f'<div class="radio-row">{option()} {option.label()}</div>' for option in field)
            assert rendering.radio_options(field) == expected


def test_values_are_escaped_and_errors_and_hints_are_described() -> None:
    filled, wrong = _forms()[1], _forms()[2]
    html = str(rendering.render_field(filled.name))
    assert "<script>" not in html
    assert 'value="Dupont &amp; &#34;fils&#34; &lt;script&gt;"' in html
    assert '<p class="hint" id="name-hint">Hint &amp; co</p>' in html
    in_error = str(rendering.render_field(wrong.born))
    assert 'aria-invalid="true"' in in_error
    assert 'aria-describedby="born-error"' in in_error
    assert 'id="born-error"><span class="visually-hidden">Erreur : </span>' in in_error
    radios = str(rendering.render_field(wrong.regime))
    assert '<div class="field has-error " id="regime">' in radios
    assert 'aria-describedby="regime-error"' in radios


def test_hidden_fields_are_not_shown_and_results_are_markup() -> None:
    form = _forms()[0]
    for field in form:
        assert isinstance(rendering.render_field(field), Markup)
    assert rendering.render_field(form.confirm).count("<input") == 1
