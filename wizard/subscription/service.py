"""Subscription services: the contract's terms, the completion hook and the satisfaction answer.

The terms (effective date, monthly amount) are computed from the affiliation's answers the engine copied
into the subscription when the affiliation was validated, with the same pricing code: the amount the
member signs for is by construction the one the affiliation quoted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue, default_catalogue
from config.dates import contract_effective_date
from config.pricing import Quote, household_from_answers, quote
from forms.context import Answers
from wizard.entry.tokens import public_url
from wizard.journeys import steps
from wizard.mail.queue import queue_email
from wizard.models import Journey, Satisfaction, SatisfactionAnswer, utcnow

PARIS = ZoneInfo("Europe/Paris")
SATISFACTION_THANKS = "Merci pour votre réponse : elle nous aide à améliorer ce service."


@dataclass(frozen=True)
class Terms:
    """What the member signs for: when the contract starts and how much is debited each month."""

    effective_date: date
    quote: Quote

    @property
    def monthly_cents(self) -> int:
        return self.quote.total_cents


def paris_today() -> date:
    """Contracts, documents and emails are dated in France, whatever the server's clock zone."""
    return datetime.now(PARIS).date()


def affiliation_answers(sources: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Answers:
    return Answers(sources.get("affiliation", {}))


def subscription_terms(
    catalogue: Catalogue, sources: Mapping[str, Mapping[str, Mapping[str, Any]]], campaign_effective: date, today: date
) -> Terms | None:
    """The terms for the household and formula the affiliation validated (None without a formula)."""
    answers = affiliation_answers(sources)
    level = answers.value("formula", "level")
    if not level:
        return None
    effective = contract_effective_date(campaign_effective, today, catalogue.late_joiner_rule)
    return Terms(effective, quote(catalogue, household_from_answers(answers), level))


def journey_terms(journey: Journey, on: date | None = None) -> Terms | None:
    """The terms of this subscription journey for someone signing on ``on`` (default: today)."""
    sources = (journey.context or {}).get("sources", {})
    on = on or paris_today()
    return subscription_terms(default_catalogue(), sources, steps.effective_date(journey, on), on)


def signed_effective_date(journey: Journey) -> date | None:
    """The effective date of a signed subscription: the rule applied on the day it was signed."""
    if journey.completed_at is None:
        return None
    terms = journey_terms(journey, journey.completed_at.astimezone(PARIS).date())
    return terms.effective_date if terms else None


def on_subscription_completed(session: Session, journey: Journey) -> None:
    """Queue the confirmation email once; the signing service runs it when signed.

    Wired as the subscription signing step's ``on_complete``: it runs in the completion transaction, so
    the email is queued if and only if the signature is recorded. Previews queue nothing (``queue_email``).
    """
    from wizard.subscription import mandate_holder  # noqa: PLC0415 - it imports this module (through the documents)

    if mandate_holder.needs_holder(journey):
        # the account is someone else's: they sign the mandate with their own link and code
        mandate_holder.open_for(session, journey)
    terms = journey_terms(journey)
    queue_email(
        session,
        to=journey.owner.email,
        subject="Nous avons bien reçu votre demande d'adhésion",
        template="subscription_confirmation",
        context={
            "first_name": journey.owner.first_name,
            "received_on": paris_today(),
            "effective_date": terms.effective_date if terms else None,
            "follow_url": public_url("documents.my_documents"),
        },
        user_id=journey.owner_id,
        journey=journey,
        dedup_key=f"subscription-confirmation:{journey.id}",
    )
    from wizard.account.consents import import_subscription_consent  # noqa: PLC0415 - Mon compte's consent history

    import_subscription_consent(session, journey)


def record_satisfaction(session: Session, journey: Journey, answer: Satisfaction) -> None:
    """Keep the member's answer (a new answer replaces the previous one)."""
    row = session.scalar(select(SatisfactionAnswer).where(SatisfactionAnswer.journey_id == journey.id))
    if row is None:
        row = SatisfactionAnswer(journey=journey, answer=answer)
        session.add(row)
    row.answer = answer
    row.answered_at = utcnow()
    session.flush()


def satisfaction_of(session: Session, journey: Journey) -> Satisfaction | None:
    row = session.scalar(select(SatisfactionAnswer).where(SatisfactionAnswer.journey_id == journey.id))
    return row.answer if row else None
