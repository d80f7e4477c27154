"""« Un changement de situation ? »: the contract's current cover, the price effect and the signed avenant.

The contract's household is the signed subscription's (partner and children as the member declared them),
then every ACTIVE :class:`FamilyChange` in signature order. When a change journey starts, that cover is
copied into the journey (``sources["contract"]["cover"]``) so its forms and its document stay pure; only one
change journey is open per member at a time, so the copy cannot go stale under the member's feet.

Effective date (config ``FAMILY_CHANGE_DECLARATION_DAYS``): declared within the period after the event, the
change applies from the 1st of the month after the event; declared later, from the 1st of the month after
the declaration. Never before the contract's own start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue
from forms.base import french_date
from wizard.journeys import engine
from wizard.journeys import steps
from wizard.subscription.dates import first_of_next_month
from wizard.journeys.flow import Answers
from wizard.mail.queue import queue_email
from wizard.models import (
    Document,
    FamilyChange,
    FamilyChangeStatus,
    Journey,
    JourneyStatus,
    Proof,
    ProofStatus,
    User,
)
from config.pricing import Household, Quote, quote
from wizard.subscription.service import paris_today, signed_effective_date
from wizard.entry.tokens import public_url

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

#: called with (session, change) in the signing transaction once a change is recorded. The SEPA échéancier
#: (recompute the schedule, send a new pre-notification) plugs in here when that chain exists.
ON_CHANGE_SIGNED: list[Callable[[Session, FamilyChange], None]] = []


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
    suffix = f", né(e) le {french_date(born)}" if isinstance(born, date) else ""
    return f"{person['first_name']} {str(person['last_name']).upper()} ({role.lower()}{suffix})"


def signed_subscription(session: Session, owner: User) -> Journey | None:
    query = select(Journey).where(
        Journey.owner_id == owner.id, Journey.flow_id == "subscription",
        Journey.status == JourneyStatus.COMPLETED, Journey.is_preview.is_(False),
    )  # fmt: skip
    return session.scalars(query.order_by(Journey.completed_at.desc())).first()


def _subscription_cover(journey: Journey) -> Cover | None:
    sources = (journey.context or {}).get("sources", {})
    affiliation = Answers(sources.get("affiliation", {}))
    level = affiliation.value("formula", "level")
    start = signed_effective_date(journey)
    if not level or start is None:
        return None
    own = steps.effective_answers(journey)
    partner = None
    if affiliation.value("household", "cover_partner") == "yes" and "partner" in own:
        data = own["partner"]
        partner = {
            "key": "partner", "kind": "partner", "first_name": data.get("first_name", ""),
            "last_name": data.get("usage_name", ""), "birth_date": data.get("birth_date"),
            "link": affiliation.value("household", "partner_link") or "",
        }  # fmt: skip
    children = []
    situations = (affiliation.value("children", "children") or []) if "children" in affiliation else []
    for index, child in enumerate(own.get("children", {}).get("children", []) if "children" in own else [], 1):
        situation = situations[index - 1].get("situation", "none") if index <= len(situations) else "none"
        children.append({
            "key": f"child-{index}", "kind": "child", "first_name": child.get("first_name", ""),
            "last_name": child.get("last_name", ""), "birth_date": child.get("birth_date"), "situation": situation,
        })  # fmt: skip
    return Cover(level=level, contract_start=start, partner=partner, children=children)


def current_cover(session: Session, owner: User) -> Cover | None:
    """The signed subscription's household with every active change applied, or None without a contract."""
    subscription = signed_subscription(session, owner)
    cover = _subscription_cover(subscription) if subscription is not None else None
    if cover is None:
        return None
    query = select(FamilyChange).where(
        FamilyChange.owner_id == owner.id, FamilyChange.status == FamilyChangeStatus.ACTIVE
    )
    for change in session.scalars(query.order_by(FamilyChange.id)):
        cover = apply(cover, change.action, change.person)
    return cover


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


# --- starting and completing ----------------------------------------------------------------------------------


