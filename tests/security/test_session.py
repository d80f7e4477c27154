"""Session cookie flags, the 30-minute inactivity timeout, keep-alive, and an expired session losing nothing."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, start_from_home, submit, text_of
from wizard import create_app
from wizard.db import db_session
from wizard.entry.session_cookie import AgedSessionInterface
from wizard.models import Journey


def _session_cookie(response: Any) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_login_sets_a_permanent_http_only_same_site_cookie(client: FlaskClient, make_user: Any) -> None:
    make_user("cookie@example.fr")
    cookie = _session_cookie(login(client, "cookie@example.fr"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie, "a permanent session: it ends after 30 minutes without a request"
    assert "Secure" not in cookie  # testing runs over http; production sets it (next test)


def test_production_cookie_is_secure(database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path))
    app = create_app({
        "ENV_NAME": "production", "DATABASE_URL": database_url, "SECRET_KEY": "Xq7-production-like-secret-key-9fLw2Rz",
        "FIELD_ENCRYPTION_KEY": "i5pVY3f0Vb7Xq2n8LZ4wWm1Rk6Tz9JcHd0aUe3Ns7gQ=",
        "PUBLIC_BASE_URL": "https://mutuelle.example",
    })  # fmt: skip
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 30 * 60
    assert app.config["DEBUG"] is False
    response = app.test_client().get("/connexion", base_url="https://mutuelle.example")
    assert "Secure" in _session_cookie(response)


def test_keep_alive_needs_a_session_and_restarts_the_clock(client: FlaskClient, make_user: Any) -> None:
    token = hidden_fields(text_of(client.get("/connexion")))["csrf_token"]
    anonymous = client.post("/session/prolonger", headers={"X-CSRFToken": token})
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    make_user("reste@example.fr")
    page = login(client, "reste@example.fr")
    token = hidden_fields(text_of(client.get(page.headers["Location"])))["csrf_token"]
    response = client.post("/session/prolonger", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json() == {"expires_in": 1800}
    assert "Expires=" in _session_cookie(response)


def test_layout_announces_the_lifetime_to_the_warning_script(client: FlaskClient, make_user: Any) -> None:
    assert "session-timeout.js" not in text_of(client.get("/connexion")), "nothing to warn about before login"
    make_user("script@example.fr")
    login(client, "script@example.fr")
    page = text_of(client.get("/mes-demarches"))
    # the cookie issued at login is at most a second old: the time left is announced, not the full lifetime
    announced = re.search(r'src="/static/session-timeout.js" defer data-session-lifetime="(\d+)"', page)
    assert announced and int(announced.group(1)) in (1799, 1800), page
    assert 'data-keepalive-url="/session/prolonger"' in page


class TestCookieReissue:
    """An unchanged session's cookie is re-signed only once it is a thirtieth of the lifetime old (2 s here)."""

    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"PERMANENT_SESSION_LIFETIME": 60}

    def test_unchanged_cookie_is_reissued_once_old_and_the_layout_says_the_time_left(
        self, client: FlaskClient, make_user: Any
    ) -> None:
        make_user("frais@example.fr")
        login(client, "frais@example.fr")
        client.get("/mes-demarches")  # the CSRF token is stored: the session changed, its cookie is re-issued
        fresh = client.get("/mes-demarches")
        assert not [c for c in fresh.headers.getlist("Set-Cookie") if c.startswith("session=")], "nothing changed"
        assert "Cookie" in fresh.headers["Vary"]  # a page read from the session: never shared by a cache
        time.sleep(2.2)
        old = client.get("/mes-demarches")
        assert "Expires=" in _session_cookie(old), "two seconds old: re-issued, the inactivity clock restarts"
        assert 'data-session-lifetime="60"' in text_of(old)
        time.sleep(1.1)
        later = client.get("/mes-demarches")
        reissued = [c for c in later.headers.getlist("Set-Cookie") if c.startswith("session=")]
        # the cookie's time is counted in whole seconds: it is now 1 s old (not re-issued) or already 2 s (re-issued)
        assert f'data-session-lifetime="{60 if reissued else 59}"' in text_of(later)


class TestExpiredSession:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"PERMANENT_SESSION_LIFETIME": 1}

    def test_post_after_expiry_explains_and_leaves_saved_answers_untouched(
        self, app: Flask, client: FlaskClient, make_user: Any
    ) -> None:
        make_user("tard@example.fr")
        login(client, "tard@example.fr")
        step_url = start_from_home(client)
        submit(client, f"{step_url}/regime", {"regime": "general"})
        form = hidden_fields(text_of(client.get(f"{step_url}/household")))
        before = _stored(app)
        time.sleep(2.2)  # the signed cookie's age is counted in whole seconds
        response = client.post(f"{step_url}/household", data={**form, "cover_partner": "no", "cover_children": "no"})
        assert response.status_code == 400
        page = text_of(response)
        assert "Votre session a expiré ou ce formulaire n'est plus valide" in page
        assert "Vos réponses déjà enregistrées sont conservées" in page
        assert page.startswith("<!doctype html>") and "Traceback" not in page
        assert _stored(app) == before
        assert client.get(f"{step_url}/household").status_code == 302, "the expired session is logged out"


def _stored(app: Flask) -> tuple[str, int, dict[str, Any]]:
    with app.app_context():
        journey = db_session().scalars(select(Journey)).one()
        return journey.state, journey.revision, {a.step_id: a.raw for a in journey.answers}


def test_the_cookie_serializer_is_built_once_per_set_of_keys(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("keys@example.fr")
    login(client, "keys@example.fr")
    interface = app.session_interface
    assert isinstance(interface, AgedSessionInterface)
    first = interface.get_signing_serializer(app)
    assert client.get("/mes-demarches").status_code == 200
    assert interface.get_signing_serializer(app) is first
    old_key = app.secret_key
    app.secret_key = "a-rotated-secret-key-for-this-test-only"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    rotated = interface.get_signing_serializer(app)
    assert rotated is not first and rotated is not None
    assert client.get("/mes-demarches").status_code == 200  # the old cookie still opens the session
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "yet-another-key-nobody-signed-with", []
    assert client.get("/mes-demarches").status_code == 302  # no key of the cookie left: logged out
