"""The insurer's business data (brand, tariffs, guarantees, régimes, dispense reasons, clauses).

Business rules that are product decisions live in ``catalogue.json`` beside this module, not in code:
changing a tariff or a reason label is a data change. This module only gives them types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True)
class Creditor:
    name: str
    address: str
    ics: str
    #: the account collections are credited to (pain.008 ``CdtrAcct`` / ``CdtrAgt``)
    iban: str = ""
    bic: str = ""
    #: fixed per ICS: with the contract id it makes each mandate's RUM unique (forms.identifiers.generate_rum)
    rum_prefix: str = "MDT"


@dataclass(frozen=True)
class Brand:
    name: str
    short_name: str
    tagline: str
    primary_colour: str
    accent_colour: str
    phone: str
    phone_hours: str
    email: str
    postal_address: str
    legal_notice: str
    creditor: Creditor


@dataclass(frozen=True)
class Level:
    code: str
    label: str


@dataclass(frozen=True)
class GuaranteeRow:
    label: str
    values: dict[str, str]


@dataclass(frozen=True)
class Regime:
    code: str
    label: str
    eligible: bool


@dataclass(frozen=True)
class DispenseReason:
    code: str
    label: str
    needs_end_date: bool
    needs_insurer: bool
    max_months: int | None


@dataclass(frozen=True)
class Catalogue:
    version: str
    brand: Brand
    contract_name: str
    employer_share_label: str
    levels: tuple[Level, ...]
    recommended_level: str | None
    recommendation_text: str
    #: monthly prices in euro cents, by person kind ("agent", "partner", "child") then level code
    tariffs_cents: dict[str, dict[str, int]]
    #: rank (1-based) from which children are free, or None when every child pays
    free_children_from_rank: int | None
    employer_note: str
    guarantee_highlights: tuple[GuaranteeRow, ...]
    regimes: tuple[Regime, ...]
    ineligible_regime_help: str
    #: two-digit régime prefixes accepted in a code organisme, with their names
    organisme_regimes: dict[str, str]
    default_code_organisme: str
    dispense_reasons: tuple[DispenseReason, ...]
    standard_clause: str
    heirs_fallback: str
    #: when someone joins after the campaign's effective date: "first_of_next_month" or "next_day"
    late_joiner_rule: str = "first_of_next_month"
    #: the death-benefit contract the beneficiary designation belongs to (not the health contract)
    death_benefit_contract_name: str = ""
    #: what happens to the share of a beneficiary who dies before the member (printed on the designation)
    predeceased_share_clause: str = ""
    #: the recommendation applies only to members whose postal code starts with one of these (« 987 »:
    #: Polynésie française); empty: it applies to nobody (never a recommendation for everyone by default)
    recommendation_postcodes: tuple[str, ...] = ()

    def regime(self, code: str) -> Regime | None:
        return next((r for r in self.regimes if r.code == code), None)

    def level(self, code: str) -> Level | None:
        return next((lvl for lvl in self.levels if lvl.code == code), None)

    def dispense_reason(self, code: str) -> DispenseReason | None:
        return next((r for r in self.dispense_reasons if r.code == code), None)


def _build(raw: dict[str, Any]) -> Catalogue:
    brand = dict(raw["brand"])
    creditor = Creditor(**brand.pop("creditor"))
    return Catalogue(
        version=raw["version"],
        brand=Brand(creditor=creditor, **brand),
        contract_name=raw["contract"]["name"],
        employer_share_label=raw["contract"]["employer_share_label"],
        levels=tuple(Level(**lvl) for lvl in raw["levels"]),
        recommended_level=raw.get("recommended_level"),
        recommendation_text=raw.get("recommendation_text", ""),
        tariffs_cents=raw["tariffs_cents"],
        free_children_from_rank=raw.get("free_children_from_rank"),
        employer_note=raw["employer_note"],
        guarantee_highlights=tuple(GuaranteeRow(**row) for row in raw["guarantee_highlights"]),
        regimes=tuple(Regime(**r) for r in raw["regimes"]),
        ineligible_regime_help=raw["ineligible_regime_help"],
        organisme_regimes=raw["organisme_regimes"],
        default_code_organisme=raw["default_code_organisme"],
        dispense_reasons=tuple(DispenseReason(**r) for r in raw["dispense_reasons"]),
        standard_clause=raw["standard_clause"],
        heirs_fallback=raw["heirs_fallback"],
        late_joiner_rule=raw["contract"].get("late_joiner_rule", "first_of_next_month"),
        death_benefit_contract_name=raw.get("death_benefit", {}).get("contract_name", ""),
        predeceased_share_clause=raw.get("death_benefit", {}).get("predeceased_share", ""),
        recommendation_postcodes=tuple(raw.get("recommendation_postcodes", ())),
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and type a catalogue file (the default one unless ``path`` is given)."""
    return _build(json.loads((path or CATALOGUE_PATH).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return load_catalogue()
