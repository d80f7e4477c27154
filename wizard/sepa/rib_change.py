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

Two tabs, or a second journey signed after the first, cannot amend from stale details: the amendment is
recorded only when the mandate's version is still the one the journey started from. The journey's pages
and its code page are guarded (``wizard.sepa.views.guard_rib_change``): a stale RIB change is
cancelled with a clear message before anything is signed.
"""

from __future__ import annotations

from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.identifiers import mask_iban
from forms.rib_change import iban_fingerprint
from wizard.entry.tokens import public_url
from wizard.journeys import engine, steps
from wizard.mail.queue import queue_email
from wizard.models import (
    Actor,
    Journey,
    MandateStatus,
    SepaMandate,
    SepaMandateVersion,
    SignatureRequest,
    SignatureStatus,
    User,
    utcnow,
)
from wizard.sepa.mandates import completed_request, current_mandate, set_status
from wizard.signatures.requests import void_request
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


def record_amendment(session: Session, journey: Journey) -> None:
    """The signing step's ``on_complete``: record the new mandate version (caller commits)."""
    prefill = (journey.context or {}).get("prefill", {})
    mandate = session.get(SepaMandate, prefill["mandate_id"]) if prefill.get("mandate_id") else None
    if mandate is None or is_stale(session, journey):  # the pages are guarded: this is the last line of defence
        raise StaleMandateVersion(STALE_VERSION)
    details = steps.effective_answers(journey).get("details", {})
    previous = mandate.current.details
    request = completed_request(session, journey)
    signed_at = (request.signed_at if request is not None else None) or utcnow()
    mandate.versions.append(
        SepaMandateVersion(
            version=mandate.current.version + 1,
            details={
                "holder": details["account_holder"], "iban": details["iban"], "bic": details.get("bic", ""),
                "address": previous.get("address", ""),
            },
            signed_at=signed_at, journey_id=journey.id,
            amendment="account" if same_bank(previous["iban"], details["iban"]) else "agent",
        )
    )  # fmt: skip
    set_status(mandate, MandateStatus.AMENDED)
    mandate.rib_problem_code = None
    owner = journey.owner
    queue_email(
        session, to=owner.email, subject="Confirmation de la modification de votre RIB", template="sepa_rib_changed",
        context={
            "first_name": owner.first_name, "changed_on": paris_today(), "rum": mandate.rum,
            "masked_iban": mask_iban(details["iban"]), "holder": details["account_holder"],
            "contract_url": public_url("rib_change.start"),
        },
        user_id=owner.id, journey=journey, dedup_key=f"sepa-rib-changed:{journey.id}",
    )  # fmt: skip
