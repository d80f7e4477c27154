"""The step page: GET shows a step, POST submits it. Every POST passes the engine's one freshness check.

Step kinds whose « Suivant » is not a form submission (a signing step sends the member to a ceremony)
plug in their own handler (:mod:`wizard.journeys.hooks`); the engine never imports a feature.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from wizard.db import db_session
from wizard.journeys import engine, steps
from wizard.journeys.hooks import submitter_for
from wizard.journeys.pages import install_journey_preload, load_owned_journey, render_step
from wizard.models import Journey
from wizard.web import current_actor

bp = Blueprint("journeys", __name__)
bp.record_once(lambda state: install_journey_preload(state.app))

ACTIONS = ("next", "back", "save")
MANAGEMENT_FIELDS = ("csrf_token", "action", "_step", "_revision")


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
    submitter = submitter_for(steps.flow_of(journey).step(step_id), action)
    if submitter is not None:
        refused = engine.refuse_submission(journey, step_id, request.form.get("_revision"))
        if refused is not None:
            return _after(journey, refused)
        found = steps.flow_of(journey).step(step_id)
        assert found is not None  # noqa: S101 - a fresh submission names a step of the flow
        return submitter(journey, found)
    raw = {k: request.form.getlist(k) for k in request.form if k not in MANAGEMENT_FIELDS}
    outcome = engine.submit_step(
        db_session(), journey, step_id,
        raw=raw, revision=request.form.get("_revision"), action=action, actor=current_actor(),
    )  # fmt: skip
    if outcome.kind == "invalid":
        found = steps.flow_of(journey).step(step_id)
        assert found is not None  # noqa: S101 - the engine validated a step that exists
        return render_step(journey, found, form=outcome.form), 422
    return _after(journey, outcome)


def _after(journey: Journey, outcome: engine.Outcome) -> Response:
    if outcome.message:
        flash(outcome.message, "warning" if outcome.kind == "stale" else "success")
    if outcome.kind == "saved":
        return redirect(url_for("dashboard.dashboard"))
    return redirect(url_for("journeys.step", public_id=journey.public_id, step_id=outcome.step_id))
