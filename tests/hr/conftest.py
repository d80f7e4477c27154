"""HR fixtures: an HR user logged in, a campaign with an invited agent, row counts of every table."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, or_, select

from tests.conftest import hidden_fields, login, text_of
from wizard.db import db_session
from wizard.models import Base, Campaign, Invitation, Journey, Role

HR_EMAIL = "rh@example.fr"


@pytest.fixture
def hr_client(client: FlaskClient, make_user: Any) -> FlaskClient:
    make_user(HR_EMAIL, role=Role.HR, first_name="Sophie", last_name="Bernard")
    login(client, HR_EMAIL)
    return client


@pytest.fixture
def campaign(app: Flask) -> Campaign:
    with app.app_context():
        session = db_session()
        created = Campaign(
            name="Campagne PSC 2026", employer="Rectorat de test", contract_name="Contrat santé",
            effective_date=date(2026, 5, 1), deadline=date(2026, 6, 30), offer_version="2026.1",
        )  # fmt: skip
        session.add(created)
        session.commit()
        session.expunge(created)
        return created


def invite(app: Flask, campaign_id: int, email: str, **fields: Any) -> int:
    with app.app_context():
        session = db_session()
        values = {"last_name": "Durand", "first_name": "Alex", "birth_date": date(1985, 2, 3), "regime": "general",
                  "postal_address": "1 rue de la Paix, 75002 Paris", "phone": "0612345678", **fields}  # fmt: skip
        invitation = Invitation(campaign_id=campaign_id, email=email, **values)
        session.add(invitation)
        session.commit()
        return invitation.id


def row_counts(app: Flask, *, without_previews: bool = False) -> dict[str, int]:
    """Rows of every table; ``without_previews`` leaves out preview journeys and the rows that point at them."""
    with app.app_context():
        session = db_session()
        previews = select(Journey.id).where(Journey.is_preview.is_(True)).scalar_subquery()
        counts: dict[str, int] = {}
        for table in Base.metadata.sorted_tables:
            query = select(func.count()).select_from(table)
            if without_previews and table.name == "preview_snapshots":
                counts[table.name] = 0  # the previews' own store: compared separately
                continue
            if without_previews and table.name == "journeys":
                query = query.where(table.c.is_preview.is_(False))
            elif without_previews and "journey_id" in table.c:
                query = query.where(or_(table.c.journey_id.is_(None), table.c.journey_id.not_in(previews)))
            counts[table.name] = int(session.scalar(query) or 0)
        return counts


def start_preview(client: FlaskClient, flow_id: str, persona: str, *, apply: bool, email: str = "") -> Any:
    page = client.get(f"/rh/apercu/{flow_id}")
    assert page.status_code == 200
    data = {"csrf_token": hidden_fields(text_of(page))["csrf_token"], "persona": persona, "invitation_email": email}
    if apply:
        data["apply_answers"] = "y"
    return client.post(f"/rh/apercu/{flow_id}", data=data)


def follow_to_step(client: FlaskClient, response: Any) -> str:
    """The step URL a start redirect ends on (``/j/<id>`` redirects to the current step)."""
    location = response.headers["Location"]
    if location.count("/") == 2:  # /j/<public_id>
        location = client.get(location).headers["Location"]
    return str(location)
