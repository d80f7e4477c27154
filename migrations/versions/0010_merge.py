"""Merge the feature branches (entry, subscription, signing, designation, HR, performance) into one head.

Revision ID: 0010_merge
Revises: 0003_entry, 0004_subscription, 0005_signing, 0006_designation, 0007_hr, 0008_perf
Create Date: 2026-11-22
"""

revision = "0010_merge"
down_revision = ("0003_entry", "0004_subscription", "0005_signing", "0006_designation", "0007_hr", "0008_perf")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch separate tables."""


def downgrade() -> None:
    """Nothing to change: the branches touch separate tables."""