class NoContract(Exception):
    """The member has no signed subscription: there is nothing to amend yet."""


def start(session: Session, owner: User, actor: engine.Actor) -> Journey:
    """Resume the member's open change, or open one on a copy of the current cover (commits).

    One change at a time: a second tab or a second click resumes the same journey, never a parallel one.
    """
    journey = engine.find_open_journey(session, owner, FLOW_ID)
    if journey is not None:
        return journey
    cover = current_cover(session, owner)
    if cover is None:
        raise NoContract(NO_CONTRACT_MESSAGE)
    snapshot = {**cover.as_json(), "declaration_days": int(current_app.config["FAMILY_CHANGE_DECLARATION_DAYS"])}
    subscription = signed_subscription(session, owner)
    prefill = dict((subscription.context or {}).get("prefill", {})) if subscription else {}
    journey = engine.start_journey(
        session, owner, FLOW_ID, actor, campaign=subscription.campaign if subscription else None,
        prefill=prefill, sources={"contract": {"cover": snapshot}},
    )  # fmt: skip
    session.commit()
    return journey


def record_change(session: Session, journey: Journey) -> None:
    """The signing step's ``on_complete``: keep the change, confirm by email, call the schedule hooks."""
    from config.catalogue import default_catalogue  # noqa: PLC0415 - read at call time (tests swap it)

    answers = steps.effective_answers(journey)
    found = effect(answers, default_catalogue(), paris_today())
    if found is None:  # the review re-validated every page: this cannot happen for a signed journey
        raise RuntimeError("a signed family change without its answers")
    avenant = session.scalar(
        select(Document).where(Document.journey_id == journey.id, Document.kind == "amendment", Document.signed)
    )
    person = {**found.person, "key": f"change-{journey.id}" if found.action == "add" else found.person["key"]}
    change = FamilyChange(
        owner_id=journey.owner_id, journey=journey, event=answers.value("event", "event"), action=found.action,
        person=person, event_date=found.event_date, effective_date=found.effective_date,
        monthly_before_cents=found.before.total_cents, monthly_after_cents=found.after.total_cents,
        status=FamilyChangeStatus.ACTIVE, document=avenant,
    )  # fmt: skip
    session.add(change)
    session.flush()
    queue_email(
        session, to=journey.owner.email, subject="Votre changement de situation est enregistré",
        template="family_change_confirmation",
        context={
            "first_name": journey.owner.first_name, "event": event_label(change.event),
            "action": ACTION_LABELS[found.action].lower(), "person": person_label(person),
            "effective_date": french_date(found.effective_date), "before": found.before.total_cents,
            "after": found.after.total_cents, "documents_url": public_url("documents.my_documents"),
            "designation_url": public_url("contract.beneficiaries"),
        },
        user_id=journey.owner_id, journey=journey, dedup_key=f"family-change-confirmation:{journey.id}",
    )  # fmt: skip
    for hook in ON_CHANGE_SIGNED:
        hook(session, change)


def change_of(session: Session, journey: Journey) -> FamilyChange | None:
    return session.scalar(select(FamilyChange).where(FamilyChange.journey_id == journey.id))


def on_proof_refused(session: Session, proof: Proof) -> None:
    """A refused proof puts its change on hold (the rest of the contract is untouched)."""
    change = change_of(session, proof.journey)
    if change is not None:
        change.status = FamilyChangeStatus.ON_HOLD


def on_proof_accepted(session: Session, proof: Proof) -> None:
    """Once no proof of the change stays refused, the change applies again."""
    change = change_of(session, proof.journey)
    if change is None:
        return
    refused = session.scalar(
        select(Proof.id).where(Proof.journey_id == proof.journey_id, Proof.status == ProofStatus.REFUSED)
    )
    if refused is None:
        change.status = FamilyChangeStatus.ACTIVE


def changes(session: Session, owner: User) -> list[FamilyChange]:
    query = select(FamilyChange).where(FamilyChange.owner_id == owner.id)
    return list(session.scalars(query.order_by(FamilyChange.id.desc())))
