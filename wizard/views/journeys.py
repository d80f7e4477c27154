"""Journey pages: the dashboard, starting or resuming a journey, and the step page (GET shows, POST submits)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from wizard import engine, exclusivity, steps
from wizard.db import db_session
from wizard.flow import Flow, FormStep, ReviewStep, SigningStep, Step, TerminalStep
from wizard.models import Journey, JourneyStatus
from wizard.registry import registry
from wizard.views.common import current_actor, journey_by_public_id, me
from wizard.views.dashboard import dashboard_items

bp = Blueprint("journeys", __name__)

ACTIONS = ("next", "back", "save")
MANAGEMENT_FIELDS = ("csrf_token", "action", "_step", "_revision")


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


@bp.get("/j/<public_id>")
@login_required
def current(public_id: str) -> Response:
    journey = load_owned_journey(public_id)
    return redirect(url_for("journeys.step", public_id=public_id, step_id=journey.state))


@bp.route("/j/<public_id>/<step_id>", methods=["GET", "POST"])
@login_required
def step(public_id: str, step_id: str) -> Response | tuple[str, int] | str:
    journey = load_owned_journey(public_id)
    if request.method == "POST":
        return _submit(journey, step_id)
    try:
        found = engine.check_step_open(journey, step_id)
    except engine.StepNotOpen as not_open:
        return redirect(url_for("journeys.step", public_id=public_id, step_id=not_open.current))
    return render_step(journey, found)


def _submit(journey: Journey, step_id: str) -> Response | tuple[str, int]:
    action = request.form.get("action", "next")
    if action not in ACTIONS or request.form.get("_step") != step_id:
        abort(400)
    signing_step = steps.flow_of(journey).step(step_id)
    if action == "next" and isinstance(signing_step, SigningStep):
        from wizard.views.signing import submit_signing_step  # noqa: PLC0415 - that module imports this one

        return submit_signing_step(journey, signing_step)
    raw = {k: request.form.getlist(k) for k in request.form if k not in MANAGEMENT_FIELDS}
    outcome = engine.submit_step(
        db_session(), journey, step_id,
        raw=raw, revision=request.form.get("_revision"), action=action, actor=current_actor(),
    )  # fmt: skip
    if outcome.kind == "invalid":
        found = steps.flow_of(journey).step(step_id)
        assert found is not None  # noqa: S101 - the engine validated a step that exists
        return render_step(journey, found, form=outcome.form), 422
    if outcome.message:
        flash(outcome.message, "warning" if outcome.kind == "stale" else "success")
    if outcome.kind == "saved":
        return redirect(url_for("journeys.dashboard"))
    return redirect(url_for("journeys.step", public_id=journey.public_id, step_id=outcome.step_id))


def render_step(journey: Journey, step: Step, form: object | None = None) -> str:
    flow = steps.flow_of(journey)
    context = steps.step_context(journey)
    if isinstance(step, FormStep):
        form = steps.display_form(journey, step, context, form)  # type: ignore[arg-type]
    answer = journey.answer_for(step.id)
    page = {
        "journey": journey,
        "flow": flow,
        "step": step,
        "form": form,
        "context": context,
        "stepper": steps.stepper(journey, flow, step.id),
        "previous_step_id": steps.previous_step_id(journey, flow, step.id),
        "is_draft": bool(answer and answer.is_draft),
        "sections": steps.review_sections(journey, flow, step.id) if isinstance(step, ReviewStep) else [],
        "answers": steps.effective_answers(journey, flow),
    }
    return render_template(_template_for(step), **page)


def _template_for(step: Step) -> str:
    if step.template:
        return step.template
    if isinstance(step, ReviewStep):
        return "review.html"
    if isinstance(step, TerminalStep):
        return "terminal.html"
    if isinstance(step, SigningStep):
        return "signing_step.html"
    return "step.html"


def load_owned_journey(public_id: str) -> Journey:
    """The journey if it belongs to the logged-in person; anybody else's is a 404, never a 403."""
    journey = journey_by_public_id(public_id)
    if journey is None or journey.owner_id != me().id:
        abort(404)
    return journey


def _startable_flow(flow_id: str) -> Flow:
    try:
        flow = registry().current(flow_id)
    except KeyError:
        abort(404)
    if not flow.member_can_start:
        abort(404)
    return flow


__all__ = ["JourneyStatus", "bp"]
