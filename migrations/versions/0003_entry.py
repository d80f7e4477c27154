"""entry: invitation send count, outbox delivery channel

Revision ID: 0003_entry
Revises: 0002_documents
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_entry'
down_revision = '0002_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('delivery')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('send_count')
