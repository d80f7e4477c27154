"""Monthly prices for a household, from the catalogue's tariffs (no figure lives in code).

Amounts are integer euro cents end to end; only display turns them into « 23,00 € ».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from config.catalogue import Catalogue


class Answers(Protocol):
    """What pricing reads of a journey's answers (the engine's ``Answers`` has this method)."""

    def value(self, step_id: str, field_name: str, default: Any = None) -> Any: ...


@dataclass(frozen=True)
class Household:
    partner: bool
    children: int


@dataclass(frozen=True)
class QuoteLine:
    label: str
    cents: int


@dataclass(frozen=True)
class Quote:
    level: str
    level_label: str
    lines: tuple[QuoteLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.lines)


def household_from_answers(answers: Answers) -> Household:
    partner = answers.value("household", "cover_partner") == "yes"
    children = answers.value("household", "children_count") or 0
    covers_children = answers.value("household", "cover_children") == "yes"
    return Household(partner=partner, children=int(children) if covers_children else 0)


def child_price(catalogue: Catalogue, level: str, rank: int) -> int:
    """Children from the configured rank on are free (many contracts do so from the 3rd)."""
    free_from = catalogue.free_children_from_rank
    if free_from is not None and rank >= free_from:
        return 0
    return catalogue.tariffs_cents["child"][level]


def quote(catalogue: Catalogue, household: Household, level: str) -> Quote:
    tariffs = catalogue.tariffs_cents
    lines = [QuoteLine("Vous", tariffs["agent"][level])]
    if household.partner:
        lines.append(QuoteLine("Conjoint(e)", tariffs["partner"][level]))
    lines += [
        QuoteLine(f"Enfant {rank}", child_price(catalogue, level, rank)) for rank in range(1, household.children + 1)
    ]
    found = catalogue.level(level)
    return Quote(level=level, level_label=found.label if found else level, lines=tuple(lines))


def price_table(catalogue: Catalogue, household: Household) -> dict[str, Quote]:
    """One quote per level, in catalogue order (the formula step's columns)."""
    return {lvl.code: quote(catalogue, household, lvl.code) for lvl in catalogue.levels}
