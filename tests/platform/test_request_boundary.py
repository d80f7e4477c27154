"""The request boundary of wizard.db: committed after the view, unless the request is marked rollback-only."""

from __future__ import annotations

import pytest
from flask import Flask, g, request
from sqlalchemy import func, select

from wizard.db import ROLLBACK_ONLY, db_session
from wizard.models import Role, User


def _add_user_route(app: Flask, email: str, *, rollback_only: bool) -> None:
    def view() -> str:
        session = db_session()
        session.add(User(email=email, first_name="A", last_name="B", role=Role.MEMBER))
        session.flush()
        if rollback_only:
            setattr(g, ROLLBACK_ONLY, True)
        return "ok"

    app.add_url_rule(f"/test-boundary/{email}", endpoint=f"boundary_{rollback_only}", view_func=view)


def _count(app: Flask, email: str) -> int:
    with app.app_context():
        return int(db_session().scalar(select(func.count()).select_from(User).where(User.email == email)) or 0)


def test_a_request_is_committed_after_the_view_unless_marked_rollback_only(app: Flask) -> None:
    _add_user_route(app, "kept@example.fr", rollback_only=False)
    _add_user_route(app, "dropped@example.fr", rollback_only=True)
    client = app.test_client()
    assert client.get("/test-boundary/kept@example.fr").status_code == 200
    assert client.get("/test-boundary/dropped@example.fr").status_code == 200
    assert _count(app, "kept@example.fr") == 1
    assert _count(app, "dropped@example.fr") == 0


def test_work_after_the_request_commit_is_committed_when_the_context_ends(app: Flask) -> None:
    @app.teardown_request
    def late_write(_exc: BaseException | None) -> None:  # after wizard.db's commit, before the context ends
        if request.path == "/test-late-write":
            db_session().add(User(email="late@example.fr", first_name="A", last_name="B", role=Role.MEMBER))

    app.add_url_rule("/test-late-write", endpoint="late_write", view_func=lambda: "ok")
    assert app.test_client().get("/test-late-write").status_code == 200
    assert _count(app, "late@example.fr") == 1
    with app.app_context():
        session = db_session()
        assert session.scalar(select(func.count()).select_from(User)) == 1
        session.commit()
        assert not session.in_transaction()  # what the end of the context finds: nothing left to commit


def test_flask_checks_each_hook_and_view_once_for_being_a_coroutine(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspect  # noqa: PLC0415

    import flask.app  # noqa: PLC0415

    asked: list[object] = []
    real = inspect.iscoroutinefunction

    def counted(func: object) -> bool:
        asked.append(func)
        return real(func)

    monkeypatch.setattr(flask.app, "iscoroutinefunction", counted)
    client = app.test_client()
    client.get("/connexion")
    first = len(asked)
    assert first > 0  # hooks and the view were asked about
    client.get("/connexion")
    assert len(asked) == first  # the second request asks about none of them again

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view  # a plain function is called as it is
