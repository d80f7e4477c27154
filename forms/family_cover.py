"""The contract's cover and what a family change does to it: pure functions of the journey's answers.

The cover (partner, children, level, start) is copied into the change journey's sources when it starts
(``wizard.family_change.service.start``), so the forms, the review and the avenant compute the same effect
without the database.

Effective date (config ``FAMILY_CHANGE_DECLARATION_DAYS``): declared within the period after the event, the
change applies from the 1st of the month after the event; declared later, from the 1st of the month after
the declaration. Never before the contract's own start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from config.catalogue import Catalogue
from config.formats import PARIS, long_date
from config.pricing import Household, Quote, quote
from forms.context import Answers


def paris_today() -> date:
    """Events and declarations are dated in France, whatever the server's clock zone."""
    return datetime.now(PARIS).date()


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


FLOW_ID = "family_change"
#: where the contract's cover is exposed to the change journey's forms (``wizard.steps.source_key``)
COVER_KEY = "contract:cover"
EVENTS = (
    ("birth_adoption", "Naissance ou adoption d'un enfant"),
    ("union", "Mariage, PACS ou début de concubinage"),
    ("separation", "Séparation, divorce ou fin de PACS"),
    ("death", "Décès d'un bénéficiaire"),
    ("child_not_dependant", "Un enfant n'est plus à ma charge"),
    ("child_studies", "Mon enfant de 21 ans ou plus poursuit ses études (ou est apprenti(e), demandeur(se) d'emploi)"),
)
ADDING_EVENTS = frozenset({"birth_adoption", "union"})
#: the child stays covered past 21 (until 25) on a proof of studies, apprenticeship or job seeking
KEEPING_EVENTS = frozenset({"child_studies"})
ACTION_LABELS = {"add": "Ajout", "remove": "Retrait", "keep": "Maintien"}
NO_CONTRACT_MESSAGE = (
    "Un changement de situation se déclare une fois votre adhésion signée : terminez d'abord votre adhésion."
)

def event_label(code: str) -> str:
    return dict(EVENTS).get(code, code)


def is_adding(answers: Answers) -> bool:
    return answers.value("event", "event") in ADDING_EVENTS


def action_of(answers: Answers) -> str:
    event = answers.value("event", "event")
    return "add" if event in ADDING_EVENTS else "keep" if event in KEEPING_EVENTS else "remove"


# --- the cover ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    level: str
    contract_start: date
    partner: dict[str, Any] | None
    children: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level, "contract_start": self.contract_start,
            "partner": self.partner, "children": list(self.children),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cover:
        return cls(
            level=data["level"], contract_start=data["contract_start"],
            partner=data.get("partner"), children=list(data.get("children") or []),
        )  # fmt: skip

    def people(self) -> list[dict[str, Any]]:
        return ([self.partner] if self.partner else []) + self.children

    def person(self, key: str) -> dict[str, Any] | None:
        return next((p for p in self.people() if p["key"] == key), None)

    def household(self) -> Household:
        return Household(partner=self.partner is not None, children=len(self.children))

    def quote(self, catalogue: Catalogue) -> Quote:
        return quote(catalogue, self.household(), self.level)


def person_label(person: Mapping[str, Any]) -> str:
    role = "Conjoint(e)" if person["kind"] == "partner" else "Enfant"
    born = person.get("birth_date")
    suffix = f", né(e) le {long_date(born)}" if isinstance(born, date) else ""
    return f"{person['first_name']} {str(person['last_name']).upper()} ({role.lower()}{suffix})"


def apply(cover: Cover, action: str, person: Mapping[str, Any]) -> Cover:
    partner, children = cover.partner, list(cover.children)
    if action == "add" and person["kind"] == "partner":
        partner = dict(person)
    elif action == "add":
        children.append(dict(person))
    elif action == "keep":
        children = [{**c, "situation": "student"} if c["key"] == person["key"] else c for c in children]
    elif person["kind"] == "partner":
        partner = None
    else:
        children = [c for c in children if c["key"] != person["key"]]
    return Cover(level=cover.level, contract_start=cover.contract_start, partner=partner, children=children)


# --- what the journey's answers mean --------------------------------------------------------------------------


def cover_from_answers(answers: Answers) -> Cover | None:
    data = answers.get(COVER_KEY)
    return Cover.from_json(data) if data else None


def specimen_cover(catalogue: Catalogue, start: date) -> Cover:
    """The cover an HR preview (which has no contract) shows its figures on: the member alone."""
    level = catalogue.recommended_level or catalogue.levels[0].code
    return Cover(level=level, contract_start=start, partner=None, children=[])


def declaration_days(answers: Answers) -> int:
    return int(answers.value(COVER_KEY, "declaration_days") or 30)


def changed_person(
    answers: Answers, change_key: str = "new", fallback: Cover | None = None
) -> dict[str, Any] | None:
    """The person the answers add (from the identity page) or remove (from the covered people)."""
    cover = cover_from_answers(answers) or fallback
    event = answers.value("event", "event")
    if cover is None or event is None:
        return None
    if event == "union":
        data = answers.get("partner", {})
        return {
            "key": change_key, "kind": "partner", "first_name": data.get("first_name", ""),
            "last_name": data.get("usage_name", ""), "birth_date": data.get("birth_date"),
            "link": answers.value("event", "union_kind") or "",
        }  # fmt: skip
    if event == "birth_adoption":
        data = answers.get("child", {})
        return {
            "key": change_key, "kind": "child", "first_name": data.get("first_name", ""),
            "last_name": data.get("last_name", ""), "birth_date": data.get("birth_date"),
            "situation": data.get("situation") or "none",
        }  # fmt: skip
    if event == "separation":
        return cover.partner
    return cover.person(answers.value("event", "person") or "")


@dataclass(frozen=True)
class Effect:
    action: str
    person: dict[str, Any]
    event_date: date
    declared_on: date
    effective_date: date
    within_period: bool
    period_days: int
    before: Quote
    after: Quote


def effect(
    answers: Answers, catalogue: Catalogue, declared_on: date, fallback: Cover | None = None
) -> Effect | None:
    """What signing today changes: who, from when, and the monthly amount before and after (pure).

    ``fallback`` is the cover to use when the journey has none (HR previews: :func:`specimen_cover`).
    """
    cover = cover_from_answers(answers) or fallback
    person = changed_person(answers, fallback=fallback)
    event_date = answers.value("event", "event_date")
    if cover is None or person is None or not isinstance(event_date, date):
        return None
    action = action_of(answers)
    days = declaration_days(answers)
    within = (declared_on - event_date).days <= days
    start = first_of_next_month(event_date if within else declared_on)
    start = max(start, cover.contract_start)
    after = apply(cover, action, person)
    return Effect(
        action=action, person=dict(person), event_date=event_date, declared_on=declared_on, effective_date=start,
        within_period=within, period_days=days, before=cover.quote(catalogue), after=after.quote(catalogue),
    )  # fmt: skip
