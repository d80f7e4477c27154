"""Issue 18, item 12, kept true as forms are added: every decimal a form reads refuses NaN, sNaN and
Infinity (``forms.fields.FiniteDecimalField``), and no form reads a float at all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from wtforms import DecimalField, DecimalRangeField, FloatField, Form
from wtforms.fields.core import UnboundField

import forms
from forms.fields import FiniteDecimalField


def _number_fields() -> list[tuple[str, type]]:
    found: list[tuple[str, type]] = []
    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{info.name}")
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, Form) or form.__module__ != module.__name__:
                continue
            for name, value in vars(form).items():
                if isinstance(value, UnboundField) and issubclass(value.field_class, DecimalField | FloatField):
                    found.append((f"{module.__name__}.{form_name}.{name}", value.field_class))
    return found


def test_every_decimal_field_of_every_form_is_finite() -> None:
    fields = _number_fields()
    assert "forms.designation.BeneficiaryForm.share" in dict(fields)  # the scan does see the forms' fields
    for where, field_class in fields:
        assert issubclass(field_class, FiniteDecimalField), where
        assert not issubclass(field_class, FloatField | DecimalRangeField), where
