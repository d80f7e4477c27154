"""The signing service with the real DocuSign provider against the fake DocuSign server (loopback TLS).

The provider is built by ``wizard.signing.build_docusign_provider`` from ``DOCUSIGN_*`` settings, exactly as
in production; only the server is fake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from signing.providers.docusign import DocuSignProvider
from tests.conftest import submit, text_of
from tests.fakes.conftest_docusign import docusign_private_key_pem, fake_docusign  # noqa: F401
from tests.fakes.docusign import FakeDocuSign
from tests.signatures import testflow
from tests.signatures.conftest import journey_of
from tests.signatures.contract.drivers import run_followups
from wizard.db import db_session
from wizard.models import Document, JourneyEvent, SignatureRequest
from wizard.signatures.confirmation import FAILED_MESSAGE
from wizard.signatures.providers import provider_for
from wizard.signatures.requests import UNAVAILABLE_MESSAGE


@pytest.fixture
def app_overrides(tmp_path: Path, fake_docusign: FakeDocuSign) -> dict[str, Any]:  # noqa: F811
    key = tmp_path / "docusign.key.pem"
    key.write_bytes(fake_docusign.private_key_pem)
    return {
        "SIGNING_PROVIDER": "docusign",
        "DOCUSIGN_INTEGRATION_KEY": fake_docusign.integration_key,
        "DOCUSIGN_USER_ID": fake_docusign.user_id,
        "DOCUSIGN_PRIVATE_KEY_PATH": str(key),
        "DOCUSIGN_OAUTH_HOST": fake_docusign.host,
        "DOCUSIGN_HMAC_KEYS": ",".join(fake_docusign.hmac_keys),
        "DOCUSIGN_CA_BUNDLE": fake_docusign.ca_path,
        "DOCUSIGN_TIMEOUT": 5,
        "DOCUSIGN_SEAL_ROOTS": fake_docusign.seal_root_path,
    }


def _request(app: Flask) -> SignatureRequest:
    with app.app_context():
        requests = list(db_session().scalars(select(SignatureRequest)))
        assert len(requests) == 1
        return requests[0]


def _signed(app: Flask) -> list[Document]:
    with app.app_context():
        return list(db_session().scalars(select(Document).where(Document.signed.is_(True))))


def _completions(app: Flask) -> int:
    with app.app_context():
        query = select(JourneyEvent).where(JourneyEvent.trigger == "signature_completed")
        return len(list(db_session().scalars(query)))


def _relative(url: str) -> str:
    """The path and query of an absolute return URL, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_provider_is_built_from_settings(app: Flask) -> None:
    with app.app_context():
        assert isinstance(provider_for(app), DocuSignProvider)


def test_docusign_ceremony_completes_once(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    response = submit(client, at_signing, {"consent": "y"})
    signing_url = response.headers["Location"]
    assert signing_url.startswith(fake_docusign.base_url)
    back = fake_docusign.sign(signing_url, "signing_complete")
    assert "/retour?event=signing_complete" in back
    done = client.get(_relative(back))
    assert done.headers["Location"].endswith("/done")
    request = _request(app)
    assert request.status == "completed" and request.evidence["consents"][0]["text"] == testflow.CONSENT
    (signed,) = _signed(app)
    assert signed.kind == "signed_envelope" and signed.content == fake_docusign.signed_pdf(request.envelope_id)

    # the webhook arriving afterwards and a replayed return URL record nothing more
    headers, body = fake_docusign.build_webhook(request.envelope_id)
    assert client.post("/webhooks/docusign", headers=headers, data=body).status_code == 200
    assert client.post("/webhooks/docusign", headers=headers, data=body).status_code == 200
    client.get(_relative(back))
    assert _completions(app) == 1 and len(_signed(app)) == 1
    assert [journey_of(app, at_signing).public_id] == testflow.COMPLETED


def test_reentering_reuses_the_envelope_with_a_fresh_view(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    first = submit(client, at_signing, {"consent": "y"}).headers["Location"]
    second = submit(client, at_signing, {"consent": "y"}).headers["Location"]
    assert first != second
    assert len(fake_docusign.envelopes) == 1
    assert _request(app).envelope_id in fake_docusign.envelopes


def test_cancel_brings_the_member_back_with_a_message(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    signing_url = submit(client, at_signing, {"consent": "y"}).headers["Location"]
    back = fake_docusign.sign(signing_url, "cancel")
    page = client.get(_relative(back), follow_redirects=True)
    assert FAILED_MESSAGE in text_of(page)
    assert _request(app).status == "pending" and _completions(app) == 0


def test_decline_is_recorded_and_a_new_envelope_follows(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    signing_url = submit(client, at_signing, {"consent": "y"}).headers["Location"]
    back = fake_docusign.sign(signing_url, "decline")
    assert FAILED_MESSAGE in text_of(client.get(_relative(back), follow_redirects=True))
    assert _request(app).status == "declined"
    submit(client, at_signing, {"consent": "y"})
    assert len(fake_docusign.envelopes) == 2


def test_webhook_completes_without_the_browser(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    submit(client, at_signing, {"consent": "y"})
    envelope_id = _request(app).envelope_id
    fake_docusign.set_status(envelope_id, "completed")
    headers, body = fake_docusign.build_webhook(envelope_id)
    assert client.post("/webhooks/docusign", headers=headers, data=body).status_code == 200
    assert journey_of(app, at_signing).state == "signature"  # answered at once: the PDF is fetched later
    assert run_followups(app) == (1, 0)
    assert journey_of(app, at_signing).state == "done"
    assert _completions(app) == 1 and len(_signed(app)) == 1
    assert client.post("/webhooks/docusign", headers=headers, data=body).status_code == 200
    assert _completions(app) == 1 and len(_signed(app)) == 1


def test_webhook_rejects_bad_signatures_and_unknown_envelopes(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    submit(client, at_signing, {"consent": "y"})
    envelope_id = _request(app).envelope_id
    fake_docusign.set_status(envelope_id, "completed")
    forged_headers, forged_body = fake_docusign.build_webhook(envelope_id, forge=True)
    assert client.post("/webhooks/docusign", headers=forged_headers, data=forged_body).status_code == 401
    bare_headers, bare_body = fake_docusign.build_webhook(envelope_id, header_names=())
    assert client.post("/webhooks/docusign", headers=bare_headers, data=bare_body).status_code == 401
    unknown_headers, unknown_body = fake_docusign.build_webhook("00000000-0000-0000-0000-000000000000")
    # an envelope of another sender of the account: acknowledged, ignored
    assert client.post("/webhooks/docusign", headers=unknown_headers, data=unknown_body).status_code == 200
    assert journey_of(app, at_signing).state == "signature" and _completions(app) == 0
    assert "webhook_events" not in _request(app).evidence


def test_provider_failure_keeps_answers_and_says_so(
    client: FlaskClient,
    app: Flask,
    at_signing: str,
    fake_docusign: FakeDocuSign,  # noqa: F811
) -> None:
    fake_docusign.require_consent()
    response = submit(client, at_signing, {"consent": "y"})
    assert response.headers["Location"].endswith("/signature")
    page = text_of(client.get(response.headers["Location"]))
    assert UNAVAILABLE_MESSAGE in page
    with app.app_context():
        assert list(db_session().scalars(select(SignatureRequest))) == []
    base = at_signing.rsplit("/", 1)[0]
    assert 'value="Lyon"' in client.get(f"{base}/declaration").get_data(as_text=True)
