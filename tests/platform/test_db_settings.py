"""The database settings every process gets: SQLite as a production-grade embedded default, a bounded pool."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from wizard import create_app
from wizard.db import SQLITE_BUSY_TIMEOUT_SECONDS, build_engine, db_engine


def _pragmas(app: Flask) -> dict[str, object]:
    with db_engine(app).connect() as connection:
        return {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }


def test_the_test_databases_run_with_the_production_sqlite_settings(app: Flask) -> None:
    if db_engine(app).dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    assert _pragmas(app) == {
        "journal_mode": "wal",  # readers never wait for a writer; one log append per commit
        "synchronous": 2,  # FULL: the log is synced at every commit (durable across a power loss)
        "busy_timeout": SQLITE_BUSY_TIMEOUT_SECONDS * 1000,
        "foreign_keys": 1,
    }


def test_a_new_sqlite_file_is_switched_to_wal_and_stays_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    engine = build_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t DEFAULT VALUES"))
    engine.dispose()
    bare = sqlite3.connect(tmp_path / "fresh.sqlite3")  # without the engine's settings
    try:
        assert bare.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # WAL is a property of the file
        assert bare.execute("SELECT count(*) FROM t").fetchone() == (1,)  # the committed row is there
    finally:
        bare.close()


def test_a_foreign_key_violation_is_refused_on_sqlite(app: Flask) -> None:
    if db_engine(app).dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    from sqlalchemy.exc import IntegrityError  # noqa: PLC0415

    orphan = "INSERT INTO journey_events (journey_id, \"trigger\", to_state, at) VALUES (999999, 't', 's', :at)"
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db_engine(app).begin() as connection:
        connection.execute(text(orphan), {"at": "2026-01-01 00:00:00"})


def test_the_postgresql_pool_is_sized_per_worker_from_the_settings(tmp_path: Path) -> None:
    app = create_app({
        "ENV_NAME": "testing", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "DATABASE_POOL_SIZE": 3, "DATABASE_MAX_OVERFLOW": 1,
    })  # fmt: skip  # the engine connects lazily: nothing listens there and nothing is needed
    engine = db_engine(app)
    try:
        assert engine.pool.size() == 3  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 1  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_postgresql_connection_killed_while_idle_is_replaced_without_an_error(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db_engine(app).dialect.name != "postgresql":
        pytest.skip("the ping of idle pooled connections is for PostgreSQL")
    monkeypatch.setattr("wizard.db.POSTGRES_PING_AFTER_IDLE_SECONDS", 0.2)
    engine = build_engine(str(db_engine(app).url.render_as_string(hide_password=False)), pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first  # used a moment ago: handed out again as is
        with db_engine(app).connect() as admin:  # the database drops the pooled connection (restart, failover…)
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        time.sleep(0.3)
        assert _backend_pid(engine) != first  # pinged, found dead, replaced: the request never saw it
    finally:
        engine.dispose()


def test_a_busy_pool_does_not_ping_its_connections(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    if db_engine(app).dialect.name != "postgresql":
        pytest.skip("the ping of idle pooled connections is for PostgreSQL")
    engine = build_engine(str(db_engine(app).url.render_as_string(hide_password=False)), pool_size=1, max_overflow=0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(connection: Any) -> bool:
        pings.append(connection)
        return real_ping(connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []  # a new connection, then one used milliseconds ago: no round trip spent on a ping
    finally:
        engine.dispose()
