"""DocuSign as the real service behaves, through the wizard, the real ``docusign-esign`` SDK and the fake:
envelopes voided when they must not be signed any more, a completion both return paths missed, Connect
answered at once with the signed PDF fetched afterwards, rate limits, a lost creation answer, and the
evidence DocuSign returns (certificate of completion, seal) checked before anything is recorded.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.serving import make_server

from signing.seal import validate_sealed_pdf
from tests.conftest import submit, text_of
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
from wizard.db import db_session
from wizard.models import Actor, Journey, SignatureRequest, utcnow
from wizard.signatures import requests
from wizard.signatures.confirmation import PENDING_MESSAGE
from wizard.signatures.requests import BUSY_MESSAGE, UNAVAILABLE_MESSAGE

OTHER_SENDER_ENVELOPE_EVENTS = ("envelope-completed", "envelope-declined")


@pytest.fixture
def docusign_settings_extra() -> dict[str, Any]:
    """Settings a test changes with ``parametrize("docusign_settings_extra", [...])``."""
    return {}


@pytest.fixture
def app_overrides(
    tmp_path: Path, fake_docusign: FakeDocuSign, docusign_settings_extra: dict[str, Any]
) -> dict[str, Any]:
    return docusign_overrides(fake_docusign, tmp_path, **docusign_settings_extra)


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


def _rest_calls(fake: FakeDocuSign, method: str, suffix: str) -> int:
    return sum(1 for r in fake.requests if r.method == method and "/restapi/" in r.path and r.path.endswith(suffix))


def _change_answers(client: FlaskClient, at_signing: str, city: str) -> None:
    submit(client, at_signing, {}, action="back")
    submit(client, f"{at_signing.rsplit('/', 1)[0]}/declaration", {"city": city})


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


# --- 1. voiding ------------------------------------------------------------------------------------------


def test_changed_answers_void_the_envelope_at_docusign(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    old_ceremony = enter_signing(client, at_signing)
    _change_answers(client, at_signing, "Marseille")
    enter_signing(client, at_signing)

    old, new = requests_of(app)
    stale = fake_docusign.envelopes[old.envelope_id]
    assert stale.status == "voided" and stale.voided_reason == requests.VOID_REASONS["documents_changed"]
    assert old.status == "expired" and new.status == "pending" and new.envelope_id != old.envelope_id
    assert old.evidence["events"][-1] | {"at": ""} == {
        "event": "voided", "reason": "documents_changed", "at": "", "at_provider": "voided",
    }  # fmt: skip
    with pytest.raises(AssertionError, match="404"):  # the open tab's signing page is gone
        fake_docusign.sign(old_ceremony)


def test_a_void_docusign_refused_is_retried_and_a_late_signature_is_never_accepted(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    old_ceremony = enter_signing(client, at_signing)
    (old,) = requests_of(app)
    fake_docusign.limit(f"/envelopes/{old.envelope_id}", method="PUT", status=429, retry_after=60)
    _change_answers(client, at_signing, "Marseille")
    enter_signing(client, at_signing)
    old, _new = requests_of(app)
    assert old.status == "expired" and old.evidence["events"][-1]["at_provider"] == "queued"
    assert old.followup == requests.FOLLOWUP_VOID and fake_docusign.envelopes[old.envelope_id].status == "sent"

    # Meanwhile the member signs the stale envelope in a tab left open: Connect tells the wizard.
    back = fake_docusign.sign(old_ceremony, "signing_complete")
    client.get(relative(back))
    old, new = requests_of(app)
    assert old.status == "expired" and new.status == "pending" and completions(app) == 0
    assert old.evidence["webhook_events"][-1]["ignored"] == "expired" and signed_documents(app) == []

    # The worker's retry finds the envelope closed at DocuSign: nothing more to void, nothing recorded.
    with app.app_context():
        request = db_session().get(SignatureRequest, old.id)
        assert request is not None
        request.followup_due_at = utcnow()
        db_session().commit()
    assert run_followups(app) == (1, 0)
    old, _new = requests_of(app)
    assert old.followup is None and old.status == "expired" and completions(app) == 0


def test_the_losing_side_of_two_simultaneous_starts_voids_its_envelope(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    public_id = at_signing.split("/j/")[1].split("/", 1)[0]
    fake_docusign.stall_creation(0.5)  # both starts are inside create_envelope at the same time
    started: list[requests.Started] = []
    barrier = threading.Barrier(2)

    def start() -> None:
        with app.test_request_context():
            session = db_session()
            journey = session.scalar(select(Journey).where(Journey.public_id == public_id))
            assert journey is not None
            step = requests.current_signing_step(journey)
            assert step is not None
            barrier.wait()
            started.append(requests.start_or_resume(session, journey, step, Actor(journey.owner_id), "http://x/retour"))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    (winner,) = requests_of(app)
    assert len(started) == 2 and {s.request.envelope_id for s in started} == {winner.envelope_id}
    assert all(s.url for s in started)  # each browser gets a working ceremony of the winning envelope
    loser = next(e for e in fake_docusign.envelopes.values() if e.envelope_id != winner.envelope_id)
    assert loser.status == "voided" and loser.voided_reason == requests.VOID_REASONS["concurrent_start"]
    (duplicate,) = [e for e in winner.evidence["events"] if e["event"] == "duplicate_voided"]
    assert duplicate["envelope_id"] == loser.envelope_id and duplicate["at_provider"] == "voided"
    assert fake_docusign.envelopes[winner.envelope_id].status == "sent"


# --- 2. a completion both return paths missed --------------------------------------------------------------


def test_a_stuck_completion_is_confirmed_when_the_member_comes_back_to_the_step(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    ceremony = enter_signing(client, at_signing)
    fake_docusign.sign(ceremony, "signing_complete")  # the browser never comes back, no Connect listener
    assert [r.status for r in requests_of(app)] == ["pending"]

    again = submit(client, at_signing, {"consent": "y"})
    assert again.headers["Location"].endswith("/done")  # not a recipient view DocuSign would refuse
    (request,) = requests_of(app)
    assert request.status == "completed" and completions(app) == 1 and len(fake_docusign.envelopes) == 1
    (stored,) = signed_documents(app)
    assert stored.content == fake_docusign.signed_pdf(request.envelope_id)


# --- 3. Connect -------------------------------------------------------------------------------------------


def test_connect_is_answered_before_the_signed_document_is_fetched(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    fake_docusign.set_status(request.envelope_id, "completed")
    calls_before = len(fake_docusign.requests)
    status, _ = fake_docusign.send_webhook(f"{live_wizard}/webhooks/docusign", request.envelope_id)
    assert status == 200 and len(fake_docusign.requests) == calls_before  # no call to DocuSign meanwhile
    (recorded,) = requests_of(app)
    assert recorded.status == "pending" and recorded.followup == requests.FOLLOWUP_FETCH
    assert signed_documents(app) == [] and completions(app) == 0

    result = app.test_cli_runner().invoke(args=["signatures", "run", "--once"])
    assert result.exit_code == 0 and "Signatures : 1 suivi(s) effectué(s) ; 0 en échec" in result.output
    (done,) = requests_of(app)
    assert done.status == "completed" and done.followup is None and completions(app) == 1
    assert _rest_calls(fake_docusign, "GET", "/documents/combined") == 1
    assert _rest_calls(fake_docusign, "GET", f"/envelopes/{request.envelope_id}") == 0  # the webhook sufficed


@pytest.mark.parametrize("event", OTHER_SENDER_ENVELOPE_EVENTS)
def test_a_notification_for_another_senders_envelope_is_acknowledged_and_ignored(
    *, app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str, event: str
) -> None:
    enter_signing(client, at_signing)
    status, _ = fake_docusign.notify_foreign_envelope(f"{live_wizard}/webhooks/docusign", event)
    assert status == 200
    (request,) = requests_of(app)
    assert request.status == "pending" and "webhook_events" not in request.evidence and completions(app) == 0


def test_connect_retries_a_failed_delivery_only_when_acknowledgement_is_required(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str
) -> None:
    first = enter_signing(client, at_signing)
    listener = str(fake_docusign.connect_url)
    fake_docusign.connect_url = f"http://127.0.0.1:{unused_port()}/webhooks/docusign"  # the wizard is down
    fake_docusign.sign(first, "decline")
    assert fake_docusign.connect_deliveries[-1].status == 0 and fake_docusign.connect_backlog == []  # lost

    second = enter_signing(client, at_signing)  # the decline is seen on re-entry; a new envelope follows
    fake_docusign.require_acknowledgement = True
    fake_docusign.sign(second, "signing_complete")
    assert len(fake_docusign.connect_backlog) == 1
    fake_docusign.connect_url = listener  # the wizard is back: DocuSign's retry gets through
    assert fake_docusign.redeliver_connect() == [200]
    assert run_followups(app) == (1, 0)
    assert [r.status for r in requests_of(app)] == ["declined", "completed"] and completions(app) == 1


# --- 4. rate limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "status", "code"),
    [
        ("POST", "/envelopes", 429, ""),
        ("POST", "/views/recipient", 400, "Hourly_APIInvocation_Envelope_Limit_Exceeded"),
    ],
)
def test_rate_limits_are_shown_calmly_and_keep_the_answers(
    *, app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign,
    caplog: pytest.LogCaptureFixture, method: str, suffix: str, status: int, code: str,
) -> None:  # fmt: skip
    fake_docusign.limit(suffix, method=method, status=status, error_code=code, retry_after=30)
    caplog.set_level(logging.WARNING)
    response = submit(client, at_signing, {"consent": "y"})
    assert response.headers["Location"].endswith("/signature")
    page = text_of(client.get(response.headers["Location"]))
    assert BUSY_MESSAGE in page and UNAVAILABLE_MESSAGE not in page
    assert any("rate limit" in r.getMessage() for r in caplog.records)
    assert not any("unreachable" in r.getMessage() for r in caplog.records)
    assert 'value="Lyon"' in client.get(at_signing.replace("/signature", "/declaration")).get_data(as_text=True)
    # an envelope created before the refusal is kept (never an untracked, signable envelope) and resumed
    assert len(requests_of(app)) == len(fake_docusign.envelopes) == (1 if suffix == "/views/recipient" else 0)
    # once DocuSign accepts calls again, the same click works, on one envelope
    assert enter_signing(client, at_signing).startswith(fake_docusign.base_url)
    assert len(requests_of(app)) == len(fake_docusign.envelopes) == 1


def test_return_visits_ask_docusign_once_per_envelope_and_window(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    ceremony = enter_signing(client, at_signing)
    (request,) = requests_of(app)
    status_path = f"/envelopes/{request.envelope_id}"
    for _ in range(3):  # a member (or a script) reloading the return URL
        page = client.get(f"{at_signing}/retour?event=signing_complete", follow_redirects=True)
        assert PENDING_MESSAGE in text_of(page)
    assert _rest_calls(fake_docusign, "GET", status_path) == 1

    back = fake_docusign.sign(enter_signing(client, at_signing), "signing_complete")  # a new ceremony
    assert ceremony != back
    assert client.get(relative(back)).headers["Location"].endswith("/done")  # its return may ask again
    assert _rest_calls(fake_docusign, "GET", status_path) == 2 and completions(app) == 1


def test_the_status_is_asked_again_once_the_window_has_passed(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    client.get(f"{at_signing}/retour")
    fake_docusign.set_status(request.envelope_id, "completed")
    assert client.get(f"{at_signing}/retour").headers["Location"].endswith("/signature")  # within 15 minutes
    with app.app_context():
        stored = db_session().get(SignatureRequest, request.id)
        assert stored is not None and stored.status_checked_at is not None
        stored.status_checked_at -= timedelta(minutes=16)
        db_session().commit()
    assert client.get(f"{at_signing}/retour").headers["Location"].endswith("/done")
    assert _rest_calls(fake_docusign, "GET", f"/envelopes/{request.envelope_id}") == 2


# --- 5. a lost creation answer ----------------------------------------------------------------------------


@pytest.mark.parametrize("docusign_settings_extra", [{"DOCUSIGN_TIMEOUT": 1, "DOCUSIGN_CREATE_TIMEOUT": 1}])
def test_an_envelope_whose_creation_answer_was_lost_is_found_again(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    fake_docusign.stall_creation(2.5)  # DocuSign creates the envelope, its answer comes too late
    ceremony = enter_signing(client, at_signing)
    fake_docusign.stall_creation(0)
    (envelope,) = fake_docusign.envelopes.values()
    (request,) = requests_of(app)
    assert request.envelope_id == envelope.envelope_id and ceremony.startswith(fake_docusign.base_url)
    assert envelope.custom_fields == {"transaction_id": request.evidence["transaction_id"]}
    (lookup,) = [r for r in fake_docusign.requests if r.method == "GET" and r.path.endswith("/envelopes")]
    assert "custom_field=transaction_id" in lookup.query
    assert client.get(relative(fake_docusign.sign(ceremony))).headers["Location"].endswith("/done")


# --- 6. & 7. evidence -------------------------------------------------------------------------------------


def test_the_signed_pdf_carries_the_certificate_and_a_verified_seal_and_everything_is_in_french(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    assert fake_docusign.certificate_by_default is False  # the account would not attach it unasked
    ceremony = enter_signing(client, at_signing)
    assert "locale=fr" in ceremony
    (envelope,) = fake_docusign.envelopes.values()
    assert envelope.language == "fr"
    assert client.get(relative(fake_docusign.sign(ceremony))).headers["Location"].endswith("/done")

    (request,) = requests_of(app)
    assert request.signing_url is None  # the single-use recipient view URL is never stored
    (entry,) = request.evidence["signed_documents"]
    assert entry["provider_seal"] == "verified" and entry["certificate_of_completion"] is True
    (stored,) = signed_documents(app)
    assert stored.content == fake_docusign.signed_pdf(envelope.envelope_id, certificate=True)
    assert "Certificat de signature" in _pdf_text(stored.content)
    (download,) = [r for r in fake_docusign.requests if r.path.endswith("/documents/combined")]
    assert "certificate=true" in download.query
    root = x509.load_pem_x509_certificate(Path(fake_docusign.seal_root_path).read_bytes())
    check = validate_sealed_pdf(stored.content, root)
    assert check.ok and check.signer_common_name == "DocuSign Test - Cachet électronique"


@pytest.mark.parametrize("seal_mode", ["none", "foreign"])
def test_a_signed_pdf_without_a_trusted_docusign_seal_records_nothing(
    *, app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign, live_wizard: str,
    caplog: pytest.LogCaptureFixture, seal_mode: str,
) -> None:  # fmt: skip
    fake_docusign.seal_mode = seal_mode
    caplog.set_level(logging.ERROR)
    back = fake_docusign.sign(enter_signing(client, at_signing))  # Connect notifies, then the browser returns
    page = client.get(relative(back), follow_redirects=True)
    assert UNAVAILABLE_MESSAGE in text_of(page)
    assert run_followups(app) == (0, 1)
    (request,) = requests_of(app)
    assert request.status == "pending" and completions(app) == 0 and signed_documents(app) == []
    assert request.followup == requests.FOLLOWUP_FETCH and "no valid DocuSign seal" in str(request.followup_error)
    assert any("seal" in r.getMessage() for r in caplog.records)


def test_a_rate_limited_re_entry_does_not_poll_the_envelope(
    app: Flask, client: FlaskClient, at_signing: str, fake_docusign: FakeDocuSign
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    fake_docusign.limit("/views/recipient", method="POST", status=400, error_code="Burst_APIInvocation_Limit_Exceeded")
    response = submit(client, at_signing, {"consent": "y"})
    assert BUSY_MESSAGE in text_of(client.get(response.headers["Location"]))
    assert _rest_calls(fake_docusign, "GET", f"/envelopes/{request.envelope_id}") == 0
    assert [r.status for r in requests_of(app)] == ["pending"]
