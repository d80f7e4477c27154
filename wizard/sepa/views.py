"""« Modifier mon RIB » from the member space: the mandate in force, masked, and the button that starts the
journey (``flows.rib_change``). The journey's pages are the generic journey pages (ownership checked there).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms.identifiers import mask_iban
from wizard.db import db_session
from wizard.journeys.pages import journey_of_page
from wizard.models import Journey, JourneyStatus, SignatureRequest
from wizard.sepa import rib_change
from wizard.sepa.mandates import (
    RibNotice,
    current_mandate,
    latest_schedule_document,
    member_mandates,
    rib_notices,
    status_label,
)
from wizard.web import current_actor, me, member_required

bp = Blueprint("rib_change", __name__)


@bp.get("/mon-contrat/rib")
@member_required
def start() -> str:
    session = db_session()
    mandate = current_mandate(session, me())
    details = mandate.current.details if mandate is not None else None
    ended = next((m for m in member_mandates(session, me()) if not m.collectable), None) if mandate is None else None
    return render_template(
        "sepa/rib.html",
        mandate=mandate,
        holder=details["holder"] if details else "",
        masked_iban=mask_iban(details["iban"]) if details else "",
        status=status_label(mandate) if mandate is not None else "",
        notices=rib_notices(session, me().id),
        schedule=latest_schedule_document(session, me().id),
        no_mandate=rib_change.NO_MANDATE,
        ended=ended,
        ended_status=status_label(ended) if ended is not None else "",
    )


@bp.post("/mon-contrat/rib")
@member_required
def begin() -> Response:
    try:
        journey = rib_change.start(db_session(), me(), current_actor())
    except rib_change.NoMandate:
        flash(rib_change.NO_MANDATE, "warning")
        return redirect(url_for("rib_change.start"))
    return redirect(url_for("journeys.current", public_id=journey.public_id))


@bp.app_template_global("sepa_rib_notices")
def sepa_rib_notices() -> list[RibNotice]:
    """For the dashboard: « mettez à jour votre RIB » after a bank reject of the account itself."""
    if not current_user.is_authenticated:
        return []
    return rib_notices(db_session(), me().id)


#: pages of a journey (by public id) and the code page of its signature (by envelope id)
JOURNEY_ENDPOINTS = frozenset({"journeys.step", "journeys.current", "signing.document", "signing.returned"})
CEREMONY_ENDPOINTS = frozenset({"signing.ceremony", "signing.ceremony_submit", "signing.resend_code"})


def _guarded_journey() -> Journey | None:
    journey = journey_of_page(JOURNEY_ENDPOINTS)  # the view reads it too: one statement per request
    if journey is not None or request.endpoint not in CEREMONY_ENDPOINTS or not current_user.is_authenticated:
        return journey
    envelope_id = (request.view_args or {}).get("envelope_id")
    found = db_session().scalar(select(SignatureRequest).where(SignatureRequest.envelope_id == envelope_id))
    return found.journey if found is not None else None


@bp.before_app_request
def guard_rib_change() -> Response | None:
    """A RIB change whose mandate changed meanwhile is cancelled before anything is typed or signed."""
    journey = _guarded_journey()
    if journey is None or journey.flow_id != rib_change.FLOW_ID:
        return None  # every other page: decided without loading the logged-in person
    if not current_user.is_authenticated or journey.owner_id != me().id:
        return None
    if journey.status != JourneyStatus.IN_PROGRESS or journey.is_preview:
        return None
    if not (journey.context or {}).get("prefill", {}).get("mandate_id"):
        return None  # not started on a mandate (only tests do that): nothing to compare with
    if not rib_change.is_stale(db_session(), journey):
        return None
    rib_change.close_stale(db_session(), journey, current_actor())
    flash(rib_change.STALE_VERSION, "warning")
    return redirect(url_for("rib_change.start"))
