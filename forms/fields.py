"""Field helpers shared by every step form: French choice lists and conditional requirement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import Field, Form, SelectChoice
from wtforms.validators import StopValidation


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
