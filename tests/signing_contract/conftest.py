"""Fixtures of the provider contract suite: every test runs once per provider (``local``, ``docusign``
with the real SDK against the fake DocuSign server), on a small journey of its own."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import flows
from tests.conftest import hidden_fields, login, submit
from tests.fakes import conftest_docusign
from tests.signing_contract import contractflow
from tests.signing_contract.drivers import DocuSignDriver, Driver, LocalDriver, docusign_overrides

docusign_private_key_pem = conftest_docusign.docusign_private_key_pem
fake_docusign = conftest_docusign.fake_docusign

EMAIL = "helene.dupre@example.fr"
PROVIDERS = ("local", "docusign")


@pytest.fixture(autouse=True)
def _contract_flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register the contract journey at app creation (autouse fixtures run before ``app``); flow modules
    other changes list but have not written yet are left out."""
    present = tuple(name for name in flows.FLOW_MODULES if importlib.util.find_spec(name) is not None)
    monkeypatch.setattr(flows, "FLOW_MODULES", (*present, "tests.signing_contract.contractflow"))
    contractflow.COMPLETED.clear()
    yield


@pytest.fixture(params=PROVIDERS)
def provider_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_overrides(provider_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if provider_name == "local":
        return {"SIGNING_PROVIDER": "local"}
    return docusign_overrides(request.getfixturevalue("fake_docusign"), tmp_path)


@pytest.fixture
def driver(provider_name: str, app: Flask, client: FlaskClient, request: pytest.FixtureRequest) -> Driver:
    if provider_name == "local":
        return LocalDriver(app, client)
    return DocuSignDriver(app, client, request.getfixturevalue("fake_docusign"))


@pytest.fixture
def member(client: FlaskClient, make_user: Any) -> Any:
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    login(client, EMAIL)
    return user


@pytest.fixture
def at_signing(client: FlaskClient, member: Any) -> str:
    """The signing step's URL of a fresh contract journey whose form step is answered."""
    token = hidden_fields(client.get("/mes-demarches").get_data(as_text=True))["csrf_token"]
    started = client.post(f"/demarches/{contractflow.FLOW_ID}", data={"csrf_token": token})
    base = str(started.headers["Location"]).rstrip("/")  # /j/<public_id>, which redirects to the current step
    response = submit(client, f"{base}/declaration", {"city": "Lyon"})
    assert response.headers["Location"].endswith("/signature"), response.headers.get("Location")
    return f"{base}/signature"


def enter_signing(client: FlaskClient, signing_url: str) -> str:
    """Tick the consent box and press the button; the ceremony URL the wizard sends the browser to."""
    response = submit(client, signing_url, {"consent": "y"})
    assert response.status_code == 302, response.status_code
    return str(response.headers["Location"])
