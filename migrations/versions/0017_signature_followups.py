"""signature requests: status polling window and background follow-ups (DocuSign as the real service)

``status_checked_at`` keeps DocuSign's « one status request per envelope every 15 minutes »;
``followup*`` is the queue ``flask signatures run`` works through (fetch a signed document after a Connect
notification, void an envelope the provider could not be reached for).

Revision ID: 0017_signature_followups
Revises: 0010_merge
Create Date: 2026-12-04 17:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_signature_followups"
down_revision = "0010_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature_requests") as batch:
        batch.add_column(sa.Column("status_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("followup", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("followup_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("followup_attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("followup_error", sa.String(length=500), nullable=True))
    op.create_index("ix_signature_requests_followup_due_at", "signature_requests", ["followup_due_at"])


def downgrade() -> None:
    op.drop_index("ix_signature_requests_followup_due_at", table_name="signature_requests")
    with op.batch_alter_table("signature_requests") as batch:
        for column in ("followup_error", "followup_attempts", "followup_due_at", "followup", "status_checked_at"):
            batch.drop_column(column)
