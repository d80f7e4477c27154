"""Helpers for the « Mon compte » tests: a logged-in member, reading the outbox, posting a page's form."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, text_of
from wizard.db import db_session
from wizard.models import OutboxMessage, User


@pytest.fixture
def member(make_user: Any, client: FlaskClient) -> User:
    user: User = make_user("camille.martin@example.fr")
    assert login(client, user.email).status_code == 302
    return user


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for message in messages:
            db_session().expunge(message)
        return messages


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """GET the page, then POST it with its hidden fields (CSRF, revision) and ``data``."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**hidden_fields(text_of(page)), **data})
