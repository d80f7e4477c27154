"""Revision 0021 moves every journey's answers from the ``step_answers`` table into the journey's row, and back.

Run on its own database (SQLite, or a fresh PostgreSQL database when the suite runs on PostgreSQL), migrated to
the revision before, filled the way that revision stored answers, then upgraded and downgraded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text

from tests.conftest import _worker_database
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import alembic_config, upgrade_database
from wizard.models import Journey, Role, StepAnswer, User
from wizard.models.base import UtcDateTime
from wizard.models.types import EncryptedJSON

BEFORE = "0020_merge"
AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

# the two tables as revision 0020 had them (the models describe the current schema, not that one)
JOURNEYS = sa.table(
    "journeys",
    sa.column("id", sa.Integer), sa.column("public_id", sa.String), sa.column("owner_id", sa.Integer),
    sa.column("flow_id", sa.String), sa.column("flow_version", sa.Integer), sa.column("state", sa.String),
    sa.column("status", sa.String), sa.column("path", sa.JSON), sa.column("revision", sa.Integer),
    sa.column("is_preview", sa.Boolean), sa.column("context", EncryptedJSON()),
    sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()),
)  # fmt: skip
STEP_ANSWERS = sa.table(
    "step_answers",
    sa.column("id", sa.Integer), sa.column("journey_id", sa.Integer), sa.column("step_id", sa.String),
    sa.column("raw", EncryptedJSON()), sa.column("data", EncryptedJSON()), sa.column("is_draft", sa.Boolean),
    sa.column("updated_at", UtcDateTime()),
)  # fmt: skip


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("WIZARD_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    yield _worker_database(server, f"answers_{worker}") if server else f"sqlite:///{tmp_path / 'answers.sqlite3'}"


def _journey(conn: sa.Connection, owner_id: int, public_id: str) -> int:
    return conn.execute(
        sa.insert(JOURNEYS).returning(JOURNEYS.c.id),
        {"public_id": public_id, "owner_id": owner_id, "flow_id": "affiliation", "flow_version": 1,
         "state": "formula", "status": "in_progress", "path": ["regime", "household", "formula"], "revision": 3,
         "is_preview": False, "context": {}, "created_at": AT, "updated_at": AT},
    ).scalar_one()  # fmt: skip


# SQLite's batch mode rebuilds ``journeys`` on downgrade and reflects the tables it refers to; it cannot reflect the
# expression index on ``users`` (``lower(email)``), which it leaves as it is
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_answers_move_into_the_journey_row_in_order_and_come_back_on_downgrade(
    own_database: str, tmp_path: Path
) -> None:
    os.environ["WIZARD_INSTANCE_PATH"] = str(tmp_path / "instance")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": own_database})  # installs the field cipher
    engine = db_engine(app)
    upgrade_database(engine, BEFORE)
    with app.app_context():
        owner = User(email="migre@example.fr", role=Role.MEMBER, password_hash=hash_password("x" * 12),
                     activated=True, first_name="Migré", last_name="Essai")  # fmt: skip
        db_session().add(owner)
        db_session().commit()
        owner_id = owner.id
    with engine.begin() as conn:
        answered, untouched = _journey(conn, owner_id, "answered"), _journey(conn, owner_id, "untouched")
        conn.execute(sa.insert(STEP_ANSWERS), [
            {"journey_id": answered, "step_id": "regime", "raw": {"regime": ["general"]},
             "data": {"regime": "general"}, "is_draft": False, "updated_at": AT},
            {"journey_id": answered, "step_id": "household", "raw": {"cover_partner": ["yes"]},
             "data": {"cover_partner": "yes", "partner_birth_date": date(1984, 2, 29)}, "is_draft": False,
             "updated_at": AT},
            {"journey_id": answered, "step_id": "formula", "raw": {"level": [""]}, "data": None, "is_draft": True,
             "updated_at": AT},
        ])  # fmt: skip

    upgrade_database(engine)

    with app.app_context():
        journey = db_session().get(Journey, answered)
        assert journey is not None
        assert journey.answers == (
            StepAnswer("regime", {"regime": ["general"]}, {"regime": "general"}, False, AT),
            StepAnswer("household", {"cover_partner": ["yes"]},
                       {"cover_partner": "yes", "partner_birth_date": date(1984, 2, 29)}, False, AT),
            StepAnswer("formula", {"level": [""]}, None, True, AT),
        )  # fmt: skip
        assert journey.revision == 3  # moving the answers is not a change of the journey
        empty = db_session().get(Journey, untouched)
        assert empty is not None and empty.answers == ()
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT answers FROM journeys WHERE id = :id"), {"id": answered}).scalar_one()
        tables = sa.inspect(conn).get_table_names()
    assert "general" not in stored and "1984" not in stored  # encrypted at rest, like every answer before
    assert "step_answers" not in tables

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(STEP_ANSWERS).order_by(STEP_ANSWERS.c.id)).all()
        schema = sa.inspect(conn)
        columns = {c["name"] for c in schema.get_columns("journeys")}
        keys = [(k["referred_table"], k["options"].get("ondelete")) for k in schema.get_foreign_keys("step_answers")]
    assert [(r.journey_id, r.step_id, r.raw, r.data, r.is_draft, r.updated_at) for r in rows] == [
        (answered, "regime", {"regime": ["general"]}, {"regime": "general"}, False, AT),
        (answered, "household", {"cover_partner": ["yes"]},
         {"cover_partner": "yes", "partner_birth_date": date(1984, 2, 29)}, False, AT),
        (answered, "formula", {"level": [""]}, None, True, AT),
    ]  # fmt: skip
    assert "answers" not in columns and keys == [("journeys", "CASCADE")]
    engine.dispose()
