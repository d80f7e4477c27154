"""DocuSign wired into the application: start-up checks, one provider per app, the page policy that lets
the signing step hand the browser to DocuSign, and the ``make run DOCUSIGN_FAKE=1`` demonstration."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from config.settings import SettingsError, validate_settings
from signing.providers.base import ProviderError
from signing.providers.docusign import DocuSignProvider
from tests.conftest import text_of
from tests.fakes.docusign import FakeDocuSign
from tests.signatures.conftest import enter_signing
from tests.signatures.contract.drivers import (
    completions,
    docusign_overrides,
    relative,
    requests_of,
    signed_documents,
)
from wizard import create_app
from wizard.signatures.docusign import (
    demo_fake_docusign,
    fake_requested,
    hmac_keys,
    settings_from_config,
    start_fake_docusign,
)
from wizard.signatures.providers import provider_for

BASE = {"SECRET_KEY": "k", "FIELD_ENCRYPTION_KEY": "k", "DATABASE_URL": "sqlite://"}


@pytest.fixture
def provider_name() -> str:
    """These tests choose their provider themselves (the demo switches a local app to DocuSign)."""
    return "local"


def test_docusign_without_its_settings_refuses_to_start_naming_every_missing_key() -> None:
    with pytest.raises(SettingsError) as refused:
        validate_settings({**BASE, "SIGNING_PROVIDER": "docusign", "DOCUSIGN_TIMEOUT": 10}, production=False)
    message = str(refused.value)
    assert message.count("SIGNING_PROVIDER=docusign needs") == 1
    for key in ("DOCUSIGN_INTEGRATION_KEY", "DOCUSIGN_USER_ID", "DOCUSIGN_PRIVATE_KEY_PATH", "DOCUSIGN_HMAC_KEYS"):
        assert key in message
    validate_settings({**BASE, "SIGNING_PROVIDER": "local"}, production=False)  # local needs none of them


def test_docusign_settings_are_checked_for_sense(tmp_path: Path) -> None:
    settings = {
        **BASE, "SIGNING_PROVIDER": "docusign", "DOCUSIGN_INTEGRATION_KEY": "ik", "DOCUSIGN_USER_ID": "u",
        "DOCUSIGN_PRIVATE_KEY_PATH": str(tmp_path / "absent.pem"), "DOCUSIGN_HMAC_KEYS": "a,b",
        "DOCUSIGN_SEAL_ROOTS": str(tmp_path / "roots.pem"),
        "DOCUSIGN_OAUTH_HOST": "https://account-d.docusign.com/", "DOCUSIGN_TIMEOUT": "zero",
    }  # fmt: skip
    with pytest.raises(SettingsError) as refused:
        validate_settings(settings, production=True)
    message = str(refused.value)
    assert "needs" not in message and "absent.pem is not a readable file" in message
    assert "DOCUSIGN_SEAL_ROOTS" in message and "roots.pem is not a readable file" in message
    assert "DOCUSIGN_OAUTH_HOST is a bare host name" in message and "DOCUSIGN_TIMEOUT must be a positive" in message


def test_provider_settings_come_from_the_flask_configuration(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    config = {
        "DOCUSIGN_INTEGRATION_KEY": "ik", "DOCUSIGN_USER_ID": "u", "DOCUSIGN_PRIVATE_KEY_PATH": str(key),
        "DOCUSIGN_OAUTH_HOST": "account-d.docusign.com", "DOCUSIGN_HMAC_KEYS": " old , new ,", "DOCUSIGN_TIMEOUT": "7",
    }  # fmt: skip
    settings = settings_from_config(config)
    assert settings.hmac_keys == ("old", "new") and settings.timeout_seconds == 7.0
    assert settings.account_id is None and settings.ca_bundle is None
    assert hmac_keys(["a", " b "]) == ("a", "b") and hmac_keys(None) == ()
    key.unlink()
    with pytest.raises(ProviderError, match="cannot be read"):
        settings_from_config(config)


def test_one_provider_per_application_and_docusign_pages_allow_its_signing_hosts(
    tmp_path: Path, database_url: str, fake_docusign: FakeDocuSign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path / "instance"))
    overrides = {"ENV_NAME": "testing", "DATABASE_URL": database_url, **docusign_overrides(fake_docusign, tmp_path)}
    app = create_app(overrides)
    with app.app_context():
        provider = provider_for(app)
        assert isinstance(provider, DocuSignProvider) and provider_for(app) is provider
    policy = app.test_client().get("/connexion").headers["Content-Security-Policy"]
    assert f"form-action 'self' https://*.docusign.net https://*.docusign.com {fake_docusign.base_url};" in policy


def test_local_pages_keep_their_own_form_policy(client: FlaskClient) -> None:
    assert "form-action 'self';" in client.get("/connexion").headers["Content-Security-Policy"]


@pytest.mark.parametrize(("value", "wanted"), [("1", True), ("oui", True), ("", False), ("0", False)])
def test_the_fake_is_only_started_when_asked(value: str, wanted: bool) -> None:
    assert fake_requested({"DOCUSIGN_FAKE": value}) is wanted


def test_without_the_flag_the_demo_keeps_its_provider(app: Flask) -> None:
    assert demo_fake_docusign(app, 5000, {}) is None
    assert app.config["SIGNING_PROVIDER"] == "local"


@pytest.fixture
def demo_fake(app: Flask) -> Iterator[tuple[FakeDocuSign, str]]:
    """What ``make run DOCUSIGN_FAKE=1`` does, with the wizard served on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    fake = start_fake_docusign(app, f"http://127.0.0.1:{server.server_port}/webhooks/docusign")
    yield fake, f"http://127.0.0.1:{server.server_port}"
    fake.stop()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_demo_signs_through_the_fake_docusign(
    app: Flask, client: FlaskClient, at_signing: str, demo_fake: tuple[FakeDocuSign, str]
) -> None:
    fake, _ = demo_fake
    key = Path(app.config["DOCUSIGN_PRIVATE_KEY_PATH"])
    assert app.config["SIGNING_PROVIDER"] == "docusign" and key.read_bytes() == fake.private_key_pem
    assert key.stat().st_mode & 0o077 == 0 and key.is_relative_to(app.instance_path)
    ceremony = enter_signing(client, at_signing)
    assert ceremony.startswith(f"{fake.base_url}/signing/")
    back = fake.sign(ceremony, "signing_complete")  # the fake also notifies the wizard's webhook
    assert "Votre demande a bien été prise en compte." in text_of(client.get(relative(back), follow_redirects=True))
    (request,) = requests_of(app)
    assert request.provider == "docusign" and request.status == "completed"
    assert [e["event"] for e in request.evidence["webhook_events"]] == ["envelope-completed"]
    assert completions(app) == 1 and len(signed_documents(app)) == 1
