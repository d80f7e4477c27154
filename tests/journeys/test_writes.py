"""A step submit writes with plain statements (wizard.journeys.writes): what reaches the database, and the lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import login, start_from_home, submit
from wizard.db import db_engine, db_session
from wizard.journeys import writes
from wizard.journeys.engine import cancel_journey, start_journey, submit_step
from wizard.models import Actor, Journey, JourneyStatus, User, utcnow


@contextmanager
def statements_sent(app: Flask) -> Iterator[list[str]]:
    sent: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(" ".join(statement.split()))

    engine = db_engine(app)
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _stored(app: Flask) -> Journey:
    with app.app_context():
        return db_session().scalars(select(Journey)).one()


def _writes(sent: list[str]) -> list[str]:
    return [s.split(" SET ")[0].split(" (")[0] for s in sent if s.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")]


def test_a_changed_answer_is_written_with_the_journey_in_one_locked_update(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    make_user("w@example.fr")
    login(client, "w@example.fr")
    base = start_from_home(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    before = _stored(app)
    with statements_sent(app) as sent:
        reply = submit(client, f"{base}/regime", {"regime": "msa"})  # back on an earlier step: edit, then next
    assert reply.headers["Location"].endswith("/household")
    assert _writes(sent) == ["INSERT INTO journey_events", "INSERT INTO journey_events", "UPDATE journeys"]
    journey_update = next(s for s in sent if s.startswith("UPDATE journeys"))
    assert "answers" in journey_update.split(" WHERE ")[0]  # the answers are a column of the journey's row
    assert "revision" in journey_update.split(" WHERE ")[1]  # the optimistic lock
    after = _stored(app)
    assert after.revision == before.revision + 1
    assert after.state == "household" and after.path == ["regime", "household"]
    assert after.updated_at > before.updated_at
    answer = after.answer_for("regime")
    assert answer is not None and answer.data == {"regime": "msa"} and answer.raw == {"regime": ["msa"]}
    assert answer.is_draft is False


def test_a_first_answer_is_written_with_the_journey_and_leaves_the_session_clean(app: Flask, make_user: Any) -> None:
    user = make_user("first@example.fr")
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = start_journey(session, owner, "affiliation", Actor(owner.id))
        session.commit()
        with statements_sent(app) as sent:
            outcome = submit_step(session, journey, "regime", raw={"regime": ["general"]},
                                  revision=str(journey.revision), action="next", actor=Actor(owner.id))  # fmt: skip
            answer = journey.answer_for("regime")
            assert answer is not None and answer.data == {"regime": "general"} and answer.is_draft is False
            assert not session.dirty and not session.new  # written already: nothing left for the unit of work
            session.commit()
    assert outcome.kind == "moved" and outcome.step_id == "household"
    assert _writes(sent) == ["INSERT INTO journey_events", "UPDATE journeys"]
    stored = _stored(app)
    assert stored.state == "household"
    assert [(a.step_id, a.data) for a in stored.answers] == [("regime", {"regime": "general"})]


def test_a_journey_saved_by_someone_else_meanwhile_is_stale_and_nothing_is_written(app: Flask, make_user: Any) -> None:
    user = make_user("race@example.fr")
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = start_journey(session, owner, "affiliation", Actor(owner.id))
        session.commit()
        journey_id, revision = journey.id, journey.revision
    with app.test_request_context():
        session = db_session()
        mine = session.get(Journey, journey_id)
        assert mine is not None
        other = app.extensions["wizard.sessionmaker"]()
        rival = other.get(Journey, journey_id)
        assert rival is not None
        rival.updated_at = utcnow()  # saved by another process after this one read the journey
        other.commit()
        other.close()
        outcome = submit_step(session, mine, "regime", raw={"regime": ["general"]}, revision=str(revision),
                              action="next", actor=Actor(owner.id))  # fmt: skip
        session.commit()
    assert outcome.kind == "stale" and outcome.step_id == "regime"
    stored = _stored(app)
    assert stored.revision == revision + 1  # the rival's save only
    assert stored.state == "regime" and stored.answers == ()  # nothing of this submit was written


def test_outside_a_step_submit_changes_go_through_the_unit_of_work(app: Flask, make_user: Any) -> None:
    user = make_user("cancel@example.fr")
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = start_journey(session, owner, "affiliation", Actor(owner.id))
        session.commit()
        assert session.info.get(writes.STAGED_KEY) is None
        cancel_journey(session, journey, Actor(owner.id), "test")
        assert journey in session.dirty  # set as attributes: the flush writes them
        session.commit()
    assert _stored(app).status == JourneyStatus.CANCELLED


def test_the_same_first_answer_sent_meanwhile_by_another_tab_is_stale_not_an_error(app: Flask, make_user: Any) -> None:
    user = make_user("tabs@example.fr")
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = start_journey(session, owner, "affiliation", Actor(owner.id))
        session.commit()
        journey_id, revision = journey.id, journey.revision
    with app.test_request_context():
        session = db_session()
        mine = session.get(Journey, journey_id)
        assert mine is not None
        assert mine.answers == ()  # read before the other tab's submit committed
        other = app.extensions["wizard.sessionmaker"]()
        rival = other.get(Journey, journey_id)
        assert rival is not None
        writes.save_answer(rival, "regime", raw={"regime": ["msa"]}, data={"regime": "msa"})
        other.commit()
        other.close()
        outcome = submit_step(session, mine, "regime", raw={"regime": ["general"]}, revision=str(revision),
                              action="next", actor=Actor(owner.id))  # fmt: skip
        session.commit()
    assert outcome.kind == "stale"
    stored = _stored(app)
    assert [(a.step_id, a.data) for a in stored.answers] == [("regime", {"regime": "msa"})]  # the other tab's
    assert stored.state == "regime" and stored.revision == revision + 1  # the other tab's save only
