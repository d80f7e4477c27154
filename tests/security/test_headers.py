"""Security headers on every kind of response, and templates that keep the CSP meaningful."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from tests.conftest import login
from wizard.security import add_security_headers

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/connexion", "/page-qui-n-existe-pas", "/static/app.js"])
def test_every_response_carries_the_hardening_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    response.close()  # a static file is streamed from disk: close it
    csp = _directives(response)
    assert csp["script-src"] == "script-src 'self'"
    assert csp["style-src"] == "style-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["base-uri"] == "base-uri 'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers, "HSTS only over HTTPS"


def test_pages_with_personal_data_are_never_cached(client: FlaskClient, make_user: Any) -> None:
    make_user("cache@example.fr")
    login(client, "cache@example.fr")
    response = client.get("/mes-demarches")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_view_cannot_weaken_the_forced_headers_but_may_choose_its_policy(app: Flask) -> None:
    with app.test_request_context("/"):
        response = Response("<p>x</p>", mimetype="text/html")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["Cache-Control"] = "public, max-age=600"

        add_security_headers(response)

    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_hsts_is_sent_over_https(client: FlaskClient) -> None:
    response = client.get("/connexion", base_url="https://mutuelle.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_scripts_are_served_as_javascript_files(client: FlaskClient) -> None:
    for name in ("app.js", "session-timeout.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        response.close()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def test_no_template_relies_on_inline_script_or_style() -> None:
    """The CSP would block them in the browser: a feature would silently not work."""
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if "emails" in template.parts:
            continue  # emails are read in a mail client, not under this site's CSP
        source = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            offenders += [f"{template.relative_to(TEMPLATES)}: {m.group(0).strip()}" for m in pattern.finditer(source)]
    assert not offenders, offenders
