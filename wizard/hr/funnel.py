"""Where agents of a campaign stop: invited → link opened → account → each step → signed / dispensed.

Every number is one aggregate SQL query (``GROUP BY``), never a loop over agents, so a campaign of
100,000 agents is counted in the database (see ``bench/funnel.py`` and the indexes of migration
``0007_hr``). Counts are *people* (distinct invitations / journey owners), not journeys.

The date filter applies to the invitation's creation time (``invitations.created_at``, UTC days, both
bounds included): the funnel of the agents invited in that window, followed to where they are now. This
keeps every stage a subset of the one before, which a filter on event times would not.

« Step reached » comes from the append-only audit trail: an agent reached a step when one of their
journeys of that flow (in this campaign, never an HR preview) has an event arriving on it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from wizard.journeys.flow import Flow, TerminalStep
from wizard.journeys.registry import registry
from wizard.models import (
    Campaign,
    HolderStatus,
    Invitation,
    Journey,
    JourneyEvent,
    JourneyStatus,
    MandateHolderSignature,
)

#: the journey every invited agent starts; the funnel follows the flows its terminal opens (subscription)
ENTRY_FLOW = "affiliation"
#: final outcomes: (key, label, flow whose completion it is)
OUTCOMES = (
    ("signed", "Adhésion signée", "subscription"),
    ("dispensed", "Dispense enregistrée", "dispense"),
)


@dataclass(frozen=True)
class FunnelRow:
    key: str
    label: str
    count: int
    #: on the path every agent follows; conditional steps and the dispense are shown but lose nobody
    is_stage: bool
    #: people lost since the previous stage (None for rows that are not stages)
    lost: int | None = None
    lost_share: float | None = None
    invited_share: float | None = None


@dataclass(frozen=True)
class Funnel:
    campaign_id: int
    rows: tuple[FunnelRow, ...]
    date_from: date | None = None
    date_to: date | None = None

    def row(self, key: str) -> FunnelRow:
        return next(r for r in self.rows if r.key == key)


def campaign_funnel(
    session: Session, campaign: Campaign, *, date_from: date | None = None, date_to: date | None = None
) -> Funnel:
    """The funnel of ``campaign``, optionally for agents invited between ``date_from`` and ``date_to``."""
    window = _invitation_window(date_from, date_to)
    flows = funnel_flows()
    raw: list[tuple[str, str, int, bool]] = list(_entry_rows(session, campaign.id, window))
    reached = _reached(session, campaign.id, [f.id for f in flows], window)
    for flow in flows:
        raw += [(f"{flow.id}:{s.id}", f"{flow.title} — {s.title}", reached.get((flow.id, s.id), 0), s.when is None)
                for s in flow.steps]  # fmt: skip
    completed = _completed(session, campaign.id, [flow_id for _, _, flow_id in OUTCOMES], window)
    raw += [(key, label, completed.get(flow_id, 0), key == "signed") for key, label, flow_id in OUTCOMES
            if flow_id in registry().ids() or completed.get(flow_id)]  # fmt: skip
    return Funnel(campaign.id, tuple(_with_losses(raw)), date_from, date_to)


def funnel_flows() -> list[Flow]:
    """The entry flow and the flows its terminals open, in order (affiliation → subscription)."""
    known, chain = set(registry().ids()), list[Flow]()
    flow_id: str | None = ENTRY_FLOW
    while flow_id is not None and flow_id in known and flow_id not in [f.id for f in chain]:
        flow = registry().current(flow_id)
        chain.append(flow)
        flow_id = next((s.then for s in flow.steps if isinstance(s, TerminalStep) and s.then), None)
    return chain


def _invitation_window(date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    window: list[ColumnElement[bool]] = []
    if date_from is not None:
        window.append(Invitation.created_at >= datetime.combine(date_from, time.min, UTC))
    if date_to is not None:
        window.append(Invitation.created_at < datetime.combine(date_to + timedelta(days=1), time.min, UTC))
    return window


def _entry_rows(
    session: Session, campaign_id: int, window: list[ColumnElement[bool]]
) -> list[tuple[str, str, int, bool]]:
    has_account = or_(Invitation.user_id.is_not(None), Invitation.account_created_at.is_not(None))
    query = select(
        func.count(Invitation.id),
        func.count(Invitation.opened_at),
        func.count(case((has_account, Invitation.id))),
    ).where(Invitation.campaign_id == campaign_id, *window)
    invited, opened, accounts = session.execute(query).one()
    return [
        ("invited", "Agents invités", int(invited), True),
        ("opened", "Lien de l'invitation ouvert", int(opened), True),
        ("account", "Compte créé ou activé", int(accounts), True),
    ]


def _campaign_journeys(
    columns: tuple[Any, ...], campaign_id: int, flow_ids: list[str], window: list[ColumnElement[bool]]
) -> Select[Any]:
    """Journeys of the campaign's invited agents on these flows, HR previews excluded."""
    invitation = and_(Invitation.campaign_id == Journey.campaign_id, Invitation.user_id == Journey.owner_id)
    return (
        select(*columns)
        .select_from(Journey)
        .join(Invitation, invitation)
        .where(
            Journey.campaign_id == campaign_id, Journey.is_preview.is_(False), Journey.flow_id.in_(flow_ids), *window
        )
    )


