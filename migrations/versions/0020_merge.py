"""Join the second round's branches (SEPA chain, Mon compte, family changes, DocuSign follow-ups, security)
into one head.

Revision ID: 0020_merge
Revises: the heads listed in down_revision
Create Date: 2026-12-04
"""

revision = "0020_merge"
down_revision = (
    "0012_sepa", "0013_account", "0015_family_change", "0016_mandate_holder", "0017_signature_followups",
    "0018_security",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch separate tables and columns."""


def downgrade() -> None:
    """Nothing to change: the branches touch separate tables and columns."""
