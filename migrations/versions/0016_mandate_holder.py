"""SEPA mandates signed by an account holder who is not the member (second signer)

Revision ID: 0016_mandate_holder
Revises: 0010_merge
"""

from alembic import op
import sqlalchemy as sa


revision = "0016_mandate_holder"
down_revision = "0010_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mandate_holder_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("rum", sa.String(length=35), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("link_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"],
            name=op.f("fk_mandate_holder_signatures_journey_id_journeys"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_mandate_holder_signatures_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandate_holder_signatures")),
        sa.UniqueConstraint("token", name=op.f("uq_mandate_holder_signatures_token")),
    )
    with op.batch_alter_table("mandate_holder_signatures", schema=None) as batch_op:
        batch_op.create_index("ix_mandate_holder_signatures_journey", ["journey_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mandate_holder_signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_mandate_holder_signatures_journey")
    op.drop_table("mandate_holder_signatures")
