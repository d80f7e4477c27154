"""A journey's campaign as every step page reads it (wizard.journeys.steps.campaign_of)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from wizard.db import db_session
from wizard.journeys.engine import start_journey
from wizard.journeys.steps import campaign_effective_date, campaign_of
from wizard.models import Actor, Campaign, Journey


def test_a_journeys_campaign_whether_stored_new_or_absent(app: Flask, make_user: Any) -> None:
    with app.app_context():
        session = db_session()
        owner = make_user("campagne@example.fr")
        campaign = Campaign(name="C", employer="E", contract_name="Santé agents", effective_date=date(2027, 1, 1),
                            deadline=date(2026, 12, 31), offer_version="2026.1")  # fmt: skip
        new = Journey(campaign=campaign)
        assert new.campaign_id is None  # not flushed: its campaign is in its attributes
        assert campaign_of(new) is campaign
        session.add(campaign)
        start_journey(session, owner, "affiliation", Actor(owner.id), campaign=campaign)
        start_journey(session, owner, "dispense", Actor(owner.id))
        session.commit()
    with app.app_context():
        stored = {j.flow_id: j for j in db_session().scalars(select(Journey))}
        assert campaign_of(stored["affiliation"]).name == "C"  # type: ignore[union-attr]
        assert campaign_effective_date(stored["affiliation"]) == date(2027, 1, 1)
        outside = stored["dispense"]
        assert campaign_of(outside) is None
        assert "campaign" not in vars(outside)  # the lazy loader was not asked
        assert campaign_effective_date(outside) == app.config["DEFAULT_EFFECTIVE_DATE"]