def _reached(
    session: Session, campaign_id: int, flow_ids: list[str], window: list[ColumnElement[bool]]
) -> dict[tuple[str, str], int]:
    columns = (Journey.flow_id, JourneyEvent.to_state, func.count(distinct(Journey.owner_id)))
    query = (
        _campaign_journeys(columns, campaign_id, flow_ids, window)
        .join(JourneyEvent, JourneyEvent.journey_id == Journey.id)
        .group_by(Journey.flow_id, JourneyEvent.to_state)
    )
    return {(flow_id, state): int(count) for flow_id, state, count in session.execute(query)}


def _completed(
    session: Session, campaign_id: int, flow_ids: list[str], window: list[ColumnElement[bool]]
) -> dict[str, int]:
    query = (
        _campaign_journeys((Journey.flow_id, func.count(distinct(Journey.owner_id))), campaign_id, flow_ids, window)
        .where(Journey.status == JourneyStatus.COMPLETED, ~_awaiting_account_holder())
        .group_by(Journey.flow_id)
    )
    return {flow_id: int(count) for flow_id, count in session.execute(query)}


def _awaiting_account_holder() -> ColumnElement[bool]:
    """A subscription whose account holder has not signed the mandate yet is not « signée »."""
    pending = select(MandateHolderSignature.id).where(
        MandateHolderSignature.journey_id == Journey.id,
        MandateHolderSignature.status == HolderStatus.PENDING.value,
    )
    return pending.exists()


def _with_losses(raw: Iterable[tuple[str, str, int, bool]]) -> list[FunnelRow]:
    rows: list[FunnelRow] = []
    previous: int | None = None
    invited: int | None = None
    for key, label, count, is_stage in raw:
        invited = count if invited is None else invited
        lost = share = None
        if is_stage and previous is not None:
            lost = max(previous - count, 0)
            share = lost / previous if previous else None
        rows.append(FunnelRow(key, label, count, is_stage, lost, share, count / invited if invited else None))
        previous = count if is_stage else previous
    return rows


def percent(share: float | None) -> str:
    """« 12,5 % » (French decimal comma, narrow no-break space), or an empty string."""
    if share is None:
        return ""
    return f"{share * 100:.1f}".replace(".", ",") + "\u202f%"


CSV_HEADER = ("Étape", "Personnes", "Part des invités", "Perdues depuis l'étape précédente", "Part perdue")


def funnel_csv(funnel: Funnel) -> str:
    """The funnel as CSV for a spreadsheet (``;`` separated, as French Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in funnel.rows:
        lost = "" if row.lost is None else str(row.lost)
        writer.writerow((row.label, row.count, percent(row.invited_share), lost, percent(row.lost_share)))
    return out.getvalue()
