"""What a dispense means once requested: its end date, its dashboard label, and the confirmation email.

Kept apart from the flow (pure data) because the confirmation hook touches the outbox, and the dashboard and
the exclusivity rule both need to read a dispense's end date the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from config.formats import long_date
from wizard.journeys import steps
from wizard.mail.queue import queue_email
from wizard.models import Journey, JourneyStatus

CONFIRMATION_SUBJECT = "Votre demande de dispense a bien été enregistrée"


def dispense_end_date(journey: Journey) -> date | None:
    end: date | None = steps.effective_answers(journey).value("details", "end_date")
    return end


def was_renounced(journey: Journey) -> bool:
    """A completed dispense the agent later gave up to join the contract."""
    return journey.status == JourneyStatus.CANCELLED and journey.completed_at is not None


def dispense_status_label(journey: Journey) -> str | None:
    """« Dispense enregistrée jusqu'au … » and its variants; None for the generic labels."""
    end = dispense_end_date(journey)
    if journey.status == JourneyStatus.COMPLETED:
        return f"Dispense enregistrée jusqu'au {long_date(end)}" if end else "Dispense enregistrée"
    if was_renounced(journey):
        return "Dispense à laquelle vous avez renoncé pour adhérer au contrat"
    if journey.status == JourneyStatus.IN_PROGRESS:
        return "Demande de dispense à finaliser"
    return None


def queue_confirmation(session: Session, journey: Journey) -> None:
    """Signing hook: the « demande reçue » email, once per journey, in the completion transaction."""
    answers = steps.effective_answers(journey)
    reason = default_catalogue().dispense_reason(answers.value("reason", "reason") or "")
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    queue_email(
        session,
        to=journey.owner.email,
        subject=CONFIRMATION_SUBJECT,
        template="dispense_confirmation",
        context={
            "name": journey.owner.full_name,
            "received_on": long_date(datetime.now(ZoneInfo("Europe/Paris")).date()),
            "reason": reason.label if reason else "",
            "end_date": long_date(end) if (end := answers.value("details", "end_date")) else "",
            "follow_url": f"{base_url}/mes-demarches",
        },
        user_id=journey.owner.id,
        journey=journey,
        dedup_key=f"dispense-confirmation:{journey.public_id}",
    )
