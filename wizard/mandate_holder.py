"""The account holder who is not the member signs the SEPA mandate: the second signer of a subscription.

When the member answers « Non » to « Êtes-vous titulaire du compte ? », the member signs the bulletin and the
notice, and the mandate naming the holder as debtor is signed by the holder: once the member has signed,
:func:`open_for` emails the holder a link to a page for that one document (no account needed), where a
six-digit code sent to the holder's email and a ticked certification seal the mandate with the holder's
evidence (same PAdES seal as every signed document). The subscription is complete when both have signed
(:func:`is_complete`); the member sees who is still to sign, can resend the link or change the holder; the
SEPA export skips a mandate the holder has not signed (:func:`debit_allowed`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.bundles import account_holder, build_holder_mandate, holder_is_member
from signing.providers.base import DocumentToSign
from signing.seal import seal_pdf
from wizard import evidence, steps
from wizard.flow import SigningStep
from wizard.mail import queue_email
from wizard.models import Document, HolderStatus, Journey, JourneyStatus, MandateHolderSignature, utcnow
from wizard.signing import documents_for, organisation_pki, paris_today
from wizard.tokens import public_url

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_COOLDOWN = timedelta(seconds=30)
CERTIFICATION = (
    "Je suis titulaire du compte désigné dans ce mandat et j'autorise les prélèvements qui y sont décrits."
)

WRONG_CODE = "Ce code n'est pas le bon. Il vous reste {left} essai(s)."
BLOCKED = "Trop de codes erronés : demandez un nouveau code pour signer."
EXPIRED = "Ce code a expiré (il est valable 10 minutes) : demandez un nouveau code."
NO_CODE = "Demandez d'abord votre code : il est envoyé à votre adresse électronique."
MALFORMED = "Saisissez les 6 chiffres du code reçu par courriel."
NO_CONSENT = "Cochez la case de certification avant de signer."
COOLDOWN = "Un code vient de vous être envoyé. Patientez quelques secondes avant d'en demander un autre."


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str | None = None


# --- state -----------------------------------------------------------------------------------------------


def needs_holder(journey: Journey) -> bool:
    """The subscription's account is held by someone other than the member."""
    return journey.flow_id == "subscription" and not holder_is_member(steps.effective_answers(journey))


def current_for(session: Session, journey: Journey) -> MandateHolderSignature | None:
    """The holder's signature in force (pending or signed), None when none was opened or all were cancelled."""
    query = select(MandateHolderSignature).where(
        MandateHolderSignature.journey_id == journey.id,
        MandateHolderSignature.status != HolderStatus.CANCELLED.value,
    )
    return session.scalar(query.order_by(MandateHolderSignature.id.desc()).limit(1))


def by_token(session: Session, token: str) -> MandateHolderSignature | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(MandateHolderSignature).where(MandateHolderSignature.token == token))


def is_complete(session: Session, journey: Journey) -> bool:
    """Signed by the member and, when the account is someone else's, by the account holder."""
    if journey.status != JourneyStatus.COMPLETED:
        return False
    if not needs_holder(journey):
        return True
    record = current_for(session, journey)
    return record is not None and record.status == HolderStatus.SIGNED.value


def debit_allowed(session: Session, journey: Journey) -> bool:
    """Nothing is debited before the account holder signed the mandate (always true when it is the member)."""
    return not needs_holder(journey) or is_complete(session, journey)


def waiting_label(session: Session, journey: Journey) -> str | None:
    """« En attente de la signature du mandat par … » for the dashboard, None when nobody is awaited."""
    if journey.status != JourneyStatus.COMPLETED or not needs_holder(journey):
        return None
    record = current_for(session, journey)
    if record is not None and record.status == HolderStatus.SIGNED.value:
        return None
    who = record.holder_name if record is not None else "le titulaire du compte"
    return f"Adhésion signée par vous — en attente de la signature du mandat de prélèvement par {who}"


# --- the document ------------------------------------------------------------------------------------------


def _signing_step(journey: Journey) -> SigningStep:
    flow = steps.flow_of(journey)
    step = next(s for s in flow.steps if isinstance(s, SigningStep))
    return step


def mandate_document(record: MandateHolderSignature, today: Any = None) -> DocumentToSign:
    """The mandate naming the holder as debtor, as the holder sees and signs it."""
    journey = record.journey
    holder = dict(record.holder)
    step = replace(_signing_step(journey), documents=lambda ctx: [build_holder_mandate(ctx, holder)])
    (document,) = documents_for(journey, step, today=today or paris_today())
    return document


# --- opening, resending, changing --------------------------------------------------------------------------


