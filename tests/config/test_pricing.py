"""Prices for single, couple, family of four and 3+ children, from the catalogue's demo tariffs."""

from __future__ import annotations

from dataclasses import replace

from config.catalogue import default_catalogue
from config.formats import euros
from config.pricing import Household, household_from_answers, price_table, quote
from forms.context import Answers


def test_quote_single_agent_base_is_paid_by_employer() -> None:
    q = quote(default_catalogue(), Household(partner=False, children=0), "base")
    assert [(line.label, line.cents) for line in q.lines] == [("Vous", 0)]
    assert q.total_cents == 0


def test_quote_couple_option2() -> None:
    q = quote(default_catalogue(), Household(partner=True, children=0), "option2")
    assert q.total_cents == 1600 + 2300


def test_price_table_family_of_four() -> None:
    table = price_table(default_catalogue(), Household(partner=True, children=2))
    assert {code: q.total_cents for code, q in table.items()} == {
        "base": 0 + 1000 + 600 * 2,
        "option1": 1200 + 1400 + 1000 * 2,
        "option2": 1600 + 2300 + 1600 * 2,
    }
    assert [line.label for line in table["base"].lines] == ["Vous", "Conjoint(e)", "Enfant 1", "Enfant 2"]


def test_three_children_pay_unless_the_catalogue_makes_them_free() -> None:
    household = Household(partner=False, children=4)
    catalogue = default_catalogue()
    assert quote(catalogue, household, "option1").total_cents == 1200 + 4 * 1000
    free_from_third = replace(catalogue, free_children_from_rank=3)
    q = quote(free_from_third, household, "option1")
    assert [line.cents for line in q.lines] == [1200, 1000, 1000, 0, 0]


def test_household_from_answers_ignores_count_when_children_not_covered() -> None:
    answers = Answers({"household": {"cover_partner": "yes", "cover_children": "no", "children_count": 3}})
    assert household_from_answers(answers) == Household(partner=True, children=0)


def test_format_euros_french() -> None:
    assert euros(0) == "0,00 €"
    assert euros(3900) == "39,00 €"
    assert euros(123456) == "1 234,56 €"
