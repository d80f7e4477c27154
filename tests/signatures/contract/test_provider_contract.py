"""One contract, two providers: every test runs with ``local`` and with ``docusign`` (the real SDK against
the fake DocuSign server). What the member sees and what the database records must not depend on the
provider; only the webhook verdicts differ (the local provider receives none)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from signing.providers.base import SigningStatus
from tests.conftest import submit, text_of
from tests.signatures import testflow
from tests.signatures.conftest import enter_signing
from tests.signatures.contract.drivers import (
    Driver,
    completions,
    provider_signed_document,
    provider_status,
    requests_of,
    run_followups,
    signed_documents,
)
from wizard.db import db_session
from wizard.models import Actor, SignatureRequest
from wizard.signatures.confirmation import FAILED_MESSAGE, PENDING_MESSAGE, confirm
from wizard.signatures.evidence import sha256

DONE = "Votre demande a bien été prise en compte."
UNKNOWN_ENVELOPE = "00000000-0000-4000-8000-000000000000"


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _journey_id(signing_url: str) -> str:
    return signing_url.split("/j/")[1].split("/", 1)[0]


def test_start_records_one_pending_request_with_the_consent(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    assert request.provider == driver.name and request.status == "pending"
    assert [d.kind for d in signed_documents(app, signed=False)] == ["bulletin", "mandate"]
    assert request.evidence["consents"][0]["text"] == testflow.CONSENT
    assert provider_status(app, request.envelope_id) == SigningStatus.PENDING


def test_entering_again_reuses_the_envelope(app: Flask, client: FlaskClient, at_signing: str, driver: Driver) -> None:
    first = enter_signing(client, at_signing)
    second = enter_signing(client, at_signing)
    (request,) = requests_of(app)
    if driver.name == "local":
        assert first == second and request.envelope_id in first
    else:  # DocuSign's signing URLs are single use: a fresh one, for the same envelope
        assert first != second and list(driver.fake.envelopes) == [request.envelope_id]  # type: ignore[attr-defined]
    assert len(request.evidence["consents"]) == 2
    # the second ceremony URL is the one that works
    assert driver.sign(second).headers["Location"].endswith("/done")
    assert [r.status for r in requests_of(app)] == ["completed"]


def test_signing_is_recorded_once_with_the_signed_document(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    ceremony = enter_signing(client, at_signing)
    back = driver.sign(ceremony)
    assert back.headers["Location"].endswith("/done")
    assert DONE in text_of(client.get(back.headers["Location"]))
    (request,) = requests_of(app)
    assert request.status == "completed" and request.signed_at is not None
    assert provider_status(app, request.envelope_id) == SigningStatus.COMPLETED
    stored = signed_documents(app)
    assert stored and all(d.sha256 == sha256(d.content) for d in stored)
    assert provider_signed_document(app, request.envelope_id) == stored[0].content
    assert "Hélène Dupré" in _pdf_text(stored[0].content)
    # coming back again (browser back button, a second tab) records nothing more
    client.get(f"{at_signing}/retour?event=signing_complete")
    assert completions(app) == 1 and len(signed_documents(app)) == len(stored)
    assert [_journey_id(at_signing)] == testflow.COMPLETED


def test_a_forged_return_event_records_nothing(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    enter_signing(client, at_signing)
    page = client.get(f"{at_signing}/retour?event=signing_complete", follow_redirects=True)
    assert PENDING_MESSAGE in text_of(page) and "Signature électronique" in text_of(page)
    assert [r.status for r in requests_of(app)] == ["pending"]
    assert completions(app) == 0 and signed_documents(app) == [] and testflow.COMPLETED == []


#: HTTP answer per (case, provider): DocuSign verifies the HMAC, the local provider accepts no webhook
WEBHOOK_CASES = {
    "valid": {"docusign": 200, "local": 401},
    "forged": {"docusign": 401, "local": 401},
    "missing": {"docusign": 401, "local": 401},
    "replayed": {"docusign": 200, "local": 401},
    "unknown_envelope": {"docusign": 200, "local": 401},
}


@pytest.mark.parametrize("case", list(WEBHOOK_CASES))
def test_webhooks_are_verified_and_idempotent(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver, case: str
) -> None:
    enter_signing(client, at_signing)
    (request,) = requests_of(app)
    if driver.name == "docusign":
        driver.fake.set_status(request.envelope_id, "completed")  # type: ignore[attr-defined]
    envelope_id = UNKNOWN_ENVELOPE if case == "unknown_envelope" else request.envelope_id
    headers, body = driver.webhook(
        envelope_id, forge=case == "forged", header_names=() if case == "missing" else ("X-DocuSign-Signature-1",)
    )
    answers = [client.post("/webhooks/docusign", headers=headers, data=body).status_code]
    if case == "replayed":
        answers.append(client.post("/webhooks/docusign", headers=headers, data=body).status_code)
    expected = WEBHOOK_CASES[case][driver.name]
    assert set(answers) == {expected}
    run_followups(app)  # the worker fetches the signed document of a verified completion
    (after,) = requests_of(app)
    if expected == 200 and case != "unknown_envelope":
        assert after.status == "completed" and completions(app) == 1
        assert [e["event"] for e in after.evidence["webhook_events"]] == ["envelope-completed"]
        assert [_journey_id(at_signing)] == testflow.COMPLETED
    else:
        assert after.status == "pending" and "webhook_events" not in after.evidence
        assert completions(app) == 0 and signed_documents(app) == []


def test_a_refusal_brings_the_member_back_and_a_new_envelope_follows(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    ceremony = enter_signing(client, at_signing)
    page = text_of(driver.refuse(ceremony))
    assert FAILED_MESSAGE in page and "J'accepte les conditions et je souscris" in page
    (declined,) = requests_of(app)
    assert declined.status == "declined" and completions(app) == 0
    assert provider_status(app, declined.envelope_id) == SigningStatus.DECLINED

    retry = enter_signing(client, at_signing)
    old, new = requests_of(app)
    assert old.status == "declined" and new.status == "pending" and new.envelope_id != old.envelope_id
    assert driver.sign(retry).headers["Location"].endswith("/done")
    assert [r.status for r in requests_of(app)] == ["declined", "completed"] and completions(app) == 1


def test_an_expired_envelope_is_replaced_when_the_member_comes_back(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    ceremony = enter_signing(client, at_signing)
    driver.expire(ceremony)
    retry = enter_signing(client, at_signing)
    old, new = requests_of(app)
    assert old.status == "expired" and new.status == "pending" and new.envelope_id != old.envelope_id
    assert provider_status(app, old.envelope_id) == SigningStatus.EXPIRED
    assert driver.sign(retry).headers["Location"].endswith("/done")
    assert DONE in text_of(client.get(f"{at_signing.rsplit('/', 1)[0]}/done"))
    assert completions(app) == 1 and [_journey_id(at_signing)] == testflow.COMPLETED


def test_changed_answers_void_the_old_request_and_its_completion_is_never_accepted(
    app: Flask, client: FlaskClient, at_signing: str, driver: Driver
) -> None:
    enter_signing(client, at_signing)
    submit(client, at_signing, {}, action="back")
    submit(client, f"{at_signing.rsplit('/', 1)[0]}/declaration", {"city": "Marseille"})
    ceremony = enter_signing(client, at_signing)
    old, new = requests_of(app)
    voided = old.evidence["events"][-1]
    assert (voided["event"], voided["reason"], voided["at_provider"]) == ("voided", "documents_changed", "voided")
    assert old.status == "expired" and new.status == "pending"
    assert provider_status(app, old.envelope_id) == SigningStatus.EXPIRED
    with app.test_request_context():  # even a verified « completed » verdict changes nothing any more
        session = db_session()
        stale = session.get(SignatureRequest, old.id)
        assert stale is not None
        outcome = confirm(session, stale, Actor(user_id=None), verified_status=SigningStatus.COMPLETED)
    assert outcome.status == SigningStatus.EXPIRED and not outcome.recorded and completions(app) == 0
    assert driver.sign(ceremony).headers["Location"].endswith("/done")
    assert [r.status for r in requests_of(app)] == ["expired", "completed"] and completions(app) == 1
