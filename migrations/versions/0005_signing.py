"""one-time codes of the local signing ceremony

Revision ID: 0005_signing
Revises: 0002_documents
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_signing"
down_revision = "0002_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature_request_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=254), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["signature_request_id"], ["signature_requests.id"],
            name=op.f("fk_signing_codes_signature_request_id_signature_requests"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_codes")),
    )
    with op.batch_alter_table("signing_codes", schema=None) as batch_op:
        batch_op.create_index("ix_signing_codes_request", ["signature_request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signing_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_signing_codes_request")
    op.drop_table("signing_codes")
