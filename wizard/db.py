"""Database engine and the per-application-context session.

One session per app context (request, CLI command or test block): views and the engine call
:func:`db_session`; only the engine commits. The engine is built in the app factory, never at import.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SESSIONMAKER_KEY = "wizard.sessionmaker"


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def build_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys and a busy timeout, PostgreSQL a pre-ping pool."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def init_db(app: Flask) -> None:
    engine = build_engine(app.config["DATABASE_URL"])
    app.extensions[SESSIONMAKER_KEY] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[SESSIONMAKER_KEY]()
    session: Session = g.db_session
    return session


def db_engine(app: Flask | None = None) -> Engine:
    maker: sessionmaker[Session] = (app or current_app).extensions[SESSIONMAKER_KEY]
    bind = maker.kw["bind"]
    assert isinstance(bind, Engine)  # noqa: S101 - set by init_db, a wrong type is a programming error
    return bind


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()  # uncommitted work is rolled back: a failed request never half-writes
