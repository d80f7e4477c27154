"""The designation's re-authentication code cannot be raced either, and new codes are capped per hour."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, text_of
from tests.designation.helpers import REAUTH_CODE
from tests.security.live_server import burst, same_browser, serving, session_cookie
from wizard.db import db_session
from wizard.designation import reauth
from wizard.models import OutboxMessage, ReauthCode

PARALLEL = 40
CODE_PAGE = "/mon-contrat/identification/code"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"LOGIN_RATE_LIMIT": "1000 per minute"}  # the per-address rate limit is not what is tested here


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return same_browser(app.test_client())


def _codes(app: Flask) -> list[str]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.kind == "reauth_code").order_by(OutboxMessage.id)
        return [c for m in db_session().scalars(query) for c in REAUTH_CODE.findall(m.text_body)]


def _ask_code(client: FlaskClient) -> Any:
    token = hidden_fields(text_of(client.get("/mon-contrat/identification")))["csrf_token"]
    return client.post("/mon-contrat/identification/envoyer-un-code", data={"csrf_token": token})


def test_forty_simultaneous_wrong_codes_evaluate_at_most_five(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("course@example.fr")
    login(client, "course@example.fr")
    _ask_code(client)
    (code,) = _codes(app)
    token = hidden_fields(text_of(client.get(CODE_PAGE)))["csrf_token"]
    wrong = "000000" if code != "000000" else "111111"
    with serving(app) as base:
        replies = burst(base + CODE_PAGE, {"csrf_token": token, "code": wrong}, session_cookie(client), PARALLEL)
    assert len(replies) == PARALLEL and {r.status for r in replies} == {200}
    assert sum(reauth.WRONG_CODE in r.text for r in replies) == reauth.MAX_ATTEMPTS - 1
    with app.app_context():
        (row,) = db_session().scalars(select(ReauthCode))
        assert row.attempts == reauth.MAX_ATTEMPTS and row.used_at is None
    token = hidden_fields(text_of(client.get(CODE_PAGE)))["csrf_token"]
    late = client.post(CODE_PAGE, data={"csrf_token": token, "code": code})
    assert late.status_code == 200 and reauth.EXPIRED_CODE in text_of(late), "the code is dead"


def test_new_codes_are_capped_per_hour(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("plafond@example.fr")
    login(client, "plafond@example.fr")
    for _ in range(reauth.MAX_CODES_PER_HOUR):
        assert _ask_code(client).headers["Location"].startswith(CODE_PAGE)
    refused = _ask_code(client)
    assert refused.headers["Location"].startswith("/mon-contrat/identification")
    assert CODE_PAGE not in refused.headers["Location"]
    assert "trop de codes en peu de temps" in text_of(client.get(refused.headers["Location"]))
    assert len(_codes(app)) == reauth.MAX_CODES_PER_HOUR
