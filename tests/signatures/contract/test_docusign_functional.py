"""DocuSign end to end: the real ``docusign-esign`` SDK against the fake DocuSign server, the wizard served
over loopback HTTP so that the fake's Connect notifications really reach ``POST /webhooks/docusign``.

The member's browser is Flask's test client; DocuSign's signing page is the fake's (played by
:meth:`FakeDocuSign.sign`), which redirects back to the wizard's return URL exactly as DocuSign does.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import login, submit, text_of
from tests.fakes.docusign import FakeDocuSign, unused_port
from tests.signatures.conftest import enter_signing
from tests.signatures.contract.drivers import (
    completions,
    docusign_overrides,
    relative,
    requests_of,
    run_followups,
    signed_documents,
)
from tests.subscription.conftest import BANK, CONTACTS, PERSONAL, PREFILL, SOCIAL, SOLO, make_campaign
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import Actor, OutboxMessage, User
from wizard.signatures.confirmation import PENDING_MESSAGE
from wizard.signatures.evidence import sha256
from wizard.signatures.requests import UNAVAILABLE_MESSAGE

EMAIL = str(PREFILL["email"])
SUBSCRIPTION_PAGES: dict[str, dict[str, Any]] = {
    "personal": PERSONAL,
    "social_security": SOCIAL,
    "contacts": CONTACTS,
    "bank": BANK,
    "review": {},
}
OPERATOR_LOG_LINE = "signing provider unavailable"


@pytest.fixture
def docusign_timeout() -> float:
    """Seconds the wizard waits for DocuSign; a test lowers it with ``parametrize("docusign_timeout", ...)``."""
    return 5


@pytest.fixture
def oauth_host(request: pytest.FixtureRequest, fake_docusign: FakeDocuSign) -> str:
    """The fake's host, or (``parametrize(..., indirect=True)`` with "unreachable") a port nobody listens on."""
    return f"127.0.0.1:{unused_port()}" if getattr(request, "param", None) == "unreachable" else fake_docusign.host


@pytest.fixture
def app_overrides(
    tmp_path: Path, fake_docusign: FakeDocuSign, docusign_timeout: float, oauth_host: str
) -> dict[str, Any]:
    return docusign_overrides(
        fake_docusign, tmp_path, DOCUSIGN_TIMEOUT=docusign_timeout, DOCUSIGN_OAUTH_HOST=oauth_host
    )


