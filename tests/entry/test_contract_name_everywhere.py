"""One contract name for an invited agent: the campaign's, on the devis, the guarantees and the notice."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from config.catalogue import default_catalogue
from tests.conftest import FAMILY_HOUSEHOLD, login, submit, text_of
from tests.entry.conftest import invite, last_mail

CAMPAIGN_CONTRACT = "Contrat santé des agents"  # tests/entry/conftest.make_campaign


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_devis_guarantees_and_notice_name_the_campaigns_contract(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    user = make_user("nom.unique@education.example")
    invite(app, campaign_id, "nom.unique@education.example", user_id=user.id)
    login(client, "nom.unique@education.example")
    link = last_mail(app, kind="invitation").link("/invitation/")
    base = str(client.get(client.get(f"{link}/parcours").headers["Location"]).headers["Location"]).rsplit("/", 1)[0]
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", FAMILY_HOUSEHOLD)
    submit(client, f"{base}/children", {
        "children-0-birth_date": "2015-09-01", "children-0-situation": "none",
        "children-1-birth_date": "2019-09-09", "children-1-situation": "none",
    })  # fmt: skip
    submit(client, f"{base}/formula", {"level": "option1"})
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/done")

    dashboard = text_of(client.get("/mes-demarches"))
    devis_url = dashboard.split("Télécharger mon devis")[0].rsplit('href="', 1)[1].split('"', 1)[0]
    catalogue_name = default_catalogue().contract_name
    for pdf in (client.get(devis_url).data, client.get("/documents/garanties.pdf").data,
                client.get("/documents/notice.pdf").data):  # fmt: skip
        text = _text(pdf)
        assert CAMPAIGN_CONTRACT in text
        assert catalogue_name not in text

    anonymous = app.test_client()
    assert catalogue_name in _text(anonymous.get("/documents/garanties.pdf").data)
