"""proofs (pièces justificatives) with their encrypted files, and signed family changes (avenants)

Revision ID: 0015_family_change
Revises: 0010_merge
"""

from alembic import op
import sqlalchemy as sa


revision = "0015_family_change"
down_revision = "0010_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Enum("due", "submitted", "accepted", "refused", name="proofstatus",
                                    native_enum=False, length=16), nullable=False),
        sa.Column("later_allowed", sa.Boolean(), nullable=False),
        sa.Column("refusal_reason", sa.String(length=500), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], name=op.f("fk_proofs_journey_id_journeys"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_proofs_owner_id_users")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"], name=op.f("fk_proofs_reviewed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proofs")),
        sa.UniqueConstraint("public_id", name=op.f("uq_proofs_public_id")),
        sa.UniqueConstraint("journey_id", "step_id", "code", name="uq_proofs_journey_step_code"),
    )
    with op.batch_alter_table("proofs", schema=None) as batch_op:
        batch_op.create_index("ix_proofs_status_updated", ["status", "updated_at"], unique=False)
        batch_op.create_index("ix_proofs_owner", ["owner_id"], unique=False)

    op.create_table(
        "proof_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("proof_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("scan", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proof_id"], ["proofs.id"], name=op.f("fk_proof_files_proof_id_proofs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proof_files")),
        sa.UniqueConstraint("public_id", name=op.f("uq_proof_files_public_id")),
    )
    with op.batch_alter_table("proof_files", schema=None) as batch_op:
        batch_op.create_index("ix_proof_files_proof", ["proof_id"], unique=False)

    op.create_table(
        "family_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("monthly_before_cents", sa.Integer(), nullable=False),
        sa.Column("monthly_after_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("active", "on_hold", name="familychangestatus", native_enum=False, length=16),
                  nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_family_changes_owner_id_users")),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], name=op.f("fk_family_changes_journey_id_journeys"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_family_changes_document_id_documents"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_changes")),
        sa.UniqueConstraint("journey_id", name=op.f("uq_family_changes_journey_id")),
    )
    with op.batch_alter_table("family_changes", schema=None) as batch_op:
        batch_op.create_index("ix_family_changes_owner", ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("family_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_family_changes_owner")
    op.drop_table("family_changes")
    with op.batch_alter_table("proof_files", schema=None) as batch_op:
        batch_op.drop_index("ix_proof_files_proof")
    op.drop_table("proof_files")
    with op.batch_alter_table("proofs", schema=None) as batch_op:
        batch_op.drop_index("ix_proofs_owner")
        batch_op.drop_index("ix_proofs_status_updated")
    op.drop_table("proofs")