def open_for(session: Session, journey: Journey, holder: dict[str, str] | None = None) -> MandateHolderSignature:
    """Ask the holder to sign (cancelling any earlier request) and email them the link (caller commits)."""
    for earlier in session.scalars(
        select(MandateHolderSignature).where(
            MandateHolderSignature.journey_id == journey.id,
            MandateHolderSignature.status == HolderStatus.PENDING.value,
        )
    ):
        earlier.status = HolderStatus.CANCELLED.value
    identity = holder or account_holder(steps.effective_answers(journey))
    record = MandateHolderSignature(
        journey=journey, token=secrets.token_urlsafe(32), status=HolderStatus.PENDING.value, holder=identity, rum=""
    )
    session.add(record)
    record.rum = mandate_document(record).metadata["rum"]
    send_link(session, record)
    return record


def send_link(session: Session, record: MandateHolderSignature) -> None:
    """Email the holder their signing link (caller commits)."""
    journey = record.journey
    queue_email(
        session,
        to=record.holder["email"],
        subject="Mandat de prélèvement SEPA à signer",
        template="mandate_holder_link",
        context={
            "holder_name": record.holder_name,
            "member_name": journey.owner.full_name,
            "link": public_url("mandate_holder.page", token=record.token),
        },
        journey=journey,
    )
    record.link_sent_at = utcnow()


def change_holder(session: Session, journey: Journey, holder: dict[str, str]) -> MandateHolderSignature:
    """The member names another holder: the earlier link stops working, the new holder gets theirs."""
    return open_for(session, journey, holder)


# --- the holder's ceremony ------------------------------------------------------------------------------


def _hash(token: str, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"holder:{token}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(session: Session, record: MandateHolderSignature, now: datetime | None = None) -> Result:
    """A new six-digit code to the holder's email (commits)."""
    now = now or utcnow()
    if record.code_sent_at is not None and now - record.code_sent_at < RESEND_COOLDOWN:
        return Result(False, COOLDOWN)
    code = f"{secrets.randbelow(10**6):06d}"
    record.code_hash, record.code_sent_at, record.attempts = _hash(record.token, code), now, 0
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
    session.commit()
    return Result(True, f"Un code vient d'être envoyé à {evidence.mask_email(record.holder['email'])}.")


def _code_problem(session: Session, record: MandateHolderSignature, code: str, now: datetime) -> str | None:
    """Why ``code`` does not sign (a wrong code is counted and committed), None when it is the right one."""
    if not (len(code) == 6 and code.isdigit()):
        return MALFORMED
    if record.code_hash is None or record.code_sent_at is None:
        return NO_CODE
    if record.attempts >= MAX_ATTEMPTS:
        return BLOCKED
    if now - record.code_sent_at > CODE_TTL:
        return EXPIRED
    if not hmac.compare_digest(record.code_hash, _hash(record.token, code)):
        record.attempts += 1
        session.commit()
        left = MAX_ATTEMPTS - record.attempts
        return WRONG_CODE.format(left=left) if left > 0 else BLOCKED
    return None


def sign(
    session: Session, record: MandateHolderSignature, typed: str, consented: bool, origin: evidence.Origin
) -> Result:
    """Check the code and seal the mandate with the holder's evidence (commits)."""
    if record.status != HolderStatus.PENDING.value:
        return Result(False, None)
    now = utcnow()
    if not consented:
        return Result(False, NO_CONSENT)
    problem = _code_problem(session, record, "".join(typed.split()), now)
    if problem is not None:
        return Result(False, problem)
    document = mandate_document(record)
    record_evidence: dict[str, object] = {
        "kind": "mandate_holder_signature",
        "signer": {"name": record.holder_name, "role": "titulaire du compte (débiteur)",
                   "otp_channel": "email", "masked_destination": evidence.mask_email(record.holder["email"])},
        "member": record.journey.owner.full_name,
        "documents": [{"kind": "mandate", "sha256_shown": evidence.sha256(document.pdf), **document.metadata}],
        "consents": [{"text": CERTIFICATION, "version": evidence.consent_version(CERTIFICATION)}],
        "code_sent_at": evidence.timestamp(record.code_sent_at or now),
        "signed_at": evidence.timestamp(now),
        "ip": origin.ip,
        "user_agent": origin.user_agent,
        "attempts": record.attempts + 1,
    }  # fmt: skip
    sealed = seal_pdf(
        document.pdf, pki=organisation_pki(current_app), signer_name=record.holder_name, signed_at=now,
        evidence=record_evidence,
    )  # fmt: skip
    stored = Document(
        public_id=secrets.token_urlsafe(16), journey=record.journey, kind="mandate", title=document.title,
        filename=document.filename, template_version=document.metadata["template_version"],
        sha256=evidence.sha256(sealed), content=sealed, signed=True,
    )  # fmt: skip
    session.add(stored)
    record.status, record.signed_at, record.document, record.code_hash = HolderStatus.SIGNED.value, now, stored, None
    session.commit()
    return Result(True)
