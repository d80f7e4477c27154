"""Legal pages: open to everybody, linked from every page's footer and every email's footer."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import text_of
from wizard.db import db_session
from wizard.mail.queue import queue_email
from wizard.models import OutboxMessage

PAGES = {
    "/mentions-legales": ("Mentions légales", "Directeur de la publication", "Hébergement"),
    "/politique-de-confidentialite": (
        "Responsable du traitement", "dpo@horizon-publique.example", "Base légale", "Qui reçoit vos données",
        "Combien de temps", "Vos droits et comment les exercer", "CNIL",
    ),
    "/gestion-des-cookies": ("strictement nécessaires", "aucun bandeau", "session"),
    "/conditions-generales-d-utilisation": ("Conditions générales d'utilisation", "Droit applicable"),
    "/accessibilite": ("Déclaration d'accessibilité", "RGAA 4.1.2", "partiellement conforme", "accessibilite@"),
}  # fmt: skip


@pytest.mark.parametrize("url", sorted(PAGES))
def test_each_legal_page_is_public_and_says_what_the_law_asks(client: FlaskClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    body = text_of(page)
    for expected in PAGES[url]:
        assert expected in body, (url, expected)


def test_every_page_footer_links_the_legal_pages(client: FlaskClient, make_user: Any) -> None:
    body = text_of(client.get("/connexion"))
    for url in PAGES:
        assert f'href="{url}"' in body
    assert "Accessibilité : Partiellement conforme" in body


def test_every_email_footer_links_the_legal_pages_with_absolute_links(app: Flask) -> None:
    with app.test_request_context():
        session = db_session()
        queue_email(session, to="a@example.fr", subject="Test", template="password_reset",
                    context={"name": "A", "link": "http://x", "minutes": 60})  # fmt: skip
        session.commit()
        message = session.scalars(select(OutboxMessage)).one()
    base = app.config["PUBLIC_BASE_URL"]
    for url in PAGES:
        assert f"{base}{url}" in message.text_body
        assert f'href="{base}{url}"' in message.html_body


def test_a_custom_legal_config_is_used(client: FlaskClient, app: Flask, tmp_path: Any) -> None:
    import json  # noqa: PLC0415

    from wizard.legal.pages import DEFAULT_PATH  # noqa: PLC0415

    facts = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    facts["dpo"]["email"] = "protection@assureur.example"
    custom = tmp_path / "legal.json"
    custom.write_text(json.dumps(facts), encoding="utf-8")
    app.config["LEGAL_CONFIG_PATH"] = str(custom)
    assert "protection@assureur.example" in text_of(client.get("/politique-de-confidentialite"))
