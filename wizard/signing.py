"""The signing service: the only code that creates signature requests and their documents.

Every signed journey (subscription, dispense, designation) goes through these functions; views stay thin.

* :func:`start_or_resume` — entering a signing step. Idempotent: the pending request is reused (same
  envelope) while the documents are byte-identical; when the answers changed, the old request is voided
  and a new one started.
* :func:`confirm` — asks the provider (never the browser) whether the envelope is signed; on completion it
  stores the signed PDFs, runs the step's ``on_complete`` hook and records ``signature_completed`` exactly
  once, all in one transaction.
* :func:`handle_webhook` — a verified provider callback, idempotent on (envelope, event). It only records:
  a completion's signed document is fetched afterwards by ``flask signatures run``
  (``wizard.signature_followups``), never inside the provider's request.
* :func:`void_request` — closes a request that must not be signed any more, and voids its envelope at the
  provider (or leaves that to ``flask signatures run`` when the provider cannot be reached).

A :class:`~signing.providers.base.ProviderError` is rolled back and re-raised: the caller shows
:data:`UNAVAILABLE_MESSAGE` (:data:`BUSY_MESSAGE` for :class:`~signing.providers.base.ProviderBusy`); the
member's answers were committed earlier and are never lost.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from config.catalogue import default_catalogue
from signing.providers.base import (
    CeremonyUnavailable,
    DocumentToSign,
    ProviderBusy,
    ProviderError,
    Signer,
    SigningProvider,
    SigningSession,
    SigningStatus,
)
from wizard import engine, evidence, steps
from wizard.engine import Actor
from wizard.flow import DocumentContext, SigningStep
from wizard.models import Document, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signing_providers import build_docusign_provider, install_provider, organisation_pki, provider_for

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")

FAILED_MESSAGE = "La signature n'a pas abouti. Vos réponses sont enregistrées : vous pouvez réessayer."
UNAVAILABLE_MESSAGE = (
    "La signature est momentanément indisponible, vos réponses sont enregistrées. Réessayez dans quelques minutes."
)
PENDING_MESSAGE = "Votre signature est en cours de confirmation : actualisez cette page dans quelques instants."
BUSY_MESSAGE = (
    "Le service de signature électronique reçoit trop de demandes en ce moment. Vos réponses sont enregistrées : "
    "réessayez dans quelques minutes."
)
#: why an envelope is voided: our reason code -> the text the provider shows on the old signing link
VOID_REASONS = {
    "documents_changed": "Vos réponses ont changé : de nouveaux documents sont à signer.",
    "concurrent_start": "Demande en double : une autre enveloppe a été préparée pour la même signature.",
}
#: ``SignatureRequest.followup`` values (``wizard.signature_followups`` does the work)
FOLLOWUP_FETCH = "fetch"
FOLLOWUP_VOID = "void"
#: a void the provider refused is tried again after this delay (then with the worker's backoff)
VOID_RETRY_DELAY = timedelta(minutes=1)
#: return-URL events (DocuSign's names) meaning the member left the ceremony without signing
ABANDON_EVENTS = frozenset({"cancel", "decline", "ttl_expired", "session_timeout", "exception", "id_check_failed"})


class UnknownEnvelope(Exception):
    """A verified webhook about an envelope this application never created."""


@dataclass(frozen=True)
class Consent:
    """The consent box of a signing step as the member ticked it."""

    text: str
    button_at: datetime
    #: when the box was ticked according to the browser (None without JavaScript: the button time counts)
    ticked_at: datetime | None = None


@dataclass(frozen=True)
class Confirmation:
    """The outcome of asking the provider; ``step_id`` is where the journey stands afterwards."""

    status: SigningStatus
    #: True only for the one call that recorded ``signature_completed``
    recorded: bool
    step_id: str
    #: what to tell the member, in French (None when there is nothing to say)
    message: str | None = None


@dataclass(frozen=True)
class Started:
    """What entering the signing step gave: where to send the browser, or a completion found on the way."""

    request: SignatureRequest
    #: the ceremony URL — single use for DocuSign, so returned here and never stored; None: nothing to sign
    url: str | None
    #: set when the envelope turned out to be signed already (both the return URL and the webhook missed it)
    confirmation: Confirmation | None = None


# --- documents -------------------------------------------------------------------------------------------


def paris_today() -> date:
    return datetime.now(PARIS).date()


def documents_for(journey: Journey, step: SigningStep, *, today: date | None = None) -> list[DocumentToSign]:
    """The PDFs of ``step`` for this journey's current answers (SPECIMEN for an HR preview)."""
    stored = journey.context or {}
    context = DocumentContext(
        journey_public_id=journey.public_id,
        journey_id=journey.id,
        answers=steps.effective_answers(journey),
        sources=stored.get("sources", {}),
        prefill=stored.get("prefill", {}),
        catalogue=default_catalogue(),
        effective_date=steps.effective_date(journey),
        owner_name=journey.owner.full_name,
        owner_email=journey.owner.email,
        today=today or paris_today(),
        specimen=journey.is_preview,
        campaign_contract_name=journey.campaign.contract_name if journey.campaign else "",
    )
    return step.documents(context)