@pytest.fixture
def live_wizard(app: Flask, fake_docusign: FakeDocuSign) -> Iterator[str]:
    """The wizard on http://127.0.0.1:<port>, registered as the fake's Connect listener."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    fake_docusign.connect_url = f"{base}/webhooks/docusign"
    yield base
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _walk_subscription_to_signing(app: Flask, client: FlaskClient, make_user: Any) -> str:
    """A subscription opened by a validated affiliation, answered page by page up to its signing step."""
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    login(client, EMAIL)
    with app.app_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        journey = engine.start_journey(
            session, owner, "subscription", Actor(owner.id), campaign=make_campaign(session),
            prefill=PREFILL, sources={"affiliation": dict(SOLO)},
        )  # fmt: skip
        session.commit()
        url = str(client.get(f"/j/{journey.public_id}").headers["Location"])
    while not url.endswith("/signature"):
        response = submit(client, url, SUBSCRIPTION_PAGES[url.rsplit("/", 1)[1]])
        assert response.status_code == 302, (url, text_of(response))
        url = str(response.headers["Location"])
    return url


def test_a_subscription_is_signed_through_docusign_end_to_end(
    app: Flask, client: FlaskClient, make_user: Any, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    signing_step = _walk_subscription_to_signing(app, client, make_user)
    assert "J'accepte les conditions et je souscris" in text_of(client.get(signing_step))

    ceremony = enter_signing(client, signing_step)
    assert ceremony.startswith(f"{fake_docusign.base_url}/signing/")
    (envelope,) = fake_docusign.envelopes.values()
    assert envelope.signer["name"] == "Hélène Dupré" and envelope.signer["email"] == EMAIL
    assert [name for _, name, _ in envelope.documents][:2] == ["Bulletin d'adhésion", "Mandat de prélèvement SEPA"]

    # signing on DocuSign: Connect notifies the live wizard, then the browser comes back to the return URL
    back = fake_docusign.sign(ceremony, "signing_complete")
    assert back.startswith("http://localhost/") and "event=signing_complete" in back
    confirmation = client.get(relative(back), follow_redirects=True)
    assert "Merci d'avoir choisi notre mutuelle !" in text_of(confirmation)

    (request,) = requests_of(app)
    assert request.status == "completed" and request.envelope_id == envelope.envelope_id
    assert [e["event"] for e in request.evidence["webhook_events"]] == ["envelope-completed"]
    (stored,) = signed_documents(app)
    assert stored.content == fake_docusign.signed_pdf(envelope.envelope_id) and stored.sha256 == sha256(stored.content)
    assert completions(app) == 1
    with app.app_context():
        emails = db_session().scalars(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL))
        assert [m.subject for m in emails].count("Nous avons bien reçu votre demande d'adhésion") == 1


def _post(url: str, headers: dict[str, str], body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback http only
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize(("case", "expected"), [("forged", 401), ("missing", 401), ("unknown_envelope", 200)])
def test_forged_connect_notifications_are_refused_and_change_nothing(
    *, app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str,
    case: str, expected: int,
) -> None:  # fmt: skip
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    fake_docusign.set_status(request.envelope_id, "completed")  # even a true event needs a true signature
    envelope_id = "00000000-0000-4000-8000-000000000000" if case == "unknown_envelope" else request.envelope_id
    names = () if case == "missing" else ("X-DocuSign-Signature-1",)
    status, _ = fake_docusign.send_webhook(
        f"{live_wizard}/webhooks/docusign", envelope_id, forge=case == "forged", header_names=names
    )
    assert status == expected
    (after,) = requests_of(app)
    assert after.status == "pending" and "webhook_events" not in after.evidence
    assert completions(app) == 0 and signed_documents(app) == []


def test_a_replayed_connect_notification_is_recorded_once(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    fake_docusign.set_status(request.envelope_id, "completed")
    headers, body = fake_docusign.build_webhook(request.envelope_id)
    webhook = f"{live_wizard}/webhooks/docusign"
    assert [_post(webhook, headers, body) for _ in range(3)] == [200, 200, 200]
    assert fake_docusign.send_webhook(webhook, request.envelope_id)[0] == 200  # DocuSign's own retry
    assert run_followups(app) == (1, 0) and run_followups(app) == (0, 0)  # the worker fetches the PDF once
    (after,) = requests_of(app)
    assert after.status == "completed" and [e["event"] for e in after.evidence["webhook_events"]] == [
        "envelope-completed"
    ]
    (stored,) = signed_documents(app)
    assert stored.content == fake_docusign.signed_pdf(request.envelope_id)
    assert completions(app) == 1


def test_a_forged_return_url_records_nothing_while_docusign_says_sent(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    assert fake_docusign.envelopes[request.envelope_id].status == "sent"
    page = client.get(f"{at_signing}/retour?event=signing_complete", follow_redirects=True)
    assert PENDING_MESSAGE in text_of(page)
    assert [r.status for r in requests_of(app)] == ["pending"]
    assert completions(app) == 0 and signed_documents(app) == []


@pytest.mark.parametrize(
    ("docusign_timeout", "oauth_host", "failure"),
    [(5, "fake", "consent_required"), (5, "unreachable", "unreachable"), (1, "fake", "slow")],
    indirect=["oauth_host"],
)
def test_docusign_failures_keep_the_answers_and_say_so(
    *, app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign,
    caplog: pytest.LogCaptureFixture, failure: str,
) -> None:  # fmt: skip
    if failure == "consent_required":
        fake_docusign.require_consent()
    elif failure == "slow":
        fake_docusign.delay(4)
    caplog.set_level(logging.WARNING)
    began = time.monotonic()
    response = submit(client, at_signing, {"consent": "y"})
    waited = time.monotonic() - began
    assert response.headers["Location"].endswith("/signature") and waited < 3.5, waited
    assert UNAVAILABLE_MESSAGE in text_of(client.get(response.headers["Location"]))
    assert any(OPERATOR_LOG_LINE in record.getMessage() for record in caplog.records)
    assert requests_of(app) == [] and completions(app) == 0
    assert 'value="Lyon"' in client.get(at_signing.replace("/signature", "/declaration")).get_data(as_text=True)


@pytest.mark.parametrize("docusign_timeout", [1])
def test_a_slow_confirmation_loses_nothing_and_completes_later(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    back = fake_docusign.sign(enter_signing(client, at_signing), "signing_complete")
    fake_docusign.delay(4, "/eu/restapi")  # DocuSign answers the status request too late
    page = client.get(relative(back), follow_redirects=True)
    assert UNAVAILABLE_MESSAGE in text_of(page)
    assert [r.status for r in requests_of(app)] == ["pending"] and completions(app) == 0
    fake_docusign.delay(0)
    assert client.get(relative(back)).headers["Location"].endswith("/done")
    (request,) = requests_of(app)
    (stored,) = signed_documents(app)
    assert request.status == "completed" and stored.content == fake_docusign.signed_pdf(request.envelope_id)


def test_a_subscription_whose_member_never_comes_back_is_finished_by_the_worker(
    app: Flask, client: FlaskClient, make_user: Any, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    signing_step = _walk_subscription_to_signing(app, client, make_user)
    fake_docusign.sign(enter_signing(client, signing_step), "signing_complete")  # Connect, then the tab closes
    assert [r.status for r in requests_of(app)] == ["pending"] and completions(app) == 0
    result = app.test_cli_runner().invoke(args=["signatures", "run", "--once"])  # no request context here
    assert result.exit_code == 0, result.output
    (request,) = requests_of(app)
    assert request.status == "completed" and completions(app) == 1 and len(signed_documents(app)) == 1
    with app.app_context():
        emails = db_session().scalars(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL))
        assert [m.subject for m in emails].count("Nous avons bien reçu votre demande d'adhésion") == 1
