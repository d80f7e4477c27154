"""« Modifier mon RIB »: a new version of the member's SEPA mandate, same RUM, signed with a one-time code.

:func:`start` opens (or resumes: one draft per member) the ``rib_change`` journey on the mandate in force,
its current details kept masked in the journey's prefill. The signing step's ceremony is the one of every
signed journey (``wizard.signatures``: an emailed one-time code with the local provider, DocuSign's own
authentication otherwise). :func:`record_amendment` runs in the completion transaction, so the mandate is
amended if and only if the signature is recorded — never half-amended:

* a new :class:`SepaMandateVersion` with the new holder, IBAN and BIC; its ``amendment`` says what the next
  export tells the bank once (``account``: same bank, ``OrgnlDbtrAcct``; ``agent``: new bank, ``SMNDA``);
* it applies from the next collection not yet exported (the export reads the current version);
* the RIB problem flagged by a bank reject is cleared, and the confirmation email « modification de votre
  RIB » is queued.

When the new account is someone else's (« Êtes-vous titulaire du compte ? » « Non »), the member's signature
is the request: the holder gets the subscription's holder link, code and seal
(:mod:`wizard.subscription.mandate_holder`, registered with :data:`HOLDER_JOURNEY`), and the version naming
the holder as debtor is recorded only when they sign (:func:`on_holder_signed`) — until then the account in
force is the one exported.

Two tabs, or a second journey signed after the first, cannot amend from stale details: the amendment is
recorded only when the mandate's version is still the one the journey started from. The journey's pages
and its code page are guarded (``wizard.sepa.views.guard_rib_change``): a stale RIB change is
cancelled with a clear message before anything is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.identifiers import mask_iban
from forms.rib_change import iban_fingerprint
from signing.providers.base import DocumentToSign
from wizard.entry.tokens import public_url
from wizard.journeys import engine, steps
from wizard.mail.queue import queue_email
from wizard.models import (
    Actor,
    HolderStatus,
    Journey,
    MandateHolderSignature,
    MandateStatus,
    SepaMandate,
    SepaMandateVersion,
    SignatureRequest,
    SignatureStatus,
    User,
    utcnow,
)
from wizard.sepa.documents import build_rib_change_holder_mandate
from wizard.sepa.mandates import completed_request, current_mandate, set_status
from wizard.signatures.requests import void_request
from wizard.subscription import mandate_holder
from wizard.subscription.service import paris_today

FLOW_ID = "rib_change"
NO_MANDATE = "Vous n'avez pas de mandat de prélèvement en cours : il n'y a pas de compte prélevé à modifier."
STALE_VERSION = (
    "Votre mandat de prélèvement a changé depuis le début de cette modification (autre onglet, mandat expiré ou "
    "révoqué) : elle a été annulée et rien n'a été modifié. Recommencez à partir de vos coordonnées actuelles."
)


class NoMandate(LookupError):
    """The member has no collectable mandate to amend."""


class StaleMandateVersion(RuntimeError):
    """The mandate changed since the journey started: the signature must not amend it."""


def same_bank(old_iban: str, new_iban: str) -> bool:
    """Same country and bank code: the debtor agent did not change (``OrgnlDbtrAcct``), else ``SMNDA``."""
    old, new = IBAN(old_iban), IBAN(new_iban)
    return old.country_code == new.country_code and old.bank_code == new.bank_code


def prefill_for(mandate: SepaMandate, owner: User) -> dict[str, object]:
    details = mandate.current.details
    return {
        "mandate_id": mandate.id, "rum": mandate.rum, "ics": mandate.ics, "from_version": mandate.current.version,
        "current_holder": details["holder"], "current_iban_masked": mask_iban(details["iban"]),
        "current_iban_sha256": iban_fingerprint(details["iban"]), "current_bic": details.get("bic", ""),
        "address": details.get("address", ""), "first_name": owner.first_name, "last_name": owner.last_name,
        "contract_name": mandate.contract_name,
        #: so that another holder's email is not the member's own (they get their own link and code)
        "member_email": owner.email,
    }  # fmt: skip


def start(session: Session, owner: User, actor: Actor) -> Journey:
    """Resume the member's RIB change or start one on the mandate in force (the request commits)."""
    mandate = current_mandate(session, owner)
    if mandate is None:
        raise NoMandate()
    draft = engine.find_open_journey(session, owner, FLOW_ID)
    if draft is not None and (draft.context or {}).get("prefill", {}).get("from_version") == mandate.current.version:
        return draft
    if draft is not None:  # started on details that changed since: that draft can no longer be signed
        engine.cancel_journey(session, draft, actor, "mandate_changed_meanwhile")
    journey = engine.start_journey(session, owner, FLOW_ID, actor, prefill=prefill_for(mandate, owner))
    session.flush()
    return journey


def is_stale(session: Session, journey: Journey) -> bool:
    """The mandate changed (new version, lapsed, revoked) since this RIB change started: it cannot be signed."""
    prefill = (journey.context or {}).get("prefill", {})
    mandate = session.get(SepaMandate, prefill["mandate_id"]) if prefill.get("mandate_id") else None
    return (
        mandate is None
        or mandate.owner_id != journey.owner_id
        or not mandate.collectable
        or mandate.current.version != prefill.get("from_version")
    )


