"""The base of every step form, and how a form is shown back on the review page.

Forms are pure: they get a :class:`wizard.journeys.flow.StepContext` (catalogue, effective date, earlier answers,
prefill) as a keyword argument and never touch the database or ``current_user``. CSRF is checked for every
POST by Flask-WTF's ``CSRFProtect`` before any view runs, so forms rebuilt from stored answers (for the
review and the final re-validation) need no token of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FormField
from wtforms.fields import BooleanField, DateField, RadioField, SelectField

from config.formats import long_date
from forms.context import StepContext
from forms.fields import CleanTextMeta, choice_label


class StepForm(FlaskForm):
    class Meta(CleanTextMeta):
        csrf = False  # CSRFProtect guards every POST globally; see the module docstring
        locales = ("fr_FR", "fr")  # WTForms' own messages (e.g. a tampered choice) in French

    #: field names whose values never appear in full after entry (pages, logs, emails)
    masked_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        formdata: MultiDict[str, str] | None = None,
        *,
        context: StepContext,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.context = context
        super().__init__(formdata=formdata, data=dict(data) if data is not None else None)
        self.adapt_to_context()

    @classmethod
    def initial_data(cls, context: StepContext) -> dict[str, Any]:
        """Values shown the first time the step is opened (prefill from HR data or earlier steps)."""
        return {}

    def adapt_to_context(self) -> None:
        """Hook run after construction: set choices, entry counts… from ``self.context``."""

    def cleaned_data(self) -> dict[str, Any]:
        """The validated values to store (dates stay dates; the JSON column knows them)."""
        return {name: f.data for name, f in self._fields.items() if name not in ("submit",)}

    def summary(self) -> list[tuple[str, str]]:
        """(question, answer) pairs for the review page, masked where needed."""
        rows: list[tuple[str, str]] = []
        for name, field in self._fields.items():
            if name in self.masked_fields:
                rows.append((str(field.label.text), self.mask(name, field.data)))
            else:
                rows += describe_field(field)
        return [(q, a) for q, a in rows if a != ""]

    def mask(self, name: str, value: Any) -> str:
        return "••••" if value else ""


def form_errors(form: Any) -> list[tuple[str, str]]:
    """(field id, message) for every error, nested entries included: the page's error summary links them."""
    found: list[tuple[str, str]] = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found += form_errors(entry.form) if isinstance(entry, FormField) else _own_errors(entry)
            found += [(field.id, e) for e in field.errors if isinstance(e, str)]
        else:
            found += _own_errors(field)
    return found


def _own_errors(field: Field) -> list[tuple[str, str]]:
    return [(field.id, e) for e in field.errors if isinstance(e, str)]


def describe_field(field: Field) -> list[tuple[str, str]]:
    """How a member reads one answer: choice labels, French dates, Oui/Non."""
    label = str(field.label.text)
    if isinstance(field, FieldList):
        return [row for index, entry in enumerate(field.entries, 1) for row in _describe_entry(entry, index)]
    if isinstance(field, RadioField | SelectField):
        return [(label, choice_label(field, field.data) if field.data else "")]
    if isinstance(field, BooleanField):
        return [(label, "Oui" if field.data else "Non")]
    if isinstance(field, DateField):
        return [(label, long_date(field.data) if field.data else "")]
    if field.type in ("HiddenField", "SubmitField", "CSRFTokenField"):
        return []
    return [(label, "" if field.data is None else str(field.data))]


def _describe_entry(entry: Field, index: int) -> list[tuple[str, str]]:
    if isinstance(entry, FormField):
        return [(f"{q} ({index})", a) for sub in entry.form for q, a in describe_field(sub)]
    return [(f"{q} ({index})", a) for q, a in describe_field(entry)]
