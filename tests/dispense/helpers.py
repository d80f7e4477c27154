"""Helpers shared by the dispense and designation tests: start a journey, sign through the local ceremony,
read back what was signed and emailed."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import hidden_fields, submit
from wizard.db import db_session
from wizard.models import Document, Journey, OutboxMessage

SIGNING_CODE = re.compile(r"vos documents : (\d{6})")


def post_start(client: FlaskClient, flow_id: str, **extra: str) -> Any:
    token = hidden_fields(client.get("/mes-demarches").get_data(as_text=True))["csrf_token"]
    return client.post(f"/demarches/{flow_id}", data={"csrf_token": token, **extra})


def journey_base(client: FlaskClient, response: Any) -> str:
    """From the start redirect (``/j/<id>``) to the journey's base URL."""
    assert response.status_code == 302, response.status_code
    return str(response.headers["Location"]).rstrip("/")


def outbox(app: Flask, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list(db_session().scalars(query))


def sign_locally(client: FlaskClient, app: Flask, signing_url: str) -> Any:
    """Tick the consent box, open the ceremony, type the emailed code; returns the response to the code."""
    response = submit(client, signing_url, {"consent": "y"})
    assert response.status_code == 302, response.status_code
    ceremony = str(response.headers["Location"])
    page = client.get(ceremony)
    assert page.status_code == 200
    codes = [c for m in outbox(app, "signing_code") for c in SIGNING_CODE.findall(m.text_body)]
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post(ceremony, data={"csrf_token": token, "code": codes[-1]})


def journey_by_id(app: Flask, public_id: str) -> Journey:
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        db_session().expunge(journey)
        return journey


def signed_documents(app: Flask, kind: str) -> list[Document]:
    with app.app_context():
        query = select(Document).where(Document.kind == kind, Document.signed.is_(True)).order_by(Document.id)
        found = list(db_session().scalars(query))
        for document in found:
            db_session().expunge(document)
        return found


def pdf_text(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed (lines wrap anywhere)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
