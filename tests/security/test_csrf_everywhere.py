"""Every state-changing route refuses a request without a CSRF token, logged in or not.

The list comes from the application's own URL map, so a route added later is covered without editing this
test. The only exemption is the DocuSign Connect webhook, which authenticates each call by its HMAC.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, text_of

CSRF_EXEMPT = {"signing.docusign_webhook"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXPIRED_FORM = "Votre session a expiré ou ce formulaire n'est plus valide"


def unsafe_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every unsafe method of every rule, with placeholder arguments."""
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & UNSAFE):
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<{name}>", "1")
                for converter in ("int", "string", "path", "any"):
                    url = url.replace(f"<{converter}:{name}>", "1")
            routes.append((rule.endpoint, method, url))
    return routes


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_every_unsafe_route_rejects_a_missing_csrf_token(
    app: Flask, client: FlaskClient, make_user: Any, logged_in: bool
) -> None:
    if logged_in:
        make_user("csrf@example.fr")
        login(client, "csrf@example.fr")
    checked = []
    for endpoint, method, url in unsafe_routes(app):
        if endpoint in CSRF_EXEMPT:
            continue
        response = client.open(url, method=method, data={"action": "next", "_step": "1", "email": "x@y.fr"})
        assert response.status_code == 400, (endpoint, method, url, response.status_code)
        assert EXPIRED_FORM in text_of(response), (endpoint, url)
        checked.append(endpoint)
    assert {"auth.login", "auth.logout", "journeys.step", "dashboard.start", "session.keep_alive"} <= set(checked)


def test_a_wrong_token_is_refused_like_a_missing_one(client: FlaskClient, make_user: Any) -> None:
    make_user("faux@example.fr")
    login(client, "faux@example.fr")
    response = client.post("/session/prolonger", headers={"X-CSRFToken": "forged.token.value"})
    assert response.status_code == 400
    assert EXPIRED_FORM in text_of(response)


def test_only_the_signed_webhook_is_exempt(app: Flask) -> None:
    """An exemption must be deliberate: the exempt set is exactly the webhook, if that route exists."""
    from wizard.extensions import csrf  # noqa: PLC0415

    exempt = {view for view in getattr(csrf, "_exempt_views", set())}
    exempt_endpoints = {e for e, view in app.view_functions.items() if f"{view.__module__}.{view.__name__}" in exempt}
    assert exempt_endpoints <= CSRF_EXEMPT
    assert not getattr(csrf, "_exempt_blueprints", set()), "no whole blueprint may skip CSRF"
