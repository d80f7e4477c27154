"""The account holder who is not the member signs the SEPA mandate: the second signer of a subscription.

When the member answers « Non » to « Êtes-vous titulaire du compte ? », the member signs the bulletin and the
notice, and the mandate naming the holder as debtor is signed by the holder: once the member has signed,
:func:`open_for` emails the holder a link to a page for that one document (no account needed), where a
six-digit code sent to the holder's email and a ticked certification seal the mandate with the holder's
evidence (same PAdES seal as every signed document; the ceremony is :mod:`wizard.signatures.holder`, with the
signing ceremony's code rules). The subscription is complete when both have signed (:func:`is_complete`);
the member sees who is still to sign, can resend the link or change the holder; the SEPA export skips a
mandate the holder has not signed (:func:`debit_allowed`). Another journey carrying a mandate (« Modifier mon
RIB », ``wizard.sepa.rib_change``) plugs in with :func:`register_journey`: same link, code and seal, its own
mandate document, and its reaction to the signature through :func:`register_on_signed`. Nothing here
commits: the request (or the CLI command) does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.providers.base import DocumentToSign
from wizard.entry.tokens import public_url
from wizard.journeys import steps
from wizard.mail.queue import queue_email
from wizard.models import HolderStatus, Journey, JourneyStatus, MandateHolderSignature, utcnow
from wizard.subscription.documents import account_holder, build_holder_mandate, holder_is_member
from wizard.subscription.service import paris_today

#: run in the holder's signing transaction once the mandate is sealed (the SEPA feature records the mandate)
HolderSigned = Callable[[Session, Journey], object]
SIGNED_HOOKS_KEY = "wizard.mandate_holder_signed"


def register_on_signed(app: Flask, hook: HolderSigned) -> None:
    """Wired in ``wizard.app.register_feature_hooks``, so that this feature never imports the one reacting."""
    app.extensions.setdefault(SIGNED_HOOKS_KEY, []).append(hook)


def holder_signed(session: Session, journey: Journey) -> None:
    """Tell the features that react to it that the account holder signed the mandate of ``journey``."""
    for hook in current_app.extensions.get(SIGNED_HOOKS_KEY, []):
        hook(session, journey)


# --- the journeys whose mandate a holder signs -----------------------------------------------------------


@dataclass(frozen=True)
class HolderJourney:
    """What another journey with a mandate (the RIB change) tells this service: whether the account is
    someone else's, who holds it, and the mandate naming that holder as debtor."""

    needs_holder: Callable[[Journey], bool]
    holder: Callable[[Journey], dict[str, str]]
    document: Callable[[Journey, dict[str, str], date], DocumentToSign]
    #: the dashboard's « … — en attente de la signature du mandat par … »
    waiting_prefix: str
    #: False once the holder's signature could no longer take effect (e.g. the mandate changed meanwhile)
    may_sign: Callable[[Session, Journey], bool] = lambda session, journey: True


JOURNEYS_KEY = "wizard.mandate_holder_journeys"


def register_journey(app: Flask, flow_id: str, spec: HolderJourney) -> None:
    """Wired in ``wizard.app.register_feature_hooks`` (the subscription's own is built in)."""
    app.extensions.setdefault(JOURNEYS_KEY, {})[flow_id] = spec


def _subscription_document(journey: Journey, holder: dict[str, str], today: date) -> DocumentToSign:
    return build_holder_mandate(steps.document_context(journey, today), holder)


SUBSCRIPTION = HolderJourney(
    needs_holder=lambda journey: not holder_is_member(steps.effective_answers(journey)),
    holder=lambda journey: account_holder(steps.effective_answers(journey)),
    document=_subscription_document,
    waiting_prefix="Adhésion signée par vous",
)


def _spec(journey: Journey) -> HolderJourney | None:
    if journey.flow_id == "subscription":
        return SUBSCRIPTION
    registered: dict[str, HolderJourney] = current_app.extensions.get(JOURNEYS_KEY, {})
    return registered.get(journey.flow_id)


# --- state -----------------------------------------------------------------------------------------------


def needs_holder(journey: Journey) -> bool:
    """The journey's account (subscription, RIB change) is held by someone other than the member."""
    spec = _spec(journey)
    return spec is not None and spec.needs_holder(journey)


def current_for(session: Session, journey: Journey) -> MandateHolderSignature | None:
    """The holder's signature in force (pending or signed), None when none was opened or all were cancelled."""
    query = select(MandateHolderSignature).where(
        MandateHolderSignature.journey_id == journey.id,
        MandateHolderSignature.status != HolderStatus.CANCELLED.value,
    )
    return session.scalar(query.order_by(MandateHolderSignature.id.desc()).limit(1))


def by_token(session: Session, token: str) -> MandateHolderSignature | None:
    """The holder's signature of a link; a pending one that could no longer take effect is cancelled (its
    link stops working, like a link replaced by another holder's)."""
    if not token or len(token) > 64:
        return None
    record = session.scalar(select(MandateHolderSignature).where(MandateHolderSignature.token == token))
    if record is not None and record.status == HolderStatus.PENDING.value:
        spec = _spec(record.journey)
        if spec is not None and not spec.may_sign(session, record.journey):
            record.status = HolderStatus.CANCELLED.value
            session.flush()
    return record


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
    spec = _spec(journey)
    prefix = spec.waiting_prefix if spec is not None else SUBSCRIPTION.waiting_prefix
    return f"{prefix} — en attente de la signature du mandat de prélèvement par {who}"


# --- the document ------------------------------------------------------------------------------------------


def mandate_document(record: MandateHolderSignature, today: date | None = None) -> DocumentToSign:
    """The mandate naming the holder as debtor, as the holder sees and signs it."""
    spec = _spec(record.journey) or SUBSCRIPTION
    return spec.document(record.journey, dict(record.holder), today or paris_today())


# --- opening, resending, changing --------------------------------------------------------------------------


def open_for(session: Session, journey: Journey, holder: dict[str, str] | None = None) -> MandateHolderSignature:
    """Ask the holder to sign (cancelling any earlier request) and email them the link."""
    for earlier in session.scalars(
        select(MandateHolderSignature).where(
            MandateHolderSignature.journey_id == journey.id,
            MandateHolderSignature.status == HolderStatus.PENDING.value,
        )
    ):
        earlier.status = HolderStatus.CANCELLED.value
    identity = holder or (_spec(journey) or SUBSCRIPTION).holder(journey)
    record = MandateHolderSignature(
        journey=journey, token=secrets.token_urlsafe(32), status=HolderStatus.PENDING.value, holder=identity, rum=""
    )
    session.add(record)
    record.rum = mandate_document(record).metadata["rum"]
    send_link(session, record)
    return record


def send_link(session: Session, record: MandateHolderSignature) -> None:
    """Email the holder their signing link."""
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
            "rib_change": journey.flow_id != "subscription",
        },
        journey=journey,
    )
    record.link_sent_at = utcnow()


def change_holder(session: Session, journey: Journey, holder: dict[str, str]) -> MandateHolderSignature:
    """The member names another holder: the earlier link stops working, the new holder gets theirs."""
    return open_for(session, journey, holder)
