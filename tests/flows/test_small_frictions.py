"""Frictions seen in a browser: « Continuer vers mon adhésion » after the affiliation; demo links' port."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, start_from_home, submit, text_of
from wizard.cli import demo_public_base_url


def test_affiliation_done_offers_to_continue_to_the_subscription(client: FlaskClient, make_user: Any) -> None:
    make_user("solo@example.fr")
    login(client, "solo@example.fr")
    base = start_from_home(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "no"})
    submit(client, f"{base}/no_cover", {"confirm": "y"})
    submit(client, f"{base}/formula", {"level": "base"})
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/done")
    page = text_of(client.get(f"{base}/done"))
    match = re.search(r'<a class="button button-primary" href="(/j/[^"]+)">Continuer vers mon adhésion</a>', page)
    assert match, page
    assert match.group(1) != base
    assert "Voir mes démarches" in page
    subscription = client.get(match.group(1))
    assert subscription.status_code == 302 and "/personal" in subscription.headers["Location"]


def test_demo_serve_port_becomes_the_public_base_url(app: Flask) -> None:
    assert demo_public_base_url("127.0.0.1", 5001, "http://127.0.0.1:5000") == "http://127.0.0.1:5001"
    assert demo_public_base_url("0.0.0.0", 8080, "http://127.0.0.1:5000") == "http://127.0.0.1:8080"  # noqa: S104
    # an explicit, non-default setting (a proxy's public address) is left alone
    assert demo_public_base_url("127.0.0.1", 5001, "https://demo.example") == "https://demo.example"
