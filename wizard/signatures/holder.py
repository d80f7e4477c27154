"""The account holder's ceremony: an emailed one-time code, a ticked certification, then the mandate's seal.

The holder (:mod:`wizard.subscription.mandate_holder`) has no account: their link carries an unguessable
token. The code follows the signing ceremony's rules (:mod:`wizard.signatures.ceremony`: six digits, an HMAC
keyed with ``SECRET_KEY``, :data:`~wizard.signatures.ceremony.CODE_TTL`,
:data:`~wizard.signatures.ceremony.MAX_ATTEMPTS` wrong tries, the resend cooldown, the same messages).
Nothing here commits: a wrong try is counted with ``flush()`` and the request commits it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
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
    WRONG_CODE,
    code_hash,
)
from wizard.signatures.providers import organisation_sealer
from wizard.subscription import mandate_holder

CERTIFICATION = (
    "Je suis titulaire du compte désigné dans ce mandat et j'autorise les prélèvements qui y sont décrits."
)
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


def _code_problem(session: Session, record: MandateHolderSignature, code: str, now: datetime) -> str | None:
    """Why ``code`` does not sign (a wrong code is counted), None when it is the right one."""
    if not (len(code) == CODE_LENGTH and code.isdigit()):
        return MALFORMED
    if record.code_hash is None or record.code_sent_at is None:
        return NO_CODE
    if record.attempts >= MAX_ATTEMPTS:
        return BLOCKED
    if now - record.code_sent_at > CODE_TTL:
        return EXPIRED
    if not hmac.compare_digest(record.code_hash, _hash(record, code)):
        record.attempts += 1
        session.flush()
        left = MAX_ATTEMPTS - record.attempts
        return WRONG_CODE.format(left=left, s="s" if left > 1 else "") if left > 0 else BLOCKED
    return None


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
        "attempts": record.attempts + 1,
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
    record.status, record.signed_at, record.document, record.code_hash = HolderStatus.SIGNED.value, now, stored, None
    session.flush()
    return Result(True)
