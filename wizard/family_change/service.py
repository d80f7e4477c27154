"""« Un changement de situation ? »: the contract's current cover, starting a change, recording it signed.

The contract's household is the signed subscription's (partner and children as the member declared them),
then every ACTIVE :class:`FamilyChange` in signature order. When a change journey starts, that cover is
copied into the journey (``sources["contract"]["cover"]``) so its forms and its document stay pure
(:mod:`forms.family_cover` computes the effect); only one change journey is open per member at a time, so
the copy cannot go stale under the member's feet.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.formats import long_date
from forms.context import Answers
from forms.family_cover import (
    ACTION_LABELS,
    COVER_KEY,
    FLOW_ID,
    NO_CONTRACT_MESSAGE,
    Cover,
    Effect,
    apply,
    effect,
    event_label,
    person_label,
    specimen_cover,
)
from wizard.entry.tokens import public_url
from wizard.journeys import engine, steps
from wizard.mail.queue import queue_email
from wizard.models import (
    Actor,
    Document,
    FamilyChange,
    FamilyChangeStatus,
    Journey,
    JourneyStatus,
    Proof,
    ProofStatus,
    User,
)
from wizard.subscription.service import paris_today, signed_effective_date

__all__ = [
    "ACTION_LABELS", "COVER_KEY", "FLOW_ID", "Cover", "Effect",
    "effect", "event_label", "person_label", "specimen_cover",
]  # fmt: skip

#: called with (session, change) in the signing transaction once a change is recorded. The SEPA échéancier
#: (recompute the schedule, send a new pre-notification) plugs in here when that chain exists.
ON_CHANGE_SIGNED: list[Callable[[Session, FamilyChange], None]] = []


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


# --- starting and completing ----------------------------------------------------------------------------------


class NoContract(Exception):
    """The member has no signed subscription: there is nothing to amend yet."""


def start(session: Session, owner: User, actor: Actor) -> Journey:
    """Resume the member's open change, or open one on a copy of the current cover.

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
    session.flush()
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
            "effective_date": long_date(found.effective_date), "before": found.before.total_cents,
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
