"""The embedded signing ceremony of the ``local`` provider: an emailed one-time code, then the seal.

The member is already logged in; the six-digit code sent to the account's email proves control of that
mailbox at signing time. A code is stored as an HMAC keyed with ``SECRET_KEY``, expires after
:data:`CODE_TTL`, and is blocked after :data:`MAX_ATTEMPTS` wrong tries. Each typed code first takes one
attempt in the database (one ``UPDATE … SET attempts = attempts + 1 … RETURNING``) before it is compared, so
however many requests arrive at once, at most :data:`MAX_ATTEMPTS` codes are ever evaluated; a person gets at
most :data:`MAX_CODES_PER_HOUR` new codes an hour. The right code is claimed with a conditional UPDATE, so a
double click or two tabs seal the documents once. Each PDF is then sealed with the
evidence embedded, and :func:`wizard.signatures.confirmation.confirm` records the completion.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wizard.mail.queue import queue_email
from wizard.models import Actor, Document, Journey, SignatureRequest, SignatureStatus, SigningCode, utcnow
from wizard.signatures import confirmation, evidence, requests
from wizard.signatures.providers import organisation_sealer

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_COOLDOWN = timedelta(seconds=30)
#: new codes one person may receive in an hour (all their signatures together)
MAX_CODES_PER_HOUR = 5
CODE_LENGTH = 6

WRONG_CODE = "Ce code n'est pas le bon. Il vous reste {left} essai{s}."
BLOCKED = "Vous avez saisi trop de codes erronés. Demandez un nouveau code pour signer."
EXPIRED = "Ce code a expiré (il est valable 10 minutes). Demandez un nouveau code."
MALFORMED = "Saisissez les 6 chiffres du code reçu par courriel."
NO_CODE = "Aucun code n'est en cours de validité. Demandez un nouveau code."
COOLDOWN = "Un code vient de vous être envoyé. Patientez quelques secondes avant d'en demander un autre."
SENT = "Un nouveau code vient de vous être envoyé."
TOO_MANY_CODES = (
    "Vous avez demandé trop de codes en peu de temps. Réessayez dans une heure : vos réponses restent enregistrées."
)
NO_CONSENT = "Cochez la case de certification avant de signer."
DOCUMENTS_CHANGED = "Vos réponses ont changé depuis la préparation des documents : vérifiez-les puis signez à nouveau."


@dataclass(frozen=True)
class Outcome:
    """``kind``: "signed", "already_signed", "closed", "restart" (back to the signing step) or "retry"."""

    kind: str
    message: str | None = None
    confirmation: confirmation.Confirmation | None = None


@dataclass(frozen=True)
class CodeStatus:
    """What the ceremony page says about the current code."""

    destination: str
    sent_at: datetime | None
    attempts_left: int
    expired: bool
    blocked: bool


def code_hash(envelope_id: str, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"{envelope_id}:{code}".encode(), hashlib.sha256).hexdigest()


def latest_code(session: Session, request: SignatureRequest) -> SigningCode | None:
    query = select(SigningCode).where(SigningCode.signature_request_id == request.id)
    return session.scalar(query.order_by(SigningCode.id.desc()).limit(1))


def code_status(session: Session, request: SignatureRequest) -> CodeStatus:
    code = latest_code(session, request)
    destination = evidence.mask_email(request.journey.owner.email)
    if code is None:
        return CodeStatus(destination, None, MAX_ATTEMPTS, expired=False, blocked=False)
    return CodeStatus(
        destination, code.sent_at, max(MAX_ATTEMPTS - code.attempts, 0),
        expired=utcnow() >= code.expires_at, blocked=code.attempts >= MAX_ATTEMPTS,
    )  # fmt: skip


def ensure_code_sent(session: Session, request: SignatureRequest) -> None:
    """The first visit of the ceremony page sends a code; reloading it sends nothing more."""
    if request.status == SignatureStatus.PENDING and latest_code(session, request) is None:
        send_code(session, request)


def send_code(session: Session, request: SignatureRequest) -> Outcome:
    """Email a fresh code (the previous one stops working), unless one was sent a few seconds ago."""
    if request.status != SignatureStatus.PENDING:
        return Outcome("closed")
    previous = latest_code(session, request)
    now = utcnow()
    if previous is not None and now - previous.sent_at < RESEND_COOLDOWN:
        return Outcome("retry", COOLDOWN)
    if codes_sent_last_hour(session, request.journey.owner_id, now) >= MAX_CODES_PER_HOUR:
        return Outcome("retry", TOO_MANY_CODES)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    owner = request.journey.owner
    destination = evidence.mask_email(owner.email)
    session.add(SigningCode(
        signature_request=request, code_hash=code_hash(request.envelope_id, code), channel="email",
        destination=destination, sent_at=now, expires_at=now + CODE_TTL, attempts=0,
    ))  # fmt: skip
    queue_email(
        session, to=owner.email, subject="Votre code de signature électronique", template="signing_code",
        context={"code": code, "name": owner.full_name, "minutes": int(CODE_TTL.total_seconds() // 60),
                 "documents": [d.title for d in requests.shown_documents(request)]},
        user_id=owner.id, journey=request.journey,
    )  # fmt: skip
    evidence.append(request, "events", {"event": "code_sent", "channel": "email", "destination": destination,
                                        "at": evidence.timestamp(now)})  # fmt: skip
    session.flush()
    return Outcome("retry", SENT if previous is not None else None)


def codes_sent_last_hour(session: Session, owner_id: int, now: datetime) -> int:
    query = (
        select(func.count(SigningCode.id))
        .join(SignatureRequest, SignatureRequest.id == SigningCode.signature_request_id)
        .join(Journey, Journey.id == SignatureRequest.journey_id)
        .where(Journey.owner_id == owner_id, SigningCode.sent_at > now - timedelta(hours=1))
    )
    return int(session.scalar(query) or 0)


def submit_code(
    session: Session, request: SignatureRequest, typed: str, actor: Actor, origin: evidence.Origin
) -> Outcome:
    """Check the typed code; the right one seals every document and records the completion once."""
    journey = request.journey
    if request.status == SignatureStatus.COMPLETED or not confirmation.on_signing_step(journey, request.step_id):
        return Outcome("already_signed")  # the view sends the member where the journey stands
    if request.status != SignatureStatus.PENDING:
        return Outcome("closed", confirmation.FAILED_MESSAGE)
    code = latest_code(session, request)
    digits = "".join(typed.split())
    problem = _code_problem(code) or (MALFORMED if len(digits) != CODE_LENGTH or not digits.isdigit() else None)
    attempts = _take_attempt(session, code) if problem is None and code is not None else None
    if code is None or attempts is None:
        return Outcome("retry", problem or _code_problem(code) or BLOCKED)
    if not hmac.compare_digest(code.code_hash, code_hash(request.envelope_id, digits)):
        return _wrong_code(attempts)
    if not _claim(session, code):
        return Outcome("already_signed")
    return _sign(session, request, code, actor, origin)


def _code_problem(code: SigningCode | None) -> str | None:
    if code is None:
        return NO_CODE
    if code.attempts >= MAX_ATTEMPTS:
        return BLOCKED
    if utcnow() >= code.expires_at:
        return EXPIRED
    return None


def take_attempt(session: Session, model: Any, row_id: int, *live: Any) -> int | None:
    """Count one attempt in the database before comparing a code: the attempts so far (this one included),
    or None when the code is used up or ``live`` (the code's own conditions: not expired, not used…) fails.
    One atomic ``UPDATE … RETURNING``: concurrent requests never overwrite each other's count (the row stays
    locked until the request's commit, which ``wizard.db`` makes for every answer, a wrong-code 422 included).
    Shared by the member's ceremony and the account holder's (:mod:`wizard.signatures.holder`)."""
    taken = session.execute(
        update(model)
        .where(model.id == row_id, model.attempts < MAX_ATTEMPTS, *live)
        .values(attempts=model.attempts + 1)
        .returning(model.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    return None if taken is None else int(taken)


def wrong_code_message(attempts: int) -> str:
    """What a wrong code answers after ``attempts`` tries (this one included)."""
    left = MAX_ATTEMPTS - attempts
    return WRONG_CODE.format(left=left, s="s" if left > 1 else "") if left > 0 else BLOCKED


def _take_attempt(session: Session, code: SigningCode) -> int | None:
    """:func:`take_attempt` on a signing code: not used yet, not expired."""
    taken = take_attempt(
        session, SigningCode, code.id, SigningCode.verified_at.is_(None), SigningCode.expires_at > utcnow()
    )
    session.refresh(code)
    return taken


def _wrong_code(attempts: int) -> Outcome:
    return Outcome("retry", wrong_code_message(attempts))


def _claim(session: Session, code: SigningCode) -> bool:
    """Mark the code used unless another request already did (only one can sign). The attempt taken for the
    right code is given back: ``attempts`` keeps counting wrong codes only (the evidence reports it)."""
    now = utcnow()
    result = session.execute(
        update(SigningCode)
        .where(SigningCode.id == code.id, SigningCode.verified_at.is_(None))
        .values(verified_at=now, attempts=SigningCode.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    claimed = bool(getattr(result, "rowcount", 0) == 1)
    if claimed:
        code.verified_at = now
        set_committed_value(code, "attempts", code.attempts - 1)  # as stored: nothing to write back
    else:
        session.rollback()
    return claimed


def _sign(
    session: Session, request: SignatureRequest, code: SigningCode, actor: Actor, origin: evidence.Origin
) -> Outcome:
    journey = request.journey
    step = requests.signing_step_of(request)
    if not evidence.entries(request, "consents"):
        session.rollback()
        return Outcome("restart", NO_CONSENT)
    created = request.created_at.astimezone(requests.PARIS).date()
    if not requests.same_documents(request, requests.documents_for(journey, step, today=created)):
        requests.void_request(request, "documents_changed")
        session.flush()
        return Outcome("restart", DOCUMENTS_CHANGED)
    seal_documents(session, request, code, origin)
    confirmed = confirmation.confirm(session, request, actor)
    return Outcome("signed", confirmation=confirmed)


def seal_documents(session: Session, request: SignatureRequest, code: SigningCode, origin: evidence.Origin) -> None:
    """Seal each shown PDF with its evidence embedded; store the sealed PDFs and the evidence."""
    sealer = organisation_sealer(current_app)
    signed_at = utcnow()
    base = _evidence_base(request, code, origin, signed_at)
    shown_entries = {(e["kind"], e["sha256_shown"]): e for e in evidence.entries(request, "documents")}
    for index, document in enumerate(requests.shown_documents(request), start=1):
        embedded = {**base, "document": shown_entries[(document.kind, document.sha256)]}
        sealed = sealer.seal(
            document.content, signer_name=request.journey.owner.full_name, signed_at=signed_at, evidence=embedded
        )
        stored = _store_sealed(session, request, document, sealed)
        evidence.append(request, "signed_documents", {
            "index": index, "kind": document.kind, "sha256_shown": document.sha256,
            "sha256_signed": stored.sha256, "embedded": embedded,
        })  # fmt: skip
    evidence.put_once(request, "signature", {key: base[key] for key in ("signer", "request", "signed_at")})


def _store_sealed(session: Session, request: SignatureRequest, shown: Document, sealed: bytes) -> Document:
    return requests.store_document(
        session, request, kind=shown.kind, title=shown.title, filename=shown.filename,
        template_version=shown.template_version, content=sealed, signed=True,
    )  # fmt: skip


def _evidence_base(
    request: SignatureRequest, code: SigningCode, origin: evidence.Origin, signed_at: datetime
) -> dict[str, Any]:
    """What every sealed document of the transaction embeds (docs/SIGNING.md, "Evidence kept")."""
    recorded = request.evidence or {}
    owner = request.journey.owner
    signer = {
        "user_id": owner.id, "full_name": owner.full_name, "email": owner.email,
        "identified_by": "compte personnel connecté (identifiant et mot de passe) et code à usage unique",
        "code_channel": code.channel, "code_destination": code.destination,
        "code_sent_at": evidence.timestamp(code.sent_at), "code_wrong_attempts": code.attempts,
        "code_verified_at": evidence.timestamp(code.verified_at or signed_at),
    }  # fmt: skip
    return {
        "transaction_id": recorded.get("transaction_id"), "provider": request.provider,
        "envelope_id": request.envelope_id, "journey": recorded.get("journey"), "flow": recorded.get("flow"),
        "step": request.step_id, "documents": recorded.get("documents", []), "signer": signer,
        "consents": evidence.entries(request, "consents"), "request": origin.as_evidence(),
        "signed_at": evidence.timestamp(signed_at), "timezone": "UTC",
        "signature_level": "signature électronique simple (articles 1366 et 1367 du Code civil)",
    }  # fmt: skip
