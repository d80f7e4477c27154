"""``flask reminders run``: draft reminder, draft expiry, campaign deadline reminder — each sent once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.entry.conftest import invite, mails, make_campaign
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import Actor, Campaign, Journey, JourneyEvent, JourneyStatus, User, utcnow


def _run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def _draft(app: Flask, user_id: int, idle_days: int, campaign_id: int | None = None) -> int:
    with app.app_context():
        session = db_session()
        owner = session.get(User, user_id)
        assert owner is not None
        campaign = session.get(Campaign, campaign_id) if campaign_id else None
        journey = engine.start_journey(session, owner, "affiliation", Actor(user_id=user_id), campaign=campaign)
        session.commit()
        session.execute(
            Journey.__table__.update()
            .where(Journey.id == journey.id)
            .values(updated_at=utcnow() - timedelta(days=idle_days))
        )
        session.commit()
        return journey.id


def test_idle_draft_gets_one_reminder_then_expires(app: Flask, make_user: Any) -> None:
    user = make_user("lent@exemple.fr")
    journey_id = _draft(app, user.id, idle_days=55)  # 60-day expiry, reminder 7 days before
    assert "Rappels de brouillon : 1" in _run(app)
    assert "Rappels de brouillon : 0" in _run(app)
    (reminder,) = mails(app, kind="draft_reminder")
    assert reminder.to == "lent@exemple.fr"
    assert "Votre démarche « Mon parcours d'affiliation » est commencée mais pas terminée" in reminder.text
    assert "Mon régime de Sécurité sociale" in reminder.text and "expirera le" in reminder.text
    assert "/j/" in reminder.text

    with app.app_context():
        db_session().execute(
            Journey.__table__.update().where(Journey.id == journey_id).values(updated_at=utcnow() - timedelta(days=61))
        )
        db_session().commit()
    assert "brouillons expirés : 1" in _run(app)
    assert "brouillons expirés : 0" in _run(app)
    with app.app_context():
        journey = db_session().get(Journey, journey_id)
        assert journey is not None and journey.status == JourneyStatus.EXPIRED
        triggers = db_session().scalars(select(JourneyEvent.trigger).where(JourneyEvent.journey_id == journey_id))
        assert "expire" in list(triggers)
    assert len(mails(app, kind="draft_reminder")) == 1


def test_recent_drafts_and_finished_journeys_are_left_alone(app: Flask, make_user: Any) -> None:
    user = make_user("actif@exemple.fr")
    _draft(app, user.id, idle_days=3)
    assert "Rappels de brouillon : 0 ; brouillons expirés : 0" in _run(app)


def test_deadline_reminder_once_and_only_for_undecided_agents(app: Flask, make_user: Any) -> None:
    closing = make_campaign(app, deadline=date.today() + timedelta(days=3), name="Bientôt close")
    later = make_campaign(app, deadline=date.today() + timedelta(days=30), name="Plus tard")
    decided = make_user("decide@education.example")
    invite(app, closing, "indecis@education.example")
    invite(app, closing, "decide@education.example", user_id=decided.id)
    invite(app, later, "tranquille@education.example")
    with app.app_context():
        session = db_session()
        owner = session.get(User, decided.id)
        assert owner is not None
        campaign = session.get(Campaign, closing)
        signed = engine.start_journey(session, owner, "subscription", Actor(user_id=decided.id), campaign=campaign)
        signed.status = JourneyStatus.COMPLETED
        session.commit()

    assert "rappels d'échéance : 1" in _run(app)
    assert "rappels d'échéance : 0" in _run(app)
    (reminder,) = mails(app, kind="deadline_reminder")
    assert reminder.to == "indecis@education.example"
    assert "affilié(e) automatiquement sur la couverture de base" in reminder.text
    assert "/invitation/" in reminder.text
