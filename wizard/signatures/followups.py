"""Signature work done outside any page or webhook: ``flask signatures run``.

A verified Connect notification only records a completion (``SignatureRequest.followup = "fetch"``); a void
the provider could not be reached for is recorded as ``"void"``. This worker, like the outbox's, claims one
due request at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and:

* ``fetch`` — downloads the signed document (DocuSign: the combined PDF with its certificate of completion,
  whose seal is checked), stores it and records the completion (``wizard.signatures.confirmation.confirm``), once;
* ``void`` — voids the envelope at the provider.

A failure is kept (``followup_attempts``, ``followup_error``) and tried again with an exponential backoff
(longer when the provider said ``Retry-After``); after ``MAX_ATTEMPTS`` the request keeps its error for an
operator and is no longer claimed. The member's own return to the wizard completes a request too, whichever
comes first: both go through ``confirm``, which records a completion exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.providers.base import ProviderBusy, ProviderError, SigningStatus
from wizard.db import commit_item, db_session, drain_due, poll, retry_delay
from wizard.models import Actor, SignatureRequest, utcnow
from wizard.signatures import confirmation, evidence, requests
from wizard.signatures.providers import provider_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
#: who records a completion found by the worker, in the journey's history
WORKER = Actor(user_id=None, ip=None, user_agent="flask signatures run")


@dataclass
class FollowupResult:
    done: int = 0
    failed: int = 0


def claim_next(session: Session, now: datetime) -> SignatureRequest | None:
    """The oldest due follow-up, locked for this worker; other workers skip it (SKIP LOCKED)."""
    query = (
        select(SignatureRequest)
        .where(SignatureRequest.followup.is_not(None), SignatureRequest.followup_due_at <= now)
        .order_by(SignatureRequest.followup_due_at, SignatureRequest.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).first()


def perform(session: Session, request: SignatureRequest, now: datetime) -> bool:
    """Do one claimed follow-up and record the outcome (commits, releasing the row lock)."""
    kind = request.followup
    try:
        if kind == requests.FOLLOWUP_FETCH:
            confirmation.confirm(session, request, WORKER, verified_status=SigningStatus.COMPLETED)
        elif kind == requests.FOLLOWUP_VOID:
            provider = provider_for(name=request.provider)
            provider.void(request.envelope_id, _void_reason(request))
            requests.clear_followup(request)
        else:
            logger.error("signature request %s has an unknown follow-up %r: dropped", request.id, kind)
            requests.clear_followup(request)
    except ProviderError as error:
        session.rollback()
        _failed(session, request.id, error, now)
        return False
    if request.followup is not None:  # confirm found nothing to do (e.g. already completed by the member)
        requests.clear_followup(request)
    commit_item(session)
    logger.info("signature follow-up %s done for envelope %s", kind, request.envelope_id)
    return True


def _void_reason(request: SignatureRequest) -> str:
    """The text of the reason recorded when the request was voided."""
    voided = [e for e in evidence.entries(request, "events") if e.get("event") == "voided"]
    code = str(voided[-1].get("reason", "")) if voided else ""
    return requests.VOID_REASONS.get(code, code or "Demande annulée")


def _failed(session: Session, request_id: int, error: ProviderError, now: datetime) -> None:
    request = session.get(SignatureRequest, request_id)
    if request is None:  # pragma: no cover - deleted meanwhile
        return
    request.followup_attempts += 1
    request.followup_error = f"{type(error).__name__}: {error}"[:500]
    if request.followup_attempts >= MAX_ATTEMPTS:
        request.followup_due_at = None  # kept for an operator (followup and followup_error stay)
        logger.error("signature follow-up %s for envelope %s gave up: %s", request.followup, request.envelope_id, error)
    else:
        retry_after = error.retry_after if isinstance(error, ProviderBusy) else None
        request.followup_due_at = now + retry_delay(request.followup_attempts, retry_after)
        logger.warning(
            "signature follow-up %s for envelope %s failed: %s", request.followup, request.envelope_id, error
        )
    commit_item(session)


def run_due(session: Session, *, now: Callable[[], datetime] = utcnow, limit: int = 200) -> FollowupResult:
    """Every follow-up due now (at most ``limit``); one failing now waits for its next attempt."""
    done, failed = drain_due(session, claim_next, perform, now=now, limit=limit)
    return FollowupResult(done=done, failed=failed)


@click.group("signatures", help="Electronic signatures: background work.")
def cli_group() -> None:
    """Signature commands."""


@cli_group.command("run", help="Fetch signed documents after Connect notifications; void envelopes left to void.")
@click.option("--once", is_flag=True, help="Do what is due now, then exit.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between two polls.")
@with_appcontext
def run_command(once: bool, interval: float) -> None:

    def work() -> str | None:
        result = run_due(db_session())
        if result.done or result.failed:
            return f"Signatures : {result.done} suivi(s) effectué(s) ; {result.failed} en échec (nouvel essai prévu)."
        return None

    poll(work, once=once, interval=interval, report=click.echo)
