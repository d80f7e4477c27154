"""The subscription's confirmation page: the satisfaction question and what its template needs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from wizard.db import db_session
from wizard.journeys.pages import load_owned_journey
from wizard.models import Journey, JourneyStatus, Satisfaction
from wizard.subscription.service import SATISFACTION_THANKS, record_satisfaction, satisfaction_of

bp = Blueprint("subscription", __name__)

SATISFACTION_CHOICES = (
    (Satisfaction.UNHAPPY.value, "Décevante"),
    (Satisfaction.NEUTRAL.value, "Correcte"),
    (Satisfaction.HAPPY.value, "Très bonne"),
)
SATISFACTION_REQUIRED = "Choisissez une réponse avant de valider."


@bp.app_context_processor
def satisfaction_globals() -> dict[str, object]:
    return {"satisfaction_choices": SATISFACTION_CHOICES, "satisfaction_of_journey": _answer_of}


def _answer_of(journey: Journey) -> str | None:
    answer = satisfaction_of(db_session(), journey)
    return answer.value if answer else None


@bp.post("/j/<public_id>/satisfaction")
@login_required
def satisfaction(public_id: str) -> Response:
    journey = load_owned_journey(public_id)
    if journey.flow_id != "subscription" or journey.status != JourneyStatus.COMPLETED:
        abort(404)
    try:
        answer = Satisfaction(request.form.get("answer", ""))
    except ValueError:
        flash(SATISFACTION_REQUIRED, "warning")
    else:
        record_satisfaction(db_session(), journey, answer)
        flash(SATISFACTION_THANKS, "success")
    return redirect(url_for("journeys.step", public_id=public_id, step_id=journey.state))
