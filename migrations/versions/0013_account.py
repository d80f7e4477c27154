"""« Mon compte »: contact details, change log, consents, data exports, deletion requests; HR previews' store

Revision ID: 0013_account
Revises: 0010_merge
"""

from alembic import op
import sqlalchemy as sa


revision = "0013_account"
down_revision = "0010_merge"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str = "user_id", ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "member_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("mobile_phone", sa.String(length=20), nullable=False),
        sa.Column("landline_phone", sa.String(length=20), nullable=False),
        sa.Column("paperless", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("member_profiles"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_member_profiles")),
    )
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        _user_fk("account_changes"),
        _user_fk("account_changes", "actor_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_changes")),
    )
    op.create_index("ix_account_changes_user_id", "account_changes", ["user_id"], unique=False)
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("text_shown", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        _user_fk("consent_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(
        "ix_consent_records_user_purpose_channel", "consent_records", ["user_id", "purpose", "channel", "id"],
        unique=False,
    )
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("pending", "running", "ready", "failed", name="exportstatus",
                                    native_enum=False, length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("data_exports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
        sa.UniqueConstraint("public_id", name=op.f("uq_data_exports_public_id")),
    )
    op.create_index("ix_data_exports_user_id", "data_exports", ["user_id"], unique=False)
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("erased", sa.JSON(), nullable=False),
        _user_fk("deletion_requests"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_requests")),
        sa.UniqueConstraint("user_id", name=op.f("uq_deletion_requests_user_id")),
    )
    op.create_table(
        "preview_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("preview_snapshots", "owner_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_snapshots")),
        sa.UniqueConstraint("public_id", name=op.f("uq_preview_snapshots_public_id")),
    )
    op.create_index("ix_preview_snapshots_owner_id", "preview_snapshots", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_preview_snapshots_owner_id", table_name="preview_snapshots")
    op.drop_table("preview_snapshots")
    op.drop_table("deletion_requests")
    op.drop_index("ix_data_exports_user_id", table_name="data_exports")
    op.drop_table("data_exports")
    op.drop_index("ix_consent_records_user_purpose_channel", table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_index("ix_account_changes_user_id", table_name="account_changes")
    op.drop_table("account_changes")
    op.drop_table("member_profiles")
