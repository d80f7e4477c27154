"""per-user session generation: logging out, a password change or an account closure ends sessions

``users.session_epoch`` is copied into the signed session cookie at login and compared on every request; raising
it ends every session of that person at once (the cookie alone no longer opens anything).

Revision ID: 0018_security
Revises: 0010_merge
Create Date: 2026-12-04 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0018_security'
down_revision = '0010_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_epoch')
