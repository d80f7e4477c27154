"""« Mot de passe oublié » does the same work for known and unknown addresses: the same statements reach the
database (one look-up, one email queued, one commit) and the page answers the same, so neither the answer nor
its timing tells whether an account exists (the timing itself is measured in bench/, not asserted here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.conftest import hidden_fields, text_of
from tests.entry.conftest import mails
from wizard.db import db_engine


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The first word of every SQL statement the application sends while the block runs, plus COMMITs."""
    seen: list[str] = []
    engine = db_engine(app)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    def on_commit(_conn: Any) -> None:
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


def _ask(client: FlaskClient, app: Flask, email: str) -> tuple[list[str], Any]:
    token = hidden_fields(text_of(client.get("/mot-de-passe-oublie")))["csrf_token"]
    with statements(app) as seen:
        response = client.post("/mot-de-passe-oublie", data={"email": email, "csrf_token": token})
    return seen, response


def test_known_and_unknown_addresses_do_the_same_work(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("connu@exemple.fr")
    known, known_response = _ask(client, app, "connu@exemple.fr")
    unknown, unknown_response = _ask(client, app, "inconnu@exemple.fr")
    assert known == unknown
    assert known.count("INSERT") == 1 and known.count("COMMIT") == 1
    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response.headers["Location"] == unknown_response.headers["Location"]
    assert [m.to for m in mails(app, kind="password_reset")] == ["connu@exemple.fr"]
    (notice,) = mails(app, kind="password_reset_unknown")
    assert notice.to == "inconnu@exemple.fr" and "aucun espace personnel n'utilise cette adresse" in notice.text
    assert "/mot-de-passe/" not in notice.text, "no reset link for an address without an account"
