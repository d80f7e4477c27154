"""index for the case-insensitive login lookup (found by bench/resume.py)

Login looks the account up with ``lower(email) = lower(:typed)`` (addresses are case-insensitive); the unique
constraint on ``email`` cannot serve that expression, so every login scanned the whole users table.

Revision ID: 0008_perf
Revises: 0002_documents
Create Date: 2026-11-22 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0008_perf'
down_revision = '0002_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_users_email_lower', 'users', [sa.text('lower(email)')])


def downgrade() -> None:
    op.drop_index('ix_users_email_lower', table_name='users')
