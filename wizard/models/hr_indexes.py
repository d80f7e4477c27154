"""Indexes the HR pages need on the core tables (migration ``0007_hr``), declared so the metadata matches.

The funnel counts agents per step with ``GROUP BY`` over journeys joined to their events and invitations
(``wizard.hr.funnel``); the preview purge finds idle preview journeys. Each index below serves one of them.
"""

from __future__ import annotations

from sqlalchemy import Index

from wizard.models.campaigns import Invitation
from wizard.models.journeys import Journey, JourneyEvent

HR_INDEXES = (
    #: steps reached: events of a journey by arrival state, read without touching the table
    Index("ix_journey_events_journey_to_state", JourneyEvent.journey_id, JourneyEvent.to_state),
    #: a campaign's journeys of one flow, with their owner for the join to invitations
    Index("ix_journeys_campaign_flow_owner", Journey.campaign_id, Journey.flow_id, Journey.owner_id),
    #: the invitation of a journey's owner in that campaign, with its date for the filter (no table read)
    Index("ix_invitations_campaign_user", Invitation.campaign_id, Invitation.user_id, Invitation.created_at),
    #: the funnel's date filter on invitation time
    Index("ix_invitations_campaign_created", Invitation.campaign_id, Invitation.created_at),
    #: ``flask preview purge``: idle preview journeys
    Index("ix_journeys_preview_updated", Journey.is_preview, Journey.updated_at),
)
