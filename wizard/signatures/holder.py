"""The account holder's ceremony: an emailed one-time code, a ticked certification, then the mandate's seal.

The holder (:mod:`wizard.subscription.mandate_holder`) has no account: their link carries an unguessable
token. The code follows the signing ceremony's rules (:mod:`wizard.signatures.ceremony`: six digits, an HMAC
keyed with ``SECRET_KEY``, :data:`~wizard.signatures.ceremony.CODE_TTL`,
:data:`~wizard.signatures.ceremony.MAX_ATTEMPTS` tries counted atomically before comparing, the resend
cooldown, the same messages), and the signature is claimed with a conditional UPDATE so a double click
seals once. Nothing here commits: the request does (a wrong-code 422 included).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from wizard.mail.queue import queue_email
from wizard.models import Document, HolderStatus, MandateHolderSignature, utcnow
from wizard.signatures import evidence
from wizard.signatures.ceremony import (
    BLOCKED,
    CODE_LENGTH,
    CODE_TTL,
    COOLDOWN,
    EXPIRED,
    MALFORMED,
    MAX_ATTEMPTS,
    NO_CONSENT,
    RESEND_COOLDOWN,
    code_hash,
    take_attempt,
    wrong_code_message,
)
from wizard.signatures.providers import organisation_sealer
from wizard.subscription import mandate_holder

CERTIFICATION = "Je suis titulaire du compte désigné dans ce mandat et j'autorise les prélèvements qui y sont décrits."
NO_CODE = "Demandez d'abord votre code : il est envoyé à votre adresse électronique."


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str | None = None


def _hash(record: MandateHolderSignature, code: str) -> str:
    """The ceremony's HMAC, on a namespace of its own: a holder's code never matches an envelope's."""
    return code_hash(f"holder:{record.token}", code)


def send_code(session: Session, record: MandateHolderSignature, now: datetime | None = None) -> Result:
    """A new six-digit code to the holder's email (the previous one stops working)."""
    now = now or utcnow()
    if record.code_sent_at is not None and now - record.code_sent_at < RESEND_COOLDOWN:
        return Result(False, COOLDOWN)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    record.code_hash, record.code_sent_at, record.attempts = _hash(record, code), now, 0
    queue_email(
        session,
        to=record.holder["email"],
        subject="Votre code pour signer le mandat de prélèvement",
        template="signing_code",
        context={
            "code": code,
            "name": record.holder_name,
            "minutes": int(CODE_TTL.total_seconds() // 60),
            "documents": ["Mandat de prélèvement SEPA"],
        },
        journey=record.journey,
    )
    session.flush()
    return Result(True, f"Un code vient d'être envoyé à {evidence.mask_email(record.holder['email'])}.")


def _code_problem(  # noqa: PLR0911 - one return per rule, in the order the member's ceremony checks them
    session: Session, record: MandateHolderSignature, code: str, now: datetime
) -> str | None:
    """Why ``code`` does not sign, None when it is the right one. The attempt is counted in the database
    before comparing (:func:`~wizard.signatures.ceremony.take_attempt`, as the member's ceremony does)."""
    if not (len(code) == CODE_LENGTH and code.isdigit()):
        return MALFORMED
    if record.code_hash is None or record.code_sent_at is None:
        return NO_CODE
    if record.attempts >= MAX_ATTEMPTS:
        return BLOCKED
    if now - record.code_sent_at > CODE_TTL:
        return EXPIRED
    attempts = take_attempt(
        session, MandateHolderSignature, record.id,
        MandateHolderSignature.status == HolderStatus.PENDING.value,
        MandateHolderSignature.code_hash == record.code_hash,
        MandateHolderSignature.code_sent_at > now - CODE_TTL,
    )  # fmt: skip
    session.refresh(record)
    if attempts is None:
        return BLOCKED if record.attempts >= MAX_ATTEMPTS else EXPIRED
    if not hmac.compare_digest(record.code_hash or "", _hash(record, code)):
        return wrong_code_message(attempts)
    return None


def _claim(session: Session, record: MandateHolderSignature, now: datetime) -> bool:
    """Mark the holder's mandate signed unless another request already did (a double click seals once)."""
    result = session.execute(
        update(MandateHolderSignature)
        .where(MandateHolderSignature.id == record.id, MandateHolderSignature.status == HolderStatus.PENDING.value)
        .values(status=HolderStatus.SIGNED.value, signed_at=now, code_hash=None)
        .execution_options(synchronize_session=False)
    )
    claimed = bool(getattr(result, "rowcount", 0) == 1)
    session.refresh(record)
    return claimed


def sign(
    session: Session, record: MandateHolderSignature, typed: str, consented: bool, origin: evidence.Origin
) -> Result:
    """Check the code and seal the mandate with the holder's evidence."""
    if record.status != HolderStatus.PENDING.value:
        return Result(False, None)
    now = utcnow()
    if not consented:
        return Result(False, NO_CONSENT)
    problem = _code_problem(session, record, "".join(typed.split()), now)
    if problem is not None:
        return Result(False, problem)
    attempts = record.attempts
    if not _claim(session, record, now):
        return Result(False, None)
    document = mandate_holder.mandate_document(record)
    record_evidence: dict[str, object] = {
        "kind": "mandate_holder_signature",
        "signer": {"name": record.holder_name, "role": "titulaire du compte (débiteur)",
                   "otp_channel": "email", "masked_destination": evidence.mask_email(record.holder["email"])},
        "member": record.journey.owner.full_name,
        "documents": [{"kind": "mandate", "sha256_shown": evidence.sha256(document.pdf), **document.metadata}],
        "consents": [{"text": CERTIFICATION, "version": evidence.consent_version(CERTIFICATION)}],
        "code_sent_at": evidence.timestamp(record.code_sent_at or now),
        "signed_at": evidence.timestamp(now),
        **origin.as_evidence(),
        "attempts": attempts,
    }  # fmt: skip
    sealed = organisation_sealer(current_app).seal(
        document.pdf, signer_name=record.holder_name, signed_at=now, evidence=record_evidence
    )
    stored = Document(
        public_id=secrets.token_urlsafe(16), journey=record.journey, kind="mandate", title=document.title,
        filename=document.filename, template_version=document.metadata["template_version"],
        sha256=evidence.sha256(sealed), content=sealed, signed=True,
    )  # fmt: skip
    session.add(stored)
    record.document = stored
    session.flush()
    mandate_holder.holder_signed(session, record.journey)
    return Result(True)
