"""Engine guarantees: stale submissions, back, drafts, visited-only navigation, re-validation, locking."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, start_from_home, submit, text_of
from wizard.db import db_session
from wizard.journeys import writes
from wizard.journeys.engine import start_journey, submit_step
from wizard.models import Actor, Journey, JourneyEvent, User, utcnow


def _journey(app: Flask) -> Journey:
    with app.app_context():
        journey = db_session().scalars(select(Journey)).one()
        _ = journey.events
        return journey


def _logged_in(client: FlaskClient, make_user: Any, email: str = "e@example.fr") -> str:
    make_user(email)
    login(client, email)
    return start_from_home(client)


def test_double_click_is_detected_and_keeps_newer_answers(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    fields = hidden_fields(text_of(client.get(f"{base}/regime")))
    first = client.post(f"{base}/regime", data={**fields, "regime": "general", "action": "next"})
    assert first.headers["Location"].endswith("/household")
    second = client.post(f"{base}/regime", data={**fields, "regime": "msa", "action": "next"})
    assert second.headers["Location"].endswith("/household")
    page = text_of(client.get(second.headers["Location"]))
    assert "Cette page n'était plus à jour" in page
    journey = _journey(app)
    answer = journey.answer_for("regime")
    assert answer is not None and answer.data == {"regime": "general"}


def test_stale_tab_on_earlier_step_does_not_overwrite(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    old_tab = hidden_fields(text_of(client.get(f"{base}/regime")))
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "yes", "children_count": "1"})
    response = client.post(f"{base}/regime", data={**old_tab, "regime": "msa", "action": "next"})
    assert response.headers["Location"].endswith("/children")
    assert _journey(app).answer_for("regime").data == {"regime": "general"}  # type: ignore[union-attr]


def test_back_keeps_what_was_typed_and_state_moves(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    response = submit(client, f"{base}/household", {"cover_partner": "yes", "partner_birth_date": "1980-13-45"},
                      action="back")  # fmt: skip
    assert response.headers["Location"].endswith("/regime")
    journey = _journey(app)
    assert journey.state == "regime"
    household = journey.answer_for("household")
    assert household is not None and household.is_draft and household.data is None
    assert client.get(f"{base}/household").headers["Location"].endswith("/regime")  # walked again in order
    assert submit(client, f"{base}/regime", {"regime": "general"}).headers["Location"].endswith("/household")
    page = text_of(client.get(f"{base}/household"))
    assert 'value="1980-13-45"' in page
    assert "vos saisies ont été conservées" in page


def test_save_draft_keeps_invalid_input_and_state(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    response = submit(client, f"{base}/household", {"cover_partner": "yes", "children_count": "beaucoup"},
                      action="save")  # fmt: skip
    assert response.headers["Location"].endswith("/mes-demarches")
    assert "Vos réponses sont enregistrées" in text_of(client.get("/mes-demarches"))
    journey = _journey(app)
    assert journey.state == "household"
    assert journey.answer_for("household").raw["children_count"] == ["beaucoup"]  # type: ignore[union-attr]
    assert [e.trigger for e in journey.events][-1] == "save_draft"


def test_only_visited_steps_can_be_opened(client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    for step in ("formula", "review", "done", "nonexistent"):
        response = client.get(f"{base}/{step}")
        assert response.headers["Location"].endswith("/regime"), step


def test_posting_an_unreached_step_is_stale_not_a_jump(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    fields = hidden_fields(text_of(client.get(f"{base}/regime")))
    response = client.post(f"{base}/formula", data={**fields, "_step": "formula", "level": "base", "action": "next"})
    assert response.headers["Location"].endswith("/regime")
    assert _journey(app).state == "regime"


def test_invalid_post_changes_nothing_saved(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    before = _journey(app)
    page = submit(client, f"{base}/regime", {"regime": "cps"})
    assert page.status_code == 422
    after = _journey(app)
    assert after.revision == before.revision
    assert after.answer_for("regime").data == {"regime": "general"}  # type: ignore[union-attr]


def test_another_persons_journey_is_404(client: FlaskClient, make_user: Any, app: Flask) -> None:
    base = _logged_in(client, make_user, "owner@example.fr")
    client.post("/deconnexion", data=hidden_fields(text_of(client.get("/mes-demarches"))))
    make_user("intruder@example.fr")
    login(client, "intruder@example.fr")
    assert client.get(f"{base}/regime").status_code == 404
    assert client.get(base).status_code == 404


def test_review_revalidates_every_step_before_completing(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "no"})
    submit(client, f"{base}/no_cover", {"confirm": "y"})
    submit(client, f"{base}/formula", {"level": "base"})
    with app.app_context():  # the stored input became invalid behind the form's back (e.g. a rule changed)
        session = db_session()
        journey = session.scalars(select(Journey)).one()
        writes.save_answer(journey, "regime", raw={"regime": ["cps"]})
        session.commit()
    response = submit(client, f"{base}/review", {})
    assert response.headers["Location"].endswith("/regime")
    assert "Une de vos réponses doit être vérifiée" in text_of(client.get(response.headers["Location"]))
    assert _journey(app).status == "in_progress"


def test_edit_from_review_walks_forward_again(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "no"})
    submit(client, f"{base}/no_cover", {"confirm": "y"})
    submit(client, f"{base}/formula", {"level": "base"})
    response = submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "yes",
                                                     "children_count": "1"})  # fmt: skip
    assert response.headers["Location"].endswith("/children")
    journey = _journey(app)
    assert journey.state == "children"
    assert [e.trigger for e in journey.events][-2:] == ["edit_household", "next"]
    assert client.get(f"{base}/no_cover").headers["Location"].endswith("/children")  # branch left behind


def test_concurrent_writers_are_refused_by_optimistic_locking(app: Flask, make_user: Any) -> None:
    user = make_user("lock@example.fr")
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = start_journey(session, owner, "affiliation", Actor(owner.id))
        session.commit()
        journey_id, revision = journey.id, str(journey.revision)
    with app.test_request_context():
        other = app.extensions["wizard.sessionmaker"]()
        rival = other.get(Journey, journey_id)
        session = db_session()
        mine = session.get(Journey, journey_id)
        assert rival is not None and mine is not None
        rival.updated_at = utcnow()  # another process saves the journey first
        other.commit()
        outcome = submit_step(
            session, mine, "regime", raw={"regime": ["general"]}, revision=revision, action="next",
            actor=Actor(owner.id),
        )  # fmt: skip
        other.close()
    assert outcome.kind == "stale"


def test_every_move_is_in_the_audit_trail(app: Flask, client: FlaskClient, make_user: Any) -> None:
    base = _logged_in(client, make_user)
    submit(client, f"{base}/regime", {"regime": "general"})
    with app.app_context():
        events = db_session().scalars(select(JourneyEvent).order_by(JourneyEvent.id)).all()
        assert [(e.trigger, e.from_state, e.to_state) for e in events] == [
            ("start", None, "regime"), ("next", "regime", "household")
        ]
        assert events[-1].ip == "127.0.0.1" and events[-1].actor_id is not None


def test_journey_keeps_the_flow_version_it_started_on(app: Flask, client: FlaskClient, make_user: Any) -> None:
    _logged_in(client, make_user)
    journey = _journey(app)
    assert (journey.flow_id, journey.flow_version) == ("affiliation", 1)
