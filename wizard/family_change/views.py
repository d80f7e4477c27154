"""« Un changement de situation ? »: starting the family change journey, and what its pages show."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from werkzeug.wrappers import Response

from config.catalogue import default_catalogue
from wizard.db import db_session
from wizard.family_change import service as family_change
from wizard.journeys import steps
from wizard.models import FamilyChange, Journey
from wizard.subscription.service import paris_today
from wizard.web import current_actor, me, member_required

bp = Blueprint("family_change", __name__)


@bp.post("/mon-contrat/changement-de-situation")
@member_required
def start() -> Response:
    """Open (or resume: one change at a time) the member's family change."""
    try:
        journey = family_change.start(db_session(), me(), current_actor())
    except family_change.NoContract as refused:
        flash(str(refused), "warning")
        return redirect(url_for("dashboard.dashboard"))
    return redirect(url_for("journeys.current", public_id=journey.public_id))


@bp.app_template_global("family_change_effect")
def family_change_effect(journey: Journey) -> family_change.Effect | None:
    """The review page's « effet sur la cotisation », computed as the avenant will be."""
    catalogue = default_catalogue()
    fallback = family_change.specimen_cover(catalogue, steps.effective_date(journey)) if journey.is_preview else None
    return family_change.effect(steps.effective_answers(journey), catalogue, paris_today(), fallback)


@bp.app_template_global("family_change_of")
def family_change_of(journey: Journey) -> FamilyChange | None:
    return family_change.change_of(db_session(), journey)


@bp.app_template_global("family_changes")
def family_changes() -> list[FamilyChange]:
    return family_change.changes(db_session(), me())


@bp.app_template_global("has_signed_contract")
def has_signed_contract() -> bool:
    return family_change.signed_subscription(db_session(), me()) is not None


@bp.app_template_global("family_change_person")
def family_change_person(change: FamilyChange) -> str:
    return family_change.person_label(change.person)


@bp.app_template_filter("family_action")
def family_action(action: str) -> str:
    """« Ajout », « Retrait » or « Maintien »."""
    return family_change.ACTION_LABELS[action]


@bp.app_template_global("family_event_label")
def family_event_label(code: str) -> str:
    return family_change.event_label(code)