def current_signing_step(journey: Journey) -> SigningStep | None:
    """The signing step the journey stands on, if any (its PDFs may be viewed before signing)."""
    if journey.status != JourneyStatus.IN_PROGRESS:
        return None
    step = steps.flow_of(journey).step(journey.state)
    return step if isinstance(step, SigningStep) else None


def signing_step_of(request: SignatureRequest) -> SigningStep:
    step = steps.flow_of(request.journey).step(request.step_id)
    if not isinstance(step, SigningStep):
        raise LookupError(f"{request.step_id!r} is not a signing step")
    return step


def shown_documents(request: SignatureRequest) -> list[Document]:
    """The documents as shown when the request started (unsigned rows), in order."""
    return [d for d in request.documents if not d.signed]


def signed_documents(request: SignatureRequest) -> list[Document]:
    return [d for d in request.documents if d.signed]


def same_documents(request: SignatureRequest, documents: list[DocumentToSign]) -> bool:
    """True when ``documents`` are byte for byte what the request showed."""
    shown = [(d.kind, d.sha256) for d in shown_documents(request)]
    return shown == [(d.kind, evidence.sha256(d.pdf)) for d in documents]


def store_document(
    session: Session, request: SignatureRequest, *, kind: str, title: str, filename: str,
    template_version: str, content: bytes, signed: bool,
) -> Document:  # fmt: skip
    """A Document row owned by the request's journey (and so by its owner)."""
    document = Document(
        public_id=secrets.token_urlsafe(16), journey=request.journey, signature_request=request, kind=kind,
        title=title, filename=filename, template_version=template_version, sha256=evidence.sha256(content),
        content=content, signed=signed,
    )  # fmt: skip
    session.add(document)
    return document


# --- entering the signing step ---------------------------------------------------------------------------


def pending_request(session: Session, journey: Journey, step_id: str) -> SignatureRequest | None:
    return latest_request(session, journey, step_id, only_pending=True)


def latest_request(
    session: Session, journey: Journey, step_id: str, *, only_pending: bool = False
) -> SignatureRequest | None:
    query = select(SignatureRequest).where(
        SignatureRequest.journey_id == journey.id, SignatureRequest.step_id == step_id
    )
    if only_pending:
        query = query.where(SignatureRequest.status == SignatureStatus.PENDING)
    return session.scalar(query.order_by(SignatureRequest.id.desc()).limit(1))


