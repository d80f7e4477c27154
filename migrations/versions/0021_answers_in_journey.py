"""a journey's answers are kept in its own row: ``journeys.answers`` replaces the ``step_answers`` table

Every journey page read the journey joined to its answers — one row per answer, with the journey's and its
owner's columns decoded again on each — and every step submit wrote both tables. The answers become one
encrypted JSON list in the journey's row, in the order their steps were first answered, each record holding
``step_id``, ``raw``, ``data``, ``is_draft`` and ``updated_at`` (ISO text). The values are copied over,
decrypted and encrypted again with the application's field key; a database without answers (a new one) needs
no key. The records' format is written out here, not borrowed from the models, so this revision keeps
meaning what it meant.

Revision ID: 0021_answers_in_journey
Revises: 0020_merge
Create Date: 2026-12-06
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from wizard.models.base import UtcDateTime
from wizard.models.types import EncryptedJSON

revision = "0021_answers_in_journey"
down_revision = "0020_merge"
branch_labels = None
depends_on = None

#: journeys copied per statement batch (keyset pagination: a large table is never held in memory at once)
BATCH = 500

_JOURNEYS = sa.table("journeys", sa.column("id", sa.Integer), sa.column("answers", EncryptedJSON()))
_ANSWERS = sa.table(
    "step_answers",
    sa.column("id", sa.Integer), sa.column("journey_id", sa.Integer), sa.column("step_id", sa.String),
    sa.column("raw", EncryptedJSON()), sa.column("data", EncryptedJSON()), sa.column("is_draft", sa.Boolean),
    sa.column("updated_at", UtcDateTime()),
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("journeys") as batch:
        batch.add_column(sa.Column("answers", sa.Text(), nullable=True))
    bind = op.get_bind()
    for journey_ids in _batches(bind, sa.select(_ANSWERS.c.journey_id).distinct(), _ANSWERS.c.journey_id):
        rows = bind.execute(
            sa.select(_ANSWERS).where(_ANSWERS.c.journey_id.in_(journey_ids)).order_by(_ANSWERS.c.id)
        ).all()
        by_journey: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_journey.setdefault(row.journey_id, []).append({
                "step_id": row.step_id, "raw": row.raw or {}, "data": row.data, "is_draft": bool(row.is_draft),
                "updated_at": row.updated_at.isoformat(),
            })  # fmt: skip
        for journey_id, records in by_journey.items():
            bind.execute(sa.update(_JOURNEYS).where(_JOURNEYS.c.id == journey_id).values(answers=records))
    op.drop_table("step_answers")


def downgrade() -> None:
    # the foreign key comes last: on SQLite, dropping the column rebuilds ``journeys`` (copy, drop, rename), and
    # dropping the old table would cascade to the answers just copied back
    op.create_table(
        "step_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("is_draft", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_answers")),
        sa.UniqueConstraint("journey_id", "step_id", name="uq_step_answers_journey_step"),
    )
    bind = op.get_bind()
    having = sa.select(_JOURNEYS.c.id).where(_JOURNEYS.c.answers.is_not(None))
    for journey_ids in _batches(bind, having, _JOURNEYS.c.id):
        rows = bind.execute(sa.select(_JOURNEYS).where(_JOURNEYS.c.id.in_(journey_ids)).order_by(_JOURNEYS.c.id))
        for journey_id, records in rows.all():
            for record in records or []:
                bind.execute(sa.insert(_ANSWERS).values(
                    journey_id=journey_id, step_id=record["step_id"], raw=record["raw"], data=record["data"],
                    is_draft=record["is_draft"], updated_at=datetime.fromisoformat(record["updated_at"]),
                ))  # fmt: skip
    with op.batch_alter_table("journeys") as batch:
        batch.drop_column("answers")
    with op.batch_alter_table("step_answers") as batch:
        batch.create_foreign_key(
            op.f("fk_step_answers_journey_id_journeys"), "journeys", ["journey_id"], ["id"], ondelete="CASCADE"
        )


def _batches(bind: sa.Connection, ids: sa.Select[Any], key: sa.ColumnElement[int]) -> Iterator[list[int]]:
    """The ids ``ids`` selects, ``BATCH`` at a time, in increasing order."""
    last = None
    while True:
        query = ids.order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        found = list(bind.execute(query).scalars())
        if not found:
            return
        yield found
        last = found[-1]

