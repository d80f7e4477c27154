"""beneficiary designations (versioned) and re-authentication codes

Revision ID: 0006_designation
Revises: 0002_documents
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_designation"
down_revision = "0002_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beneficiary_designations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("clause_text", sa.Text(), nullable=False),
        sa.Column("beneficiaries", sa.Text(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by_beneficiary", sa.Boolean(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_beneficiary_designations_owner_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_beneficiary_designations_journey_id_journeys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_beneficiary_designations_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_designations")),
        sa.UniqueConstraint("owner_id", "version", name="uq_beneficiary_designations_owner_version"),
    )
    with op.batch_alter_table("beneficiary_designations", schema=None) as batch_op:
        batch_op.create_index("ix_beneficiary_designations_owner_id", ["owner_id"], unique=False)

    op.create_table(
        "reauth_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reauth_codes_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reauth_codes")),
    )
    with op.batch_alter_table("reauth_codes", schema=None) as batch_op:
        batch_op.create_index("ix_reauth_codes_user", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reauth_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_reauth_codes_user")
    op.drop_table("reauth_codes")
    with op.batch_alter_table("beneficiary_designations", schema=None) as batch_op:
        batch_op.drop_index("ix_beneficiary_designations_owner_id")
    op.drop_table("beneficiary_designations")
