"""Affiliation and dispense exclude each other (docs/JOURNEYS.md §3, docs/DOMAIN.md).

Starting one while the other has an open draft first shows a warning; once confirmed, the other draft is
closed (status CANCELLED, with an audit row saying why) in the same transaction as the new journey starts.
An agent whose dispense is in force may renounce it at any time to join: starting the affiliation then
records the renunciation on the dispense. Both journeys start with the agent's invitation data (campaign,
identity) when HR invited them, so the effective date is the campaign's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.formats import long_date
from wizard.dispense.service import dispense_end_date
from wizard.entry.invitations import prefill_from_invitation
from wizard.journeys import engine
from wizard.models import Actor, Invitation, Journey, JourneyStatus, User

#: the flows whose open drafts a flow closes when it starts (the subscription continues the affiliation)
EXCLUDES: dict[str, tuple[str, ...]] = {
    "affiliation": ("dispense",),
    "dispense": ("affiliation", "subscription"),
}
DRAFT_NAMES = {
    "affiliation": "une demande d'affiliation",
    "subscription": "une adhésion au contrat",
    "dispense": "une demande de dispense",
}
STARTING_NAMES = {"affiliation": "votre affiliation", "dispense": "votre demande de dispense"}


@dataclass(frozen=True)
class Conflict:
    """What starting ``flow_id`` would close, and the French warnings to show before confirming."""

    flow_id: str
    drafts: tuple[Journey, ...] = ()
    #: a dispense in force that joining renounces
    dispense: Journey | None = None
    messages: list[str] = field(default_factory=list)


def find_conflict(session: Session, owner: User, flow_id: str) -> Conflict | None:
    """None when ``flow_id`` can start (or resume) without closing anything."""
    excluded = EXCLUDES.get(flow_id, ())
    drafts = tuple(j for j in engine.open_journeys(session, owner) if j.flow_id in excluded)
    dispense = dispense_in_force(session, owner) if flow_id == "affiliation" else None
    if not drafts and dispense is None:
        return None
    starting = STARTING_NAMES.get(flow_id, "cette démarche")
    messages = [
        f"Vous avez {DRAFT_NAMES.get(j.flow_id, 'une démarche')} en cours : commencer {starting} la fermera. "
        "Vos réponses déjà enregistrées seront conservées mais ne pourront plus être complétées."
        for j in drafts
    ]
    if dispense is not None:
        end = dispense_end_date(dispense)
        until = f" jusqu'au {long_date(end)}" if end else ""
        messages.append(
            f"Vous bénéficiez d'une dispense enregistrée{until} : en commençant votre affiliation, vous renoncez "
            "à cette dispense et vous adhérez au contrat collectif."
        )
    return Conflict(flow_id, drafts, dispense, messages)


def dispense_in_force(session: Session, owner: User, today: date | None = None) -> Journey | None:
    """The agent's latest completed dispense whose end date is not past."""
    query = select(Journey).where(
        Journey.owner_id == owner.id,
        Journey.flow_id == "dispense",
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    today = today or date.today()
    for journey in session.scalars(query.order_by(Journey.completed_at.desc())):
        end = dispense_end_date(journey)
        if end is None or end >= today:
            return journey
    return None


def start(session: Session, owner: User, flow_id: str, actor: Actor, *, confirmed: bool) -> Journey | Conflict:
    """Resume or start ``flow_id``; returns the :class:`Conflict` instead until the person confirmed."""
    conflict = find_conflict(session, owner, flow_id)
    if conflict is not None and not confirmed:
        return conflict
    if conflict is not None:
        for draft in conflict.drafts:
            engine.cancel_journey(session, draft, actor, f"closed_by_{flow_id}")
        if conflict.dispense is not None:
            engine.cancel_journey(session, conflict.dispense, actor, "dispense_renounced")
    journey = engine.find_open_journey(session, owner, flow_id)
    if journey is None:
        journey = engine.start_journey(session, owner, flow_id, actor, **start_arguments(session, owner))
    session.flush()
    return journey


def start_arguments(session: Session, owner: User) -> dict[str, Any]:
    """The campaign and identity HR sent with the agent's latest invitation, else the account's own."""
    prefill: dict[str, Any] = {"email": owner.email, "first_name": owner.first_name, "last_name": owner.last_name}
    query = select(Invitation).where(Invitation.user_id == owner.id).order_by(Invitation.id.desc()).limit(1)
    invitation = session.scalar(query)
    if invitation is None:
        return {"prefill": prefill}
    return {"campaign": invitation.campaign, "prefill": {**prefill, **prefill_from_invitation(invitation)}}
