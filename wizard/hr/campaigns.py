"""HR side of a campaign: creating it, and where each invited agent stands.

« Where they stand » is derived, never stored: invitation columns (sent, opened, account) then the agent's
journeys in the campaign (current step, or the decision: a completed ``subscription`` is a signed adhesion,
a completed ``dispense`` a recorded dispense). Counts are aggregate queries so a campaign of 100,000 agents
is counted in the database; the per-agent table is paginated. The step-by-step funnel is ``wizard.hr.funnel``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from wizard.journeys.registry import registry
from wizard.models import Campaign, Invitation, Journey, JourneyStatus, User

PAGE_SIZE = 200
#: a completed journey of these flows is the agent's decision, with its HR label
DECISIONS = {"subscription": "Adhésion signée", "dispense": "Dispense enregistrée"}


def create_campaign(session: Session, creator: User, **fields: object) -> Campaign:
    campaign = Campaign(created_by_id=creator.id, **fields)
    session.add(campaign)
    session.flush()
    return campaign


def campaigns(session: Session) -> list[tuple[Campaign, int, int]]:
    """Every campaign, newest first, with its number of invited agents and of accounts."""
    query = (
        select(Campaign, func.count(Invitation.id), func.count(Invitation.user_id))
        .outerjoin(Invitation, Invitation.campaign_id == Campaign.id)
        .group_by(Campaign.id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    )
    return [(c, int(n), int(a)) for c, n, a in session.execute(query)]


@dataclass(frozen=True)
class AgentStatus:
    invitation: Invitation
    label: str
    #: the journey the agent is on (or decided with), for the step title
    journey: Journey | None = None


def agent_statuses(session: Session, campaign: Campaign, page: int = 1) -> list[AgentStatus]:
    query = (
        select(Invitation)
        .where(Invitation.campaign_id == campaign.id)
        .order_by(Invitation.last_name, Invitation.first_name, Invitation.id)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    invitations = list(session.scalars(query))
    journeys = _journeys_by_owner(session, campaign, [i.user_id for i in invitations if i.user_id])
    return [_status(i, journeys.get(i.user_id or 0, [])) for i in invitations]


def _journeys_by_owner(session: Session, campaign: Campaign, owner_ids: list[int]) -> dict[int, list[Journey]]:
    found: dict[int, list[Journey]] = defaultdict(list)
    if not owner_ids:
        return found
    query = select(Journey).where(
        Journey.campaign_id == campaign.id, Journey.owner_id.in_(owner_ids), Journey.is_preview.is_(False)
    )
    for journey in session.scalars(query.order_by(Journey.created_at)):
        found[journey.owner_id].append(journey)
    return found


def _status(invitation: Invitation, journeys: list[Journey]) -> AgentStatus:
    for flow_id, label in DECISIONS.items():
        decided = [j for j in journeys if j.flow_id == flow_id and j.status == JourneyStatus.COMPLETED]
        if decided:
            return AgentStatus(invitation, label, decided[-1])
    current = [j for j in journeys if j.status == JourneyStatus.IN_PROGRESS]
    if current:
        return AgentStatus(invitation, step_label(current[-1]), current[-1])
    if invitation.user_id is not None:
        return AgentStatus(invitation, "Compte créé")
    if invitation.opened_at is not None:
        return AgentStatus(invitation, "Lien ouvert")
    return AgentStatus(invitation, "Invité(e)" if invitation.sent_at else "Invitation non envoyée")


def step_label(journey: Journey) -> str:
    flow = registry().get(journey.flow_id, journey.flow_version)
    step = flow.step(journey.state)
    return f"{flow.title} — {step.title if step else journey.state}"


@dataclass(frozen=True)
class StageCount:
    label: str
    count: int


def stage_counts(session: Session, campaign: Campaign) -> list[StageCount]:
    """How many agents are invited, opened the link, have an account, stand at each step, decided."""
    invited, opened, accounts = session.execute(
        select(func.count(Invitation.id), func.count(Invitation.opened_at), func.count(Invitation.user_id)).where(
            Invitation.campaign_id == campaign.id
        )
    ).one()
    rows = [
        StageCount("Invités", int(invited)),
        StageCount("Lien ouvert", int(opened)),
        StageCount("Compte créé", int(accounts)),
    ]
    rows += _current_steps(session, campaign)
    rows += [StageCount(label, _completed(session, campaign, flow_id)) for flow_id, label in DECISIONS.items()]
    return rows


def _current_steps(session: Session, campaign: Campaign) -> list[StageCount]:
    query = (
        select(Journey.flow_id, Journey.flow_version, Journey.state, func.count(distinct(Journey.owner_id)))
        .where(
            Journey.campaign_id == campaign.id,
            Journey.status == JourneyStatus.IN_PROGRESS,
            Journey.is_preview.is_(False),
        )
        .group_by(Journey.flow_id, Journey.flow_version, Journey.state)
    )
    counts: dict[str, int] = defaultdict(int)
    order: dict[str, tuple[str, int]] = {}
    for flow_id, version, state, count in session.execute(query):
        flow = registry().get(flow_id, version)
        step = flow.step(state)
        label = f"En cours : {flow.title} — {step.title if step else state}"
        counts[label] += int(count)
        order[label] = (flow_id, flow.index(state) if step else 999)
    return [StageCount(label, counts[label]) for label in sorted(counts, key=lambda k: order[k])]


def _completed(session: Session, campaign: Campaign, flow_id: str) -> int:
    query = select(func.count(distinct(Journey.owner_id))).where(
        Journey.campaign_id == campaign.id,
        Journey.flow_id == flow_id,
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    return int(session.scalar(query) or 0)


def is_open(campaign: Campaign, today: date) -> bool:
    return today <= campaign.deadline
