"""Confirming a signature: asking the provider (never the browser), verified webhooks, recording completion.

* :func:`confirm` — on completion it stores the signed PDFs, runs the step's ``on_complete`` hook and records
  ``signature_completed`` exactly once, all in one transaction.
* :func:`returned` — the browser came back from an external ceremony; its ``event`` only picks the message.
* :func:`handle_webhook` — a verified provider callback, idempotent on (envelope, event).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.providers.base import ProviderError, SigningProvider, SigningStatus
from wizard.journeys import engine
from wizard.journeys.flow import SigningStep
from wizard.models import Actor, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signatures import evidence
from wizard.signatures.providers import provider_for
from wizard.signatures.requests import latest_request, signed_documents, signing_step_of, store_document

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

    Without it the provider is asked (``status``): a return URL's ``event`` is never trusted.
    """
    journey = request.journey
    if request.status == SignatureStatus.COMPLETED:
        return Confirmation(SigningStatus.COMPLETED, False, journey.state)
    if request.status != SignatureStatus.PENDING:
        return Confirmation(SigningStatus(request.status.value), False, journey.state, FAILED_MESSAGE)
    provider = provider_for(name=request.provider)
    status = verified_status or provider.status(request.envelope_id)
    if status == SigningStatus.PENDING:
        return Confirmation(status, False, journey.state)
    if status == SigningStatus.COMPLETED:
        return _complete(session, provider, request, actor)
    return _decline(session, request, status, actor)


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
    """External providers give one combined PDF of every document, signed."""
    content = provider.signed_document(request.envelope_id)
    document = store_document(
        session, request, kind="signed_envelope", title="Documents signés", filename="documents-signes.pdf",
        template_version="", content=content, signed=True,
    )  # fmt: skip
    evidence.append(request, "signed_documents", {"kind": document.kind, "sha256_signed": document.sha256})


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

    Raises :class:`UnknownEnvelope` for an envelope we never created. The event is recorded in the evidence
    in the same transaction as its outcome, so a failed attempt (``ProviderError``) is retried by the
    provider rather than remembered as done.
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
    })  # fmt: skip
    final = event.status if event.status != SigningStatus.PENDING else None
    outcome = confirm(session, request, actor, verified_status=final) if final else None
    session.flush()
    logger.info("webhook %s for envelope %s processed", event.event, event.envelope_id)
    return outcome or Confirmation(SigningStatus.PENDING, False, request.journey.state)
