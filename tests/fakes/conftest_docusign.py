"""Pytest fixtures for the fake DocuSign server; import them where needed::

from tests.fakes.conftest_docusign import docusign_settings, fake_docusign  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from signing.providers.docusign import DocuSignSettings
from tests.fakes.docusign import FakeDocuSign, generate_rsa_private_key_pem


@pytest.fixture(scope="session")
def docusign_private_key_pem() -> bytes:
    """One RSA key pair per session (generating RSA-2048 keys for every test is slow)."""
    return generate_rsa_private_key_pem()


@pytest.fixture
def fake_docusign(docusign_private_key_pem: bytes) -> Iterator[FakeDocuSign]:
    """A fresh fake DocuSign on https://127.0.0.1:<port> for one test, stopped afterwards."""
    with FakeDocuSign(private_key_pem=docusign_private_key_pem) as fake:
        yield fake


@pytest.fixture
def docusign_settings(fake_docusign: FakeDocuSign) -> DocuSignSettings:
    """Provider settings pointing at ``fake_docusign`` (its key pair, HMAC keys and throw-away CA)."""
    return fake_docusign.provider_settings()
