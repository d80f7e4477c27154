"""Shared fixtures: one migrated database per test session (and xdist worker), emptied after each test.

The database is SQLite unless ``WIZARD_TEST_DATABASE_URL`` names a PostgreSQL server (``make test`` starts
a throwaway cluster and runs the suite again on it). The schema is built by the Alembic migrations, as in
production. No test talks to anything but loopback.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from wizard import create_app
from wizard.db import build_engine, db_engine
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Base, Role, User

PASSWORD = "Mot-de-passe-2026!"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = os.environ.get("WIZARD_TEST_DATABASE_URL")
    url = _worker_database(server, worker) if server else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = build_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url


def _worker_database(server_url: str, worker: str) -> str:
    """One PostgreSQL database per xdist worker, created fresh."""
    name = f"wizard_test_{worker}"
    admin = build_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _empty_all_tables(engine: Engine) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, Any]:
    """Tests may extend this mapping before ``app`` is built."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    os.environ["WIZARD_INSTANCE_PATH"] = str(tmp_path / "instance")
    application = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, **app_overrides})
    yield application
    engine = db_engine(application)
    _empty_all_tables(engine)
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Factory: ``make_user("a@b.fr", role=Role.HR)`` → an activated user with ``PASSWORD``."""

    def factory(email: str = "agent@example.fr", *, role: Role = Role.MEMBER, **fields: Any) -> User:
        from wizard.db import db_session  # noqa: PLC0415

        with app.app_context():
            session = db_session()
            user = User(
                email=email, role=role, password_hash=hash_password(PASSWORD), activated=True,
                first_name=fields.pop("first_name", "Camille"), last_name=fields.pop("last_name", "Martin"), **fields,
            )  # fmt: skip
            session.add(user)
            session.commit()
            session.refresh(user)
            session.expunge(user)
            return user

    return factory


HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')


def text_of(response: Any) -> str:
    """A page's HTML with entities decoded, so assertions read French text as a person does."""
    return html.unescape(response.get_data(as_text=True))


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, step id, revision), as a browser would send them."""
    return {m.group("name"): m.group("value") for m in HIDDEN_INPUT.finditer(html)}


#: a couple with two children, as a member answers the affiliation's household page
FAMILY_HOUSEHOLD = {
    "cover_partner": "yes", "partner_link": "pacs", "partner_regime": "general",
    "partner_is_state_agent": "no", "partner_birth_date": "1987-06-02",
    "cover_children": "yes", "children_count": "2",
}  # fmt: skip


def start_from_home(client: FlaskClient, flow_id: str = "affiliation") -> str:
    """Press the start button on a journey's home page, as a member does; returns ``/j/<public_id>``."""
    token = hidden_fields(text_of(client.get(f"/demarches/{flow_id}")))["csrf_token"]
    journey_url = client.post(f"/demarches/{flow_id}", data={"csrf_token": token}).headers["Location"]
    return str(client.get(journey_url).headers["Location"]).rsplit("/", 1)[0]


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/connexion")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post("/connexion", data={"email": email, "password": password, "csrf_token": token})


def submit(client: FlaskClient, url: str, data: dict[str, Any], action: str = "next") -> Any:
    """GET a step page, then POST it with its hidden fields, like a person pressing a button."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields = hidden_fields(page.get_data(as_text=True))
    return client.post(url, data={**fields, **data, "action": action})
