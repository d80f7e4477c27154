"""Designation PDFs name third parties: « Mes documents » neither lists nor serves them without re-authentication."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, text_of
from wizard.db import db_session
from wizard.journeys.engine import start_journey
from wizard.models import Actor, Document, Journey, JourneyStatus, User


def _signed_designation(app: Flask, user_id: int) -> str:
    with app.test_request_context():
        session = db_session()
        owner = session.get(User, user_id)
        assert owner is not None
        journey = start_journey(session, owner, "designation", Actor(owner.id))
        journey.status = JourneyStatus.COMPLETED
        session.flush()
        document = Document(
            public_id="designation-doc-1", journey_id=journey.id, kind="designation",
            title="Désignation de bénéficiaires", filename="designation.pdf", template_version="t",
            sha256="0" * 64, content=b"%PDF-1.7 Jean Dupont 100 %", signed=True,
        )  # fmt: skip
        session.add(document)
        session.commit()
        return document.public_id


def test_designation_pdf_needs_fresh_reauthentication(app: Flask, client: FlaskClient, make_user: Any) -> None:
    user = make_user("heir@example.fr")
    public_id = _signed_designation(app, user.id)
    login(client, "heir@example.fr")
    listing = text_of(client.get("/mes-documents"))
    assert "designation-doc-1" not in listing
    response = client.get(f"/mes-documents/{public_id}")
    assert response.status_code == 302
    assert "/mon-contrat/identification" in response.headers["Location"]
    with app.app_context():
        assert db_session().scalar(select(Journey.flow_id)) == "designation"