def close_stale(session: Session, journey: Journey, actor: Actor) -> None:
    """Cancel a RIB change that can no longer be signed, and void its pending signature (the request commits)."""
    for request in session.scalars(
        select(SignatureRequest).where(
            SignatureRequest.journey_id == journey.id, SignatureRequest.status == SignatureStatus.PENDING
        )
    ):
        void_request(request, "mandate_changed")
    engine.cancel_journey(session, journey, actor, "mandate_changed_meanwhile")
    session.flush()


def needs_holder(journey: Journey) -> bool:
    """« Êtes-vous titulaire du compte ? » answered « Non » on the details step."""
    return bool(steps.effective_answers(journey).get("details", {}).get("holder_is_member") == "no")


def holder_of(journey: Journey) -> dict[str, str]:
    """The account holder typed on the details step, as the holder's signature keeps them."""
    details = steps.effective_answers(journey).get("details", {})
    return {
        "civilite": details.get("holder_civilite", ""), "first_name": details.get("holder_first_name", ""),
        "last_name": details.get("holder_last_name", ""), "email": details.get("holder_email", ""),
        "address": details.get("holder_address", ""),
    }  # fmt: skip


def holder_document(journey: Journey, holder: dict[str, str], today: date) -> DocumentToSign:
    return build_rib_change_holder_mandate(steps.document_context(journey, today), holder)


def holder_may_sign(session: Session, journey: Journey) -> bool:
    """The mandate is still the one the RIB change started from (not amended, lapsed or revoked since)."""
    return not is_stale(session, journey)


HOLDER_JOURNEY = mandate_holder.HolderJourney(
    needs_holder=needs_holder, holder=holder_of, document=holder_document,
    waiting_prefix="Modification de RIB demandée", may_sign=holder_may_sign,
)  # fmt: skip


def _mandate_in_force(session: Session, journey: Journey) -> SepaMandate:
    prefill = (journey.context or {}).get("prefill", {})
    mandate = session.get(SepaMandate, prefill["mandate_id"]) if prefill.get("mandate_id") else None
    if mandate is None or is_stale(session, journey):  # the pages are guarded: this is the last line of defence
        raise StaleMandateVersion(STALE_VERSION)
    return mandate


def record_amendment(session: Session, journey: Journey) -> None:
    """The signing step's ``on_complete``: record the new mandate version (caller commits).

    When the new account is someone else's, the member's signature is their request: the holder is emailed
    their link (:mod:`wizard.subscription.mandate_holder`) and the version is recorded only when they sign
    (:func:`on_holder_signed`); until then the account in force keeps being debited.
    """
    mandate = _mandate_in_force(session, journey)
    if needs_holder(journey):
        mandate_holder.open_for(session, journey)
        return
    details = steps.effective_answers(journey).get("details", {})
    request = completed_request(session, journey)
    signed_at = (request.signed_at if request is not None else None) or utcnow()
    _amend(session, journey, mandate, details["account_holder"], details, signed_at=signed_at)


def on_holder_signed(session: Session, journey: Journey) -> None:
    """The account holder signed the amended mandate of a RIB change: record the version now (caller commits).

    A RIB change whose mandate changed meanwhile (another change recorded, lapse, revocation) amends nothing.
    """
    if journey.flow_id != FLOW_ID or journey.is_preview:
        return
    record = mandate_holder.current_for(session, journey)
    if record is None or record.status != HolderStatus.SIGNED.value or is_stale(session, journey):
        return
    mandate = _mandate_in_force(session, journey)
    details = {**steps.effective_answers(journey).get("details", {}), "holder_address": record.holder.get("address")}
    _amend(session, journey, mandate, record.holder_name, details, signed_at=record.signed_at or utcnow())


def _cancel_other_holder_requests(session: Session, journey: Journey) -> None:
    """Another RIB change awaiting its holder can no longer amend the mandate: its link stops working."""
    others = select(MandateHolderSignature).join(Journey).where(
        Journey.owner_id == journey.owner_id, Journey.flow_id == FLOW_ID, Journey.id != journey.id,
        MandateHolderSignature.status == HolderStatus.PENDING.value,
    )  # fmt: skip
    for record in session.scalars(others):
        record.status = HolderStatus.CANCELLED.value


def _amend(
    session: Session, journey: Journey, mandate: SepaMandate, holder: str, details: Mapping[str, Any], *,
    signed_at: datetime,
) -> None:  # fmt: skip
    previous = mandate.current.details
    mandate.versions.append(
        SepaMandateVersion(
            version=mandate.current.version + 1,
            details={
                "holder": holder, "iban": details["iban"], "bic": details.get("bic", ""),
                "address": details.get("holder_address") or previous.get("address", ""),
            },
            signed_at=signed_at, journey_id=journey.id,
            amendment="account" if same_bank(previous["iban"], details["iban"]) else "agent",
        )
    )  # fmt: skip
    set_status(mandate, MandateStatus.AMENDED)
    mandate.rib_problem_code = None
    _cancel_other_holder_requests(session, journey)
    owner = journey.owner
    queue_email(
        session, to=owner.email, subject="Confirmation de la modification de votre RIB", template="sepa_rib_changed",
        context={
            "first_name": owner.first_name, "changed_on": paris_today(), "rum": mandate.rum,
            "masked_iban": mask_iban(details["iban"]), "holder": holder,
            "contract_url": public_url("rib_change.start"),
        },
        user_id=owner.id, journey=journey, dedup_key=f"sepa-rib-changed:{journey.id}",
    )  # fmt: skip
