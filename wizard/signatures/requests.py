"""Signature requests of journeys: the documents of a signing step, and starting, resuming or voiding a request.

Every signed journey (subscription, dispense, designation) goes through these functions; views stay thin.
:func:`start_or_resume` is idempotent: the pending request is reused (same envelope) while the documents are
byte-identical; when the answers changed, the old request is voided — at the provider too, or by
``flask signatures run`` (:mod:`wizard.signatures.followups`) when the provider cannot be reached — and a
new one started. A :class:`~signing.providers.base.ProviderError` is rolled back and re-raised: the caller
shows :data:`UNAVAILABLE_MESSAGE` (:data:`BUSY_MESSAGE` for :class:`~signing.providers.base.ProviderBusy`);
the member's answers were committed earlier and are never lost.
What happens once the provider says the envelope is signed is :mod:`wizard.signatures.confirmation`.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
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
from wizard.journeys import steps
from wizard.journeys.flow import DocumentContext, SigningStep
from wizard.models import Actor, Document, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signatures import evidence
from wizard.signatures.providers import provider_for

if TYPE_CHECKING:
    from wizard.signatures.confirmation import Confirmation

logger = logging.getLogger(__name__)


PARIS = ZoneInfo("Europe/Paris")
UNAVAILABLE_MESSAGE = (
    "La signature est momentanément indisponible, vos réponses sont enregistrées. Réessayez dans quelques minutes."
)
BUSY_MESSAGE = (
    "Le service de signature électronique reçoit trop de demandes en ce moment. Vos réponses sont enregistrées : "
    "réessayez dans quelques minutes."
)
#: why an envelope is voided: our reason code -> the text the provider shows on the old signing link
VOID_REASONS = {
    "documents_changed": "Vos réponses ont changé : de nouveaux documents sont à signer.",
    "concurrent_start": "Demande en double : une autre enveloppe a été préparée pour la même signature.",
}
#: ``SignatureRequest.followup`` values (:mod:`wizard.signatures.followups` does the work)
FOLLOWUP_FETCH = "fetch"
FOLLOWUP_VOID = "void"
#: a void the provider refused is tried again after this delay (then with the worker's backoff)
VOID_RETRY_DELAY = timedelta(minutes=1)


@dataclass(frozen=True)
class Consent:
    """The consent box of a signing step as the member ticked it."""

    text: str
    button_at: datetime
    #: when the box was ticked according to the browser (None without JavaScript: the button time counts)
    ticked_at: datetime | None = None


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
    """The signature request the member signs now (reused while the documents are unchanged).

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
            if resumed is not None and not isinstance(resumed, str):  # completed at the provider: confirmed
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
        session.flush()
    except ProviderError:
        session.rollback()
        raise
    except StaleDataError:
        session.rollback()
        return _lost_race(session, provider, journey, step.id, started_here=started_here, return_url=return_url)
    if no_ceremony is not None:
        raise no_ceremony  # kept (flushed, the caller's unit commits): the member's next click resumes it
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
            from wizard.signatures.confirmation import confirm  # noqa: PLC0415 - confirmation builds on requests

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
    """Close a pending request that must not be signed any more, and void its envelope at the provider.
    ``reason`` is a :data:`VOID_REASONS` code; the « voided » event records it and whether the provider
    voided the envelope now (``at_provider``: "voided") or a worker will (``"queued"``). A completion for
    this request is never accepted afterwards (``confirmation.confirm``)."""
    request.status = SignatureStatus.EXPIRED
    outcome = void_at_provider(request, reason)
    evidence.append(request, "events", {
        "event": "voided", "reason": reason, "at": evidence.timestamp(utcnow()), "at_provider": outcome,
    })  # fmt: skip


def void_at_provider(request: SignatureRequest, reason: str) -> str:
    """Void the envelope now: "voided", or "queued" (``flask signatures run`` retries) when the provider
    could not be reached."""
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
    record why in the winner's evidence (the losing request was rolled back)."""
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
        session.flush()


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
