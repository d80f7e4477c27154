"""indexes for the HR funnel and the preview purge

Revision ID: 0007_hr
Revises: 0002_documents
Create Date: 2026-11-22 09:00:00.000000
"""

from alembic import op


revision = '0007_hr'
down_revision = '0002_documents'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_journey_events_journey_to_state', 'journey_events', ['journey_id', 'to_state']),
    ('ix_journeys_campaign_flow_owner', 'journeys', ['campaign_id', 'flow_id', 'owner_id']),
    ('ix_invitations_campaign_user', 'invitations', ['campaign_id', 'user_id', 'created_at']),
    ('ix_invitations_campaign_created', 'invitations', ['campaign_id', 'created_at']),
    ('ix_journeys_preview_updated', 'journeys', ['is_preview', 'updated_at']),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
