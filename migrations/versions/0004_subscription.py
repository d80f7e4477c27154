"""subscription: satisfaction answers

Revision ID: 0004_subscription
Revises: 0002_documents
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_subscription'
down_revision = '0002_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('satisfaction_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('unhappy', 'neutral', 'happy', name='satisfaction', native_enum=False, length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_satisfaction_answers_journey_id_journeys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_answers')),
    sa.UniqueConstraint('journey_id', name='uq_satisfaction_answers_journey_id')
    )


def downgrade() -> None:
    op.drop_table('satisfaction_answers')
