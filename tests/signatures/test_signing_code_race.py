"""The signing code cannot be raced: 40 wrong codes sent at once to a real threaded HTTP server are not all
evaluated — at most five ever are — and the right code is refused afterwards; new codes are capped per hour."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, text_of
from tests.security.live_server import burst, same_browser, serving, session_cookie
from tests.signatures.conftest import emailed_codes, enter_signing, post_code
from wizard.db import db_session
from wizard.models import Document, SigningCode
from wizard.signatures import ceremony

PARALLEL = 40


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return same_browser(app.test_client())


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _ceremony(app: Flask, client: FlaskClient, at_signing: str) -> tuple[str, str]:
    url = enter_signing(client, at_signing)
    client.get(url)
    (code,) = emailed_codes(app)
    return url, code


def test_forty_simultaneous_wrong_codes_evaluate_at_most_five(app: Flask, client: FlaskClient, at_signing: str) -> None:
    url, code = _ceremony(app, client, at_signing)
    token = hidden_fields(text_of(client.get(url)))["csrf_token"]
    with serving(app) as base:
        replies = burst(base + url, {"csrf_token": token, "code": _wrong(code)}, session_cookie(client), PARALLEL)
    assert len(replies) == PARALLEL
    assert {r.status for r in replies} == {422}
    assert sum("Ce code n'est pas le bon" in r.text for r in replies) == ceremony.MAX_ATTEMPTS - 1
    assert all("Ce code n'est pas le bon" in r.text or "trop de codes erronés" in r.text for r in replies)
    with app.app_context():
        (row,) = db_session().scalars(select(SigningCode))
        assert row.attempts == ceremony.MAX_ATTEMPTS and row.verified_at is None
    assert "trop de codes erronés" in text_of(post_code(client, url, code)), "the code is dead"
    with app.app_context():
        assert db_session().scalars(select(Document).where(Document.signed.is_(True))).all() == []


def test_the_right_code_after_a_wrong_one_counts_only_the_wrong_one(
    app: Flask, client: FlaskClient, at_signing: str
) -> None:
    url, code = _ceremony(app, client, at_signing)
    assert "Il vous reste 4 essais." in text_of(post_code(client, url, _wrong(code)))
    assert post_code(client, url, code).status_code == 302
    with app.app_context():
        (row,) = db_session().scalars(select(SigningCode))
        assert row.attempts == 1 and row.verified_at is not None


def test_new_codes_are_capped_per_hour(app: Flask, client: FlaskClient, at_signing: str) -> None:
    url, _code = _ceremony(app, client, at_signing)
    last = None
    for _ in range(ceremony.MAX_CODES_PER_HOUR + 1):
        with app.app_context():  # each earlier code is past the 30-second cooldown, still within the hour
            for row in db_session().scalars(select(SigningCode)):
                row.sent_at = row.sent_at - ceremony.RESEND_COOLDOWN
            db_session().commit()
        token = hidden_fields(text_of(client.get(url)))["csrf_token"]
        last = client.post(f"{url}/nouveau-code", data={"csrf_token": token}, follow_redirects=True)
    assert last is not None and "trop de codes en peu de temps" in text_of(last)
    assert len(emailed_codes(app)) == ceremony.MAX_CODES_PER_HOUR
