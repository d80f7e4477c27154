"""``render_clause`` is pure: standard by default, ranks linked by « à défaut », always ending with the heirs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from config.catalogue import default_catalogue
from wizard.designation.service import NamedBeneficiary, beneficiaries_from_answers, clause_from_answers, render_clause

CATALOGUE = default_catalogue()
MARIE = NamedBeneficiary(
    rank=1, last_name="Durand", first_names="Marie Claire", birth_name="Martin", birth_date=date(1980, 3, 3),
    birth_place="Lyon", address="3 rue des Acacias, 69003 Lyon", relationship="concubin", share=Decimal("60"),
)  # fmt: skip
PAUL = NamedBeneficiary(
    rank=1, last_name="Durand", first_names="Paul", birth_date=date(2010, 1, 1), birth_place="Lyon",
    address="3 rue des Acacias, 69003 Lyon", relationship="child", share=Decimal("40"),
)  # fmt: skip
LUC = NamedBeneficiary(
    rank=2, last_name="Petit", first_names="Luc", birth_date=date(1955, 12, 25), birth_place="Brest",
    address="1 quai Est, 29200 Brest", relationship="parent", share=Decimal("100"),
)  # fmt: skip


def _render(*people: NamedBeneficiary) -> str:
    return render_clause(people, standard_clause=CATALOGUE.standard_clause, heirs_fallback=CATALOGUE.heirs_fallback)


def test_nobody_named_gives_the_standard_clause() -> None:
    assert _render() == CATALOGUE.standard_clause
    assert _render().startswith("Le conjoint non séparé judiciairement")


def test_particular_clause_names_each_person_with_share_ranks_and_heirs() -> None:
    assert _render(LUC, MARIE, PAUL) == (
        "Marie Claire DURAND (nom de naissance : MARTIN), né(e) le 3 mars 1980 à Lyon, demeurant 3 rue des Acacias, "
        "69003 Lyon, concubin(e), pour 60 %, et Paul DURAND, né(e) le 1er janvier 2010 à Lyon, demeurant 3 rue des "
        "Acacias, 69003 Lyon, enfant, pour 40 % ; à défaut, Luc PETIT, né(e) le 25 décembre 1955 à Brest, demeurant "
        "1 quai Est, 29200 Brest, père ou mère, pour 100 % ; à défaut, les héritiers de l'assuré."
    )


def test_clause_always_ends_with_the_heirs() -> None:
    assert _render(LUC).endswith("; à défaut, les héritiers de l'assuré.")
    shares = _render(
        NamedBeneficiary(**{**PAUL.__dict__, "share": Decimal("33.33")}),
        NamedBeneficiary(**{**MARIE.__dict__, "share": Decimal("66.67")}),
    )
    assert "pour 33,33 %" in shares and "pour 66,67 %" in shares


def test_standard_choice_ignores_beneficiaries_left_behind() -> None:
    stored = [{**LUC.as_json(), "rank": 1}]
    answers: dict[str, dict[str, Any]] = {"choice": {"mode": "standard"}, "beneficiaries": {"beneficiaries": stored}}
    assert beneficiaries_from_answers(answers) == []
    assert clause_from_answers(answers, CATALOGUE) == CATALOGUE.standard_clause
    particular = {**answers, "choice": {"mode": "particular"}}
    assert clause_from_answers(particular, CATALOGUE).startswith("Luc PETIT")
