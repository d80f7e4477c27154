"""Operations check the supporting documents members sent: accept, or refuse with a reason.

A refusal is told to the member (email and « Mes documents », with the reason as written) who answers by
sending another file; the journey's own hooks (:func:`register_review_hooks`, at app start) decide what the
refusal suspends (a family change goes on hold, the contract does not).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

from wizard.entry.tokens import public_url
from wizard.mail.queue import queue_email
from wizard.models import Proof, ProofStatus, User, utcnow

REVIEW_HOOKS_KEY = "wizard.proof_review_hooks"
ReviewHook = Callable[[Session, Proof], None]


def register_review_hooks(app: Flask, flow_id: str, on_accepted: ReviewHook, on_refused: ReviewHook) -> None:
    """A flow reacts to its proofs' decisions (a family change goes on hold when one is refused)."""
    app.extensions.setdefault(REVIEW_HOOKS_KEY, {})[flow_id] = (on_accepted, on_refused)


def review_hooks(flow_id: str) -> tuple[ReviewHook, ReviewHook] | None:
    hooks: dict[str, tuple[ReviewHook, ReviewHook]] = current_app.extensions.get(REVIEW_HOOKS_KEY, {})
    return hooks.get(flow_id)


class NotReviewable(Exception):
    """The proof is not waiting for a check (already decided by someone else, or nothing sent)."""


def decide(session: Session, proof: Proof, reviewer: User, *, accept: bool, reason: str = "") -> None:
    """Record the decision once; a proof decided meanwhile in another tab raises NotReviewable."""
    if proof.status != ProofStatus.SUBMITTED:
        raise NotReviewable(proof.public_id)
    proof.status = ProofStatus.ACCEPTED if accept else ProofStatus.REFUSED
    proof.refusal_reason = None if accept else reason
    proof.reviewed_by_id = reviewer.id
    proof.reviewed_at = utcnow()
    proof.updated_at = utcnow()
    hooks = review_hooks(proof.journey.flow_id)
    if hooks is not None:
        hooks[0 if accept else 1](session, proof)
    if not accept:
        queue_email(
            session, to=proof.owner.email, subject="Un justificatif est à renvoyer", template="proof_refused",
            context={
                "first_name": proof.owner.first_name, "label": proof.label, "reason": reason,
                "documents_url": public_url("documents.my_documents"),
            },
            user_id=proof.owner_id, journey=proof.journey,
        )  # fmt: skip
    session.flush()
