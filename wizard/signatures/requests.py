"""Signature requests of journeys: the documents of a signing step, and starting, resuming or voiding a request.

Every signed journey (subscription, dispense, designation) goes through these functions; views stay thin.
:func:`start_or_resume` is idempotent: the pending request is reused (same envelope) while the documents are
byte-identical; when the answers changed, the old request is voided and a new one started. A
:class:`~signing.providers.base.ProviderError` is rolled back and re-raised: the caller shows
:data:`UNAVAILABLE_MESSAGE`; the member's answers were committed earlier and are never lost.
What happens once the provider says the envelope is signed is :mod:`wizard.signatures.confirmation`.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from config.catalogue import default_catalogue
from signing.providers.base import DocumentToSign, ProviderError, Signer, SigningProvider, SigningStatus
from wizard.journeys import steps
from wizard.journeys.flow import DocumentContext, SigningStep
from wizard.models import Actor, Document, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signatures import evidence
from wizard.signatures.providers import provider_for

logger = logging.getLogger(__name__)


PARIS = ZoneInfo("Europe/Paris")
UNAVAILABLE_MESSAGE = (
    "La signature est momentanément indisponible, vos réponses sont enregistrées. Réessayez dans quelques minutes."
)


@dataclass(frozen=True)
class Consent:
    """The consent box of a signing step as the member ticked it."""

    text: str
    button_at: datetime
    #: when the box was ticked according to the browser (None without JavaScript: the button time counts)
    ticked_at: datetime | None = None


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
) -> SignatureRequest:  # fmt: skip
    """The signature request the member signs now (reused while the documents are unchanged).

    ``return_url`` is where an external provider sends the browser back; ``consent`` and ``origin`` are
    appended to the evidence. Raises :class:`ProviderError` (after rolling back) when the provider fails.
    """
    if journey.is_preview:
        raise ValueError("an HR preview never creates a signature request")
    provider = provider_for()
    documents = documents_for(journey, step)
    try:
        request = pending_request(session, journey, step.id)
        if request is None or not _resumed(provider, request, journey, documents, return_url):
            request = _start(session, provider, journey, step, documents=documents, return_url=return_url)
        if consent is not None:
            _record_consent(request, consent, origin or evidence.Origin(actor.ip, (), actor.user_agent))
        journey.updated_at = utcnow()  # bumps the revision: of two simultaneous clicks, one start wins
        session.flush()
    except ProviderError:
        session.rollback()
        raise
    except StaleDataError:
        session.rollback()
        winner = pending_request(session, journey, step.id)
        if winner is None:
            raise
        return winner
    return request


def signer_of(journey: Journey) -> Signer:
    return Signer(user_id=journey.owner.id, full_name=journey.owner.full_name, email=journey.owner.email)


def _resumed(
    provider: SigningProvider, request: SignatureRequest, journey: Journey, documents: list[DocumentToSign],
    return_url: str,
) -> bool:  # fmt: skip
    """Reuse the pending ``request`` with a fresh ceremony URL (DocuSign's are single-use); False when it
    was closed instead — other documents, or an envelope the provider voided or saw declined meanwhile
    (e.g. a missed webhook) — and the caller starts a new one."""
    if request.provider != provider.name or not same_documents(request, documents):
        void_request(request, "documents_changed")
        return False
    try:
        request.signing_url = provider.resume(request.envelope_id, signer_of(journey), return_url).url
    except ProviderError:
        closed = provider.status(request.envelope_id)  # a failure here is the provider's, re-raised
        if closed in (SigningStatus.PENDING, SigningStatus.COMPLETED):
            raise  # completion is recorded by the return URL or the webhook DocuSign retries, never here
        request.status = SignatureStatus(closed.value)
        evidence.append(request, "events", {"event": closed.value, "at": evidence.timestamp(utcnow())})
        logger.info("envelope %s was %s at the provider; a new one is started", request.envelope_id, closed)
        return False
    return True


def _start(
    session: Session, provider: SigningProvider, journey: Journey, step: SigningStep,
    *, documents: list[DocumentToSign], return_url: str,
) -> SignatureRequest:  # fmt: skip
    started = provider.start(documents, signer_of(journey), return_url)
    request = SignatureRequest(
        journey=journey, step_id=step.id, provider=provider.name, envelope_id=started.envelope_id,
        signing_url=started.url, status=SignatureStatus.PENDING,
        evidence={
            "transaction_id": str(uuid.uuid4()), "provider": provider.name, "envelope_id": started.envelope_id,
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
    return request


def void_request(request: SignatureRequest, reason: str) -> None:
    """Close a pending request that must not be signed any more."""
    request.status = SignatureStatus.EXPIRED
    evidence.append(request, "events", {"event": "voided", "reason": reason, "at": evidence.timestamp(utcnow())})


def _record_consent(request: SignatureRequest, consent: Consent, origin: evidence.Origin) -> None:
    evidence.append(request, "consents", {
        "text": consent.text,
        "version": evidence.consent_version(consent.text),
        "ticked_at": evidence.timestamp(consent.ticked_at or consent.button_at),
        "ticked_at_source": "browser" if consent.ticked_at else "button",
        "button_at": evidence.timestamp(consent.button_at),
        **origin.as_evidence(),
    })  # fmt: skip
