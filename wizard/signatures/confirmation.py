"""Confirming a signature: asking the provider (never the browser), verified webhooks, recording completion.

* :func:`confirm` — on completion it stores the signed PDFs, runs the step's ``on_complete`` hook and records
  ``signature_completed`` exactly once, all in one transaction.
* :func:`returned` — the browser came back from an external ceremony; its ``event`` only picks the message.
* :func:`handle_webhook` — a verified provider callback, idempotent on (envelope, event). It only records:
  a completion's signed document is fetched afterwards by ``flask signatures run``
  (:mod:`wizard.signatures.followups`), never inside the provider's request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.providers.base import ProviderError, SigningProvider, SigningStatus
from wizard.journeys import engine
from wizard.journeys.flow import SigningStep
from wizard.models import Actor, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signatures import evidence
from wizard.signatures.providers import provider_for
from wizard.signatures.requests import (
    FOLLOWUP_FETCH,
    clear_followup,
    latest_request,
    schedule_followup,
    signed_documents,
    signing_step_of,
    store_document,
)

logger = logging.getLogger(__name__)


FAILED_MESSAGE = "La signature n'a pas abouti. Vos réponses sont enregistrées : vous pouvez réessayer."
PENDING_MESSAGE = "Votre signature est en cours de confirmation : actualisez cette page dans quelques instants."
#: return-URL events (DocuSign's names) meaning the member left the ceremony without signing
ABANDON_EVENTS = frozenset({"cancel", "decline", "ttl_expired", "session_timeout", "exception", "id_check_failed"})


class UnknownEnvelope(Exception):
    """A verified webhook about an envelope this application never created."""



@dataclass(frozen=True)
class Confirmation:
    """The outcome of asking the provider; ``step_id`` is where the journey stands afterwards."""

    status: SigningStatus
    #: True only for the one call that recorded ``signature_completed``
    recorded: bool
    step_id: str
    #: what to tell the member, in French (None when there is nothing to say)
    message: str | None = None


# --- confirming ------------------------------------------------------------------------------------------


def confirm(
    session: Session, request: SignatureRequest, actor: Actor, *, verified_status: SigningStatus | None = None
) -> Confirmation:
    """Record the provider's verdict on ``request`` once; ``verified_status`` comes from a verified webhook.

    Without it the provider is asked (``status``, see :func:`polled_status`): a return URL's ``event`` is
    never trusted.
    """
    journey = request.journey
    if request.status == SignatureStatus.COMPLETED:
        return Confirmation(SigningStatus.COMPLETED, False, journey.state)
    if request.status != SignatureStatus.PENDING:  # voided, declined, expired: a completion is never accepted
        return Confirmation(SigningStatus(request.status.value), False, journey.state, FAILED_MESSAGE)
    provider = provider_for(name=request.provider)
    if verified_status is None and request.followup == FOLLOWUP_FETCH:
        verified_status = SigningStatus.COMPLETED  # a verified webhook said so; its document is still to fetch
    status = verified_status or polled_status(provider, request)
    if status == SigningStatus.PENDING:
        return Confirmation(status, False, journey.state)
    if status == SigningStatus.COMPLETED:
        return _complete(session, provider, request, actor)
    return _decline(session, request, status, actor)


def polled_status(provider: SigningProvider, request: SignatureRequest) -> SigningStatus:
    """The provider's status of ``request``, asked at most once per ``provider.status_poll_interval``
    (DocuSign: 15 minutes per envelope); within that window, or when the provider says pending, the
    answer is PENDING and the verified webhook is what completes the request."""
    now = utcnow()
    interval = timedelta(seconds=provider.status_poll_interval)
    if interval and request.status_checked_at is not None and now - request.status_checked_at < interval:
        logger.info("status of envelope %s asked less than %s ago: not asked again", request.envelope_id, interval)
        return SigningStatus.PENDING
    status = provider.status(request.envelope_id)
    if interval:
        request.status_checked_at = now
    return status


def on_signing_step(journey: Journey, step_id: str) -> bool:
    return journey.status == JourneyStatus.IN_PROGRESS and journey.state == step_id


def _complete(session: Session, provider: SigningProvider, request: SignatureRequest, actor: Actor) -> Confirmation:
    journey = request.journey
    try:
        if not signed_documents(request):
            _fetch_signed(session, provider, request)
    except ProviderError:
        session.rollback()
        raise
    request.status = SignatureStatus.COMPLETED
    request.signed_at = utcnow()
    clear_followup(request)
    evidence.append(request, "events", {"event": "completed", "at": evidence.timestamp(request.signed_at)})
    if not on_signing_step(journey, request.step_id):
        session.flush()
        return Confirmation(SigningStatus.COMPLETED, False, journey.state)
    hook = signing_step_of(request).on_complete
    try:
        if hook is not None and not journey.is_preview:
            hook(session, journey)
        recorded = engine.record_signature_completed(session, journey, request.step_id, actor)
    except Exception:
        session.rollback()  # nothing of the completion is kept: it can be confirmed again
        raise
    return Confirmation(SigningStatus.COMPLETED, recorded, journey.state)


def _fetch_signed(session: Session, provider: SigningProvider, request: SignatureRequest) -> None:
    """External providers give one combined PDF of every document, signed and sealed by the provider, with
    its certificate of completion; the provider has checked the seal (``DocumentRejected`` otherwise)."""
    content = provider.signed_document(request.envelope_id)
    document = store_document(
        session, request, kind="signed_envelope", title="Documents signés", filename="documents-signes.pdf",
        template_version="", content=content, signed=True,
    )  # fmt: skip
    evidence.append(request, "signed_documents", {
        "kind": document.kind, "sha256_signed": document.sha256,
        # signed_document only returns a PDF whose provider seal verified, with the certificate of completion
        "provider_seal": "verified", "certificate_of_completion": True,
    })  # fmt: skip


def _decline(session: Session, request: SignatureRequest, status: SigningStatus, actor: Actor) -> Confirmation:
    journey = request.journey
    request.status = SignatureStatus(status.value)
    evidence.append(request, "events", {"event": status.value, "at": evidence.timestamp(utcnow())})
    if on_signing_step(journey, request.step_id):
        engine.record_signature_declined(session, journey, request.step_id, actor)
    else:
        session.flush()
    return Confirmation(status, False, journey.state, FAILED_MESSAGE)


def returned(session: Session, journey: Journey, step_id: str, event_hint: str | None, actor: Actor) -> Confirmation:
    """The browser came back from an external ceremony; ``event_hint`` only chooses the message."""
    request = latest_request(session, journey, step_id)
    if request is None:
        return Confirmation(SigningStatus.PENDING, False, journey.state)
    outcome = confirm(session, request, actor)
    if outcome.status != SigningStatus.PENDING:
        return outcome
    message = FAILED_MESSAGE if event_hint in ABANDON_EVENTS else PENDING_MESSAGE
    return Confirmation(outcome.status, False, outcome.step_id, message)


def complete_preview(session: Session, journey: Journey, step: SigningStep, actor: Actor) -> Confirmation:
    """An HR preview leaves the signing step without any signature, request, code or email."""
    if not journey.is_preview:
        raise ValueError("only an HR preview completes without a signature")
    recorded = engine.record_signature_completed(session, journey, step.id, actor)
    return Confirmation(SigningStatus.COMPLETED, recorded, journey.state)


# --- webhooks --------------------------------------------------------------------------------------------


def handle_webhook(session: Session, headers: dict[str, str], raw_body: bytes, actor: Actor) -> Confirmation:
    """A provider callback: verified (``WebhookRejected`` otherwise), idempotent on (envelope, event).

    Answered at once: nothing here calls the provider. A completion is recorded as verified and its signed
    document is fetched afterwards (``flask signatures run``, or the member's return, whichever comes
    first); a refusal or expiry is recorded now. Raises :class:`UnknownEnvelope` for an envelope we never
    created (an account-wide Connect configuration sends every envelope of the account): the caller
    acknowledges it and ignores it. A completion for a voided request is recorded as ignored.
    """
    provider = provider_for()
    event = provider.verify_webhook(headers, raw_body)
    query = select(SignatureRequest).where(
        SignatureRequest.envelope_id == event.envelope_id, SignatureRequest.provider == provider.name
    )
    request = session.scalar(query)
    if request is None:
        raise UnknownEnvelope(event.envelope_id)
    if any(seen.get("event") == event.event for seen in evidence.entries(request, "webhook_events")):
        return Confirmation(SigningStatus(request.status.value), False, request.journey.state)
    evidence.append(request, "webhook_events", {
        "event": event.event, "status": event.status.value, "at": evidence.timestamp(utcnow()),
        **({"ignored": request.status.value} if request.status != SignatureStatus.PENDING else {}),
    })  # fmt: skip
    outcome = None
    if request.status == SignatureStatus.PENDING and event.status == SigningStatus.COMPLETED:
        schedule_followup(request, FOLLOWUP_FETCH, utcnow())
    elif request.status == SignatureStatus.PENDING and event.status != SigningStatus.PENDING:
        outcome = confirm(session, request, actor, verified_status=event.status)  # records, never calls out
    elif request.status != SignatureStatus.PENDING:
        logger.warning("webhook %s for envelope %s ignored: the request is %s", event.event, event.envelope_id,
                       request.status.value)  # fmt: skip
    session.flush()
    logger.info("webhook %s for envelope %s recorded", event.event, event.envelope_id)
    return outcome or Confirmation(SigningStatus(request.status.value), False, request.journey.state)
