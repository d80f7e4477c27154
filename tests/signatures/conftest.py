"""Fixtures of the signing-flow tests: the test flow registered next to the real ones, a logged-in member
walked up to the signing step, and helpers reading the emailed code."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import flows
from tests.conftest import hidden_fields, login, submit
from tests.signatures import testflow
from wizard.db import db_session
from wizard.models import Journey, OutboxMessage

EMAIL = "helene.dupre@example.fr"


@pytest.fixture(autouse=True)
def _test_flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register the test flow at app creation (autouse fixtures run before ``app``).

    Flow modules other helpers have listed but not written yet are left out, so these tests depend on
    nothing but the engine.
    """
    present = tuple(name for name in flows.FLOW_MODULES if importlib.util.find_spec(name) is not None)
    monkeypatch.setattr(flows, "FLOW_MODULES", (*present, "tests.signatures.testflow"))
    testflow.COMPLETED.clear()
    yield


def start_journey(client: FlaskClient) -> str:
    """Start the test journey; returns the journey's base URL (``/j/<public_id>``)."""
    token = hidden_fields(client.get("/mes-demarches").get_data(as_text=True))["csrf_token"]
    response = client.post(f"/demarches/{testflow.FLOW_ID}", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return str(response.headers["Location"])


@pytest.fixture
def member(client: FlaskClient, make_user: Any) -> Any:
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    login(client, EMAIL)
    return user


@pytest.fixture
def at_signing(client: FlaskClient, member: Any) -> str:
    """The URL of the signing step of a fresh journey whose form step is answered."""
    base = start_journey(client)
    response = submit(client, f"{base}/declaration", {"city": "Lyon"})
    assert response.headers["Location"].endswith("/signature")
    return f"{base}/signature"


def enter_signing(client: FlaskClient, signing_url: str) -> str:
    """Tick the box and press the button; returns the ceremony URL."""
    response = submit(client, signing_url, {"consent": "y"})
    assert response.status_code == 302, response.status_code
    return str(response.headers["Location"])


CODE = re.compile(r"vos documents : (\d{6})")


def emailed_codes(app: Flask) -> list[str]:
    with app.app_context():
        messages = db_session().scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "signing_code").order_by(OutboxMessage.id)
        )
        return [m for message in messages for m in CODE.findall(message.text_body)]


def journey_of(app: Flask, url: str) -> Journey:
    public_id = url.split("/j/")[1].split("/", maxsplit=1)[0]
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        return journey


def post_code(client: FlaskClient, ceremony_url: str, code: str) -> Any:
    fields = hidden_fields(client.get(ceremony_url).get_data(as_text=True))
    return client.post(ceremony_url, data={"csrf_token": fields["csrf_token"], "code": code})
