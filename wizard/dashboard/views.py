"""« Mes démarches »: the member's journeys, a journey's home page, and starting one."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from wizard.dashboard.service import CampaignNotice, campaign_notices, dashboard_items
from wizard.db import db_session
from wizard.dispense import exclusivity
from wizard.journeys import engine
from wizard.journeys.flow import Flow
from wizard.journeys.registry import registry
from wizard.web import current_actor, me

bp = Blueprint("dashboard", __name__)


@bp.get("/mes-demarches")
@login_required
def dashboard() -> Response | str:
    if me().is_hr:  # HR staff have no journeys of their own (previews live in the HR space)
        return redirect(url_for("hr.home"))
    return render_template("dashboard.html", items=dashboard_items(db_session(), me()))


@bp.get("/demarches/<flow_id>")
@login_required
def home(flow_id: str) -> str:
    flow = _startable_flow(flow_id)
    journey = engine.find_open_journey(db_session(), me(), flow.id)
    return render_template(f"homes/{flow.id}.html", flow=flow, journey=journey)


@bp.post("/demarches/<flow_id>")
@login_required
def start(flow_id: str) -> Response | str:
    flow = _startable_flow(flow_id)
    confirmed = request.form.get("confirm") == "yes"
    journey = exclusivity.start(db_session(), me(), flow.id, current_actor(), confirmed=confirmed)
    if isinstance(journey, exclusivity.Conflict):  # affiliation and dispense exclude each other: warn first
        return render_template("homes/exclusivity.html", flow=flow, conflict=journey)
    return redirect(url_for("journeys.current", public_id=journey.public_id))


def _startable_flow(flow_id: str) -> Flow:
    try:
        flow = registry().current(flow_id)
    except KeyError:
        abort(404)
    if not flow.member_can_start:
        abort(404)
    return flow


@bp.app_template_global("campaign_notices")
def _campaign_notices() -> list[CampaignNotice]:
    """For « Mes démarches »: the deadlines of the campaigns the person was invited to."""
    if not current_user.is_authenticated:
        return []
    return campaign_notices(db_session(), me())
