"""The forms reachable without an account (login, and account pages as they are added), fuzzed anonymously.

Every POST route without URL arguments is taken from the URL map; its field names are read from its own
page when it has one. Nothing hostile may produce a 5xx or a stack trace.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import hidden_fields, text_of
from tests.fuzz.strategies import expand, payloads

EXEMPT = {"signing.docusign_webhook"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def public_post_routes(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.arguments and rule.endpoint not in EXEMPT
    )


def form_fields(client: FlaskClient, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    if page.status_code != 200:
        return {"email": [], "password": []}
    names = set(FIELD_NAME.findall(text_of(page))) - {"csrf_token"}
    return {name: [] for name in sorted(names)}


FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz_route(client: FlaskClient, url: str, names: dict[str, list[str]]) -> None:
    @FUZZ
    @given(data=payloads(names))
    def fuzz(data: dict[str, list[str]]) -> None:
        token = hidden_fields(text_of(client.get("/connexion")))["csrf_token"]
        response = client.post(url, data={**expand(data), "csrf_token": token})
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (200, 302, 400, 404, 413, 422, 429), (url, response.status_code)
        assert "Traceback" not in text_of(response)

    fuzz()


def test_public_forms_survive_hostile_input(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("existant@example.fr")
    routes = public_post_routes(app)
    assert "/connexion" in routes
    for url in routes:
        fuzz_route(client, url, {**form_fields(client, url), "email": ["existant@example.fr"]})