def start_or_resume(
    session: Session, journey: Journey, step: SigningStep, actor: Actor, return_url: str,
    *, consent: Consent | None = None, origin: evidence.Origin | None = None,
) -> Started:  # fmt: skip
    """The signature request the member signs now (reused while the documents are unchanged). Commits.

    ``return_url`` is where an external provider sends the browser back; ``consent`` and ``origin`` are
    appended to the evidence. Raises :class:`ProviderError` (after rolling back) when the provider fails;
    an envelope created without a ceremony (:class:`CeremonyUnavailable`) is kept and resumed next time.
    A pending envelope the provider reports completed is confirmed instead (``Started.confirmation``).
    """
    if journey.is_preview:
        raise ValueError("an HR preview never creates a signature request")
    provider = provider_for()
    documents = documents_for(journey, step)
    started_here: str | None = None
    try:
        request = pending_request(session, journey, step.id)
        url: str | None = None
        if request is not None:
            resumed = _resumed(
                session, provider, request, journey=journey, documents=documents, return_url=return_url, actor=actor
            )
            if isinstance(resumed, Confirmation):
                return Started(request, None, resumed)
            url = resumed
        no_ceremony: CeremonyUnavailable | None = None
        if request is None or url is None:
            request, url, no_ceremony = _start(
                session, provider, journey, step, documents=documents, return_url=return_url
            )
            started_here = request.envelope_id
        if consent is not None:
            _record_consent(request, consent, origin or evidence.Origin(actor.ip, (), actor.user_agent))
        journey.updated_at = utcnow()  # bumps the revision: of two simultaneous clicks, one start wins
        session.commit()
    except ProviderError:
        session.rollback()
        raise
    except StaleDataError:
        session.rollback()
        return _lost_race(session, provider, journey, step.id, started_here=started_here, return_url=return_url)
    if no_ceremony is not None:
        raise no_ceremony  # committed: the member's next click resumes this envelope
    return Started(request, url)


def _lost_race(
    session: Session, provider: SigningProvider, journey: Journey, step_id: str,
    *, started_here: str | None, return_url: str,
) -> Started:  # fmt: skip
    """Two simultaneous starts and this one lost: void the envelope it created, resume the winner's."""
    winner = pending_request(session, journey, step_id)
    if started_here is not None:
        void_lost_start(session, provider, winner, started_here)
    if winner is None:
        raise StaleDataError(f"journey {journey.id} changed while its signature was starting")
    return Started(winner, provider.resume(winner.envelope_id, signer_of(journey), return_url).url)


def signer_of(journey: Journey) -> Signer:
    return Signer(user_id=journey.owner.id, full_name=journey.owner.full_name, email=journey.owner.email)


def _resumed(
    session: Session, provider: SigningProvider, request: SignatureRequest,
    *, journey: Journey, documents: list[DocumentToSign], return_url: str, actor: Actor,
) -> str | Confirmation | None:  # fmt: skip
    """A fresh ceremony URL for the pending ``request`` (DocuSign's are single-use), or None when it was
    closed instead — other documents (voided at the provider too), or an envelope the provider voided or
    saw declined meanwhile — and the caller starts a new one. An envelope the provider refuses a ceremony
    for because it is already completed is confirmed here (a :class:`Confirmation`): otherwise a signature
    whose return URL and webhook were both missed would stay « indisponible » forever."""
    if request.provider != provider.name or not same_documents(request, documents):
        void_request(request, "documents_changed")
        return None
    try:
        url = provider.resume(request.envelope_id, signer_of(journey), return_url).url
    except ProviderBusy:
        raise  # rate-limited: asking the status now would only add a call DocuSign refuses
    except ProviderError:
        closed = provider.status(request.envelope_id)  # a failure here is the provider's, re-raised
        if closed == SigningStatus.PENDING:
            raise
        if closed == SigningStatus.COMPLETED:
            logger.info("envelope %s is completed at the provider: confirmed on re-entry", request.envelope_id)
            return confirm(session, request, actor, verified_status=SigningStatus.COMPLETED)
        request.status = SignatureStatus(closed.value)
        evidence.append(request, "events", {"event": closed.value, "at": evidence.timestamp(utcnow())})
        logger.info("envelope %s was %s at the provider; a new one is started", request.envelope_id, closed)
        return None
    request.status_checked_at = None  # a new ceremony: the member's return may ask the provider again
    return url
