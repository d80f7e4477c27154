"""The provider contract suite: every test runs once per provider (``local``, ``docusign`` with the real SDK
against the fake DocuSign server), on the signature tests' small journey (``tests/signatures/testflow.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fakes import conftest_docusign
from tests.signatures.contract.drivers import DocuSignDriver, Driver, LocalDriver, docusign_overrides

docusign_private_key_pem = conftest_docusign.docusign_private_key_pem
fake_docusign = conftest_docusign.fake_docusign

PROVIDERS = ("local", "docusign")


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
