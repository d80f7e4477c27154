"""Helpers of the designation tests: re-authenticate, open the designation, fill a particular designation."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, hidden_fields, text_of
from tests.dispense.helpers import outbox

REAUTH_CODE = re.compile(r"saisissez ce code : (\d{6})")
BENEFICIARIES = "/mon-contrat/beneficiaires"


def reauth_with_password(client: FlaskClient, next_url: str = BENEFICIARIES, password: str = PASSWORD) -> Any:
    url = f"/mon-contrat/identification?next={next_url}"
    token = hidden_fields(text_of(client.get(url)))["csrf_token"]
    return client.post(url, data={"csrf_token": token, "password": password})


def reauth_with_code(client: FlaskClient, app: Flask, next_url: str = BENEFICIARIES) -> Any:
    page = client.get(f"/mon-contrat/identification?next={next_url}")
    token = hidden_fields(text_of(page))["csrf_token"]
    sent = client.post(f"/mon-contrat/identification/envoyer-un-code?next={next_url}", data={"csrf_token": token})
    assert sent.status_code == 302
    code = REAUTH_CODE.findall(outbox(app, "reauth_code")[-1].text_body)[0]
    form = client.get(sent.headers["Location"])
    assert "Saisissez votre code" in text_of(form)
    return client.post(sent.headers["Location"], data={"csrf_token": token, "code": code})


def start_designation(client: FlaskClient) -> str:
    """From the designation page (already re-authenticated) to the journey's base URL."""
    page = client.get(BENEFICIARIES)
    assert page.status_code == 200, page.status_code
    response = client.post(BENEFICIARIES, data={"csrf_token": hidden_fields(text_of(page))["csrf_token"]})
    assert response.status_code == 302, response.status_code
    base = str(response.headers["Location"]).rstrip("/")
    assert client.get(base).headers["Location"].endswith("/choice")
    return base


def beneficiary(index: int, **fields: str) -> dict[str, str]:
    values = {
        "rank": "1", "last_name": "Durand", "first_names": "Marie", "birth_name": "", "birth_date": "1980-03-03",
        "birth_place": "Lyon", "address": "3 rue des Acacias, 69003 Lyon", "relationship": "concubin", "share": "100",
        **fields,
    }  # fmt: skip
    return {f"beneficiaries-{index}-{key}": value for key, value in values.items()}