def _start(
    session: Session, provider: SigningProvider, journey: Journey, step: SigningStep,
    *, documents: list[DocumentToSign], return_url: str,
) -> tuple[SignatureRequest, str | None, CeremonyUnavailable | None]:  # fmt: skip
    """A new request and its ceremony URL (the provider knows the envelope by our transaction id too); an
    envelope created without a ceremony gets its request all the same, with the failure to raise."""
    transaction_id = str(uuid.uuid4())
    failure: CeremonyUnavailable | None = None
    try:
        started = provider.start(documents, signer_of(journey), return_url, transaction_id=transaction_id)
    except CeremonyUnavailable as exc:
        started, failure = SigningSession(envelope_id=exc.envelope_id, url=""), exc
    request = SignatureRequest(
        journey=journey, step_id=step.id, provider=provider.name, envelope_id=started.envelope_id,
        signing_url=None, status=SignatureStatus.PENDING,
        evidence={
            "transaction_id": transaction_id, "provider": provider.name, "envelope_id": started.envelope_id,
            "journey": journey.public_id, "flow": f"{journey.flow_id} v{journey.flow_version}", "step": step.id,
            "created_at": evidence.timestamp(utcnow()), "documents": [evidence.document_entry(d) for d in documents],
        },
    )  # fmt: skip
    session.add(request)
    for document in documents:
        store_document(
            session, request, kind=document.kind, title=document.title, filename=document.filename,
            template_version=document.metadata.get("template_version", ""), content=document.pdf, signed=False,
        )  # fmt: skip
    logger.info("signature request %s started with %s for journey %s", started.envelope_id, provider.name, journey.id)
    return request, started.url or None, failure


# --- voiding ---------------------------------------------------------------------------------------------


def void_request(request: SignatureRequest, reason: str) -> None:
    """Close a pending request that must not be signed any more, and void its envelope at the provider
    (caller commits). ``reason`` is a :data:`VOID_REASONS` code; the « voided » event records it and
    whether the provider voided the envelope now (``at_provider``: "voided") or a worker will
    (``"queued"``). A completion for this request is never accepted afterwards (:func:`confirm`)."""
    request.status = SignatureStatus.EXPIRED
    outcome = void_at_provider(request, reason)
    evidence.append(request, "events", {
        "event": "voided", "reason": reason, "at": evidence.timestamp(utcnow()), "at_provider": outcome,
    })  # fmt: skip


def void_at_provider(request: SignatureRequest, reason: str) -> str:
    """"voided", or "queued" (``flask signatures run`` retries) when the provider could not be reached."""
    provider = provider_for(name=request.provider)
    try:
        provider.void(request.envelope_id, VOID_REASONS.get(reason, reason))
    except ProviderError as exc:
        logger.warning("envelope %s could not be voided now (%s); queued for a retry", request.envelope_id, exc)
        schedule_followup(request, FOLLOWUP_VOID, utcnow() + VOID_RETRY_DELAY)
        return "queued"
    if request.followup == FOLLOWUP_VOID:
        clear_followup(request)
    return "voided"


def void_lost_start(
    session: Session, provider: SigningProvider, winner: SignatureRequest | None, envelope_id: str
) -> None:
    """Two simultaneous starts: the losing one created ``envelope_id``, which nobody will sign. Void it and
    record why in the winner's evidence (the losing request was rolled back). Commits."""
    try:
        provider.void(envelope_id, VOID_REASONS["concurrent_start"])
        outcome = "voided"
    except ProviderError as exc:
        outcome = "failed"
        logger.error("duplicate envelope %s could not be voided (%s): void it at the provider", envelope_id, exc)
    if winner is not None:
        evidence.append(winner, "events", {
            "event": "duplicate_voided", "envelope_id": envelope_id, "reason": "concurrent_start",
            "at": evidence.timestamp(utcnow()), "at_provider": outcome,
        })  # fmt: skip
        session.commit()


