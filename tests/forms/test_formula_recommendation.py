"""The formula step: nothing ticked in advance; a recommendation only where the member's situation calls for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.affiliation import FormulaForm
from forms.context import Answers, StepContext

HOUSEHOLD = {"household": {"cover_partner": "no", "cover_children": "no"}}


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def form(address: str | None) -> FormulaForm:
    prefill = {"postal_address": address} if address is not None else {}
    context = StepContext(
        catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=Answers(HOUSEHOLD), prefill=prefill
    )
    return FormulaForm(context=context, data=FormulaForm.initial_data(context))


@pytest.mark.parametrize(
    ("address", "recommended"),
    [
        ("8 place de la République, 98714 Papeete", "option2"),
        ("BP 12, 98713 Papeete", "option2"),
        ("3 rue Haute, 31000 Toulouse", None),
        ("", None),
        (None, None),
    ],
)
def test_recommendation_depends_on_where_the_member_lives(address: str | None, recommended: str | None) -> None:
    assert form(address).recommended_level == recommended


@pytest.mark.parametrize("address", ["8 place de la République, 98714 Papeete", "3 rue Haute, 31000 Toulouse"])
def test_no_formula_is_ticked_in_advance(address: str) -> None:
    built = form(address)
    assert built.level.data in (None, "")
    assert 'checked' not in built.level()
    empty = FormulaForm(MultiDict({}), context=built.context)
    assert not empty.validate() and empty.errors["level"] == ["Choisissez une formule."]
