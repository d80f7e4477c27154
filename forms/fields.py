"""Field helpers shared by every step form: French choice lists, conditional requirement, cleaned text and
finite decimals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from wtforms import DecimalField, Field, Form, HiddenField, PasswordField, SelectChoice, StringField
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, StopValidation


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Choices in WTForms' current shape (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field: Field, value: Any) -> str:
    """The label a member saw for a stored choice value ("" when unknown)."""
    return next((str(label) for val, label, *_ in field.iter_choices() if val == value), "")


YES_NO = options([("yes", "Oui"), ("no", "Non")])


class RequiredIf:
    """Required when another field has a given value; otherwise ignored (indico's ``UsedIf`` habit).

    Placed first in a field's validators: when the condition does not hold, validation of the field stops
    and any value is discarded, so a hidden branch can never block or pollute the step.
    """

    field_flags = {"required_if": True}  # noqa: RUF012 - WTForms reads this class attribute

    def __init__(self, other: str, value: Any, message: str) -> None:
        self.other = other
        self.value = value
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if form[self.other].data != self.value:
            field.errors[:] = []
            field.data = None
            raise StopValidation()
        if field.data in (None, "", []):
            field.errors[:] = []
            raise StopValidation(self.message)


# --- text values: whitespace and invisible characters -----------------------------------------------------------

#: a decimal as people type it: digits, one optional separator, no exponent, never NaN or Infinity
DECIMAL_TEXT = re.compile(r"[+-]?\d{1,12}(?:\.\d{1,12})?")


def clean_text(value: Any) -> Any:
    """A typed text without invisible format characters (zero-width space, joiners, BOM, soft hyphen…) and
    without surrounding whitespace, so « ' ' » or « '\\u200b' » is no name at all."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf").strip()


class RequiredText:
    """``InputRequired`` for text: the value left once :func:`clean_text` ran must not be empty."""

    field_flags = {"required": True}  # noqa: RUF012 - WTForms reads this class attribute

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            field.errors[:] = []
            raise StopValidation(self.message or "Ce champ est obligatoire.")


def _is_text(field_class: type[Field]) -> bool:
    return issubclass(field_class, StringField) and not issubclass(field_class, PasswordField | HiddenField)


class CleanTextMeta(DefaultMeta):
    """Form ``Meta`` mixin: every text field is cleaned (:func:`clean_text`) and its ``InputRequired`` becomes
    :class:`RequiredText`, so whitespace-only or zero-width values are refused with the field's own message."""

    def bind_field(self, form: BaseForm, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
        if _is_text(unbound_field.field_class):
            kwargs = dict(unbound_field.kwargs)
            kwargs["filters"] = [clean_text, *kwargs.get("filters", ())]
            kwargs["validators"] = [
                RequiredText(v.message) if type(v) is InputRequired else v for v in kwargs.get("validators") or ()
            ]
            unbound_field = UnboundField(unbound_field.field_class, *unbound_field.args, **kwargs)
        return super().bind_field(form, unbound_field, options)


class FiniteDecimalField(DecimalField):
    """A decimal that is a number: NaN, sNaN, Infinity and exponents are refused at reading, never compared."""

    #: what the member reads when the value is not a plain number
    not_a_number_message = "Indiquez un nombre, par exemple 50 ou 33,33."

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and str(valuelist[0]).strip() and not DECIMAL_TEXT.fullmatch(str(valuelist[0]).strip()):
            self.data = None
            raise ValueError(self.not_a_number_message)
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():  # belt and braces
            self.data = None
            raise ValueError(self.not_a_number_message)