def schedule_followup(request: SignatureRequest, kind: str, due_at: datetime) -> None:
    request.followup = kind
    request.followup_due_at = due_at


def clear_followup(request: SignatureRequest) -> None:
    request.followup = None
    request.followup_due_at = None
    request.followup_error = None


def _record_consent(request: SignatureRequest, consent: Consent, origin: evidence.Origin) -> None:
    evidence.append(request, "consents", {
        "text": consent.text,
        "version": evidence.consent_version(consent.text),
        "ticked_at": evidence.timestamp(consent.ticked_at or consent.button_at),
        "ticked_at_source": "browser" if consent.ticked_at else "button",
        "button_at": evidence.timestamp(consent.button_at),
        **origin.as_evidence(),
    })  # fmt: skip


# --- confirming ------------------------------------------------------------------------------------------


def confirm(
    session: Session, request: SignatureRequest, actor: Actor, *, verified_status: SigningStatus | None = None
) -> Confirmation:
    """Record the provider's verdict on ``request`` once; ``verified_status`` comes from a verified webhook.

    Without it the provider is asked (``status``): a return URL's ``event`` is never trusted. Commits.
    """
    journey = request.journey
    if request.status == SignatureStatus.COMPLETED:
        return Confirmation(SigningStatus.COMPLETED, False, journey.state)
    if request.status != SignatureStatus.PENDING:  # voided, declined, expired: a completion is never accepted
        return Confirmation(SigningStatus(request.status.value), False, journey.state, FAILED_MESSAGE)
    provider = provider_for(name=request.provider)
    if verified_status is None and request.followup == FOLLOWUP_FETCH:
        verified_status = SigningStatus.COMPLETED  # a verified webhook said so; its document is still to fetch
    status = verified_status or polled_status(session, provider, request)
    if status == SigningStatus.PENDING:
        return Confirmation(status, False, journey.state)
    if status == SigningStatus.COMPLETED:
        return _complete(session, provider, request, actor)
    return _decline(session, request, status, actor)


def polled_status(session: Session, provider: SigningProvider, request: SignatureRequest) -> SigningStatus:
    """The provider's status of ``request``, asked at most once per ``provider.status_poll_interval``
    (DocuSign: 15 minutes per envelope); within that window, or when the provider says pending, the
    answer is PENDING and the verified webhook is what completes the request. Commits a pending check."""
    now = utcnow()
    interval = timedelta(seconds=provider.status_poll_interval)
    if interval and request.status_checked_at is not None and now - request.status_checked_at < interval:
        logger.info("status of envelope %s asked less than %s ago: not asked again", request.envelope_id, interval)
        return SigningStatus.PENDING
    status = provider.status(request.envelope_id)
    if interval:
        request.status_checked_at = now
        if status == SigningStatus.PENDING:
            session.commit()
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
        session.commit()
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
        session.commit()
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
    session.commit()
    logger.info("webhook %s for envelope %s recorded", event.event, event.envelope_id)
    return outcome or Confirmation(SigningStatus(request.status.value), False, request.journey.state)


__all__ = [
    "ABANDON_EVENTS",
    "BUSY_MESSAGE",
    "FAILED_MESSAGE",
    "FOLLOWUP_FETCH",
    "FOLLOWUP_VOID",
    "PENDING_MESSAGE",
    "UNAVAILABLE_MESSAGE",
    "VOID_REASONS",
    "Confirmation",
    "Consent",
    "Started",
    "UnknownEnvelope",
    "build_docusign_provider",
    "clear_followup",
    "complete_preview",
    "confirm",
    "current_signing_step",
    "documents_for",
    "handle_webhook",
    "install_provider",
    "latest_request",
    "on_signing_step",
    "organisation_pki",
    "pending_request",
    "polled_status",
    "provider_for",
    "returned",
    "same_documents",
    "schedule_followup",
    "shown_documents",
    "signed_documents",
    "signer_of",
    "signing_step_of",
    "start_or_resume",
    "store_document",
    "void_at_provider",
    "void_lost_start",
    "void_request",
]
