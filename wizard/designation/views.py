"""« Mon contrat »: the contract page, re-authentication, and the beneficiary designation with its history.

The designation names third parties: it is shown only after a fresh re-authentication (password or emailed
code, ``REAUTH_MINUTES``). The same rule guards the pages of a designation journey (see
:func:`guard_designation_journey`); a POST is never blocked, so what the member typed is saved first.
"""

from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from config.catalogue import default_catalogue
from config.formats import french_datetime
from forms.context import Answers
from forms.designation import ReauthCodeForm, ReauthPasswordForm
from wizard.db import db_session
from wizard.designation import reauth
from wizard.designation import service as designation
from wizard.extensions import limiter
from wizard.journeys import engine
from wizard.journeys.pages import journey_of_page
from wizard.models import BeneficiaryDesignation, JourneyStatus
from wizard.security import is_safe_redirect
from wizard.web import current_actor, me, member_required

bp = Blueprint("contract", __name__)

REAUTH_NOTICE = (
    "Pour des raisons de confidentialité, veuillez vous identifier pour consulter la désignation de vos bénéficiaires."
)
#: pages of a journey that show its answers or its documents
GUARDED_ENDPOINTS = frozenset({"journeys.step", "journeys.current", "signing.document"})


def _reauth_limit() -> str:
    from flask import current_app  # noqa: PLC0415 - read per request: tests tune the limit

    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _needs_reauth() -> Response | None:
    if reauth.is_fresh(session, me().id):
        return None
    flash(REAUTH_NOTICE, "info")
    return redirect(url_for("contract.identify", next=request.path))


@bp.get("/mon-contrat")
@member_required
def contract() -> str:
    return render_template("contract/contract.html", catalogue=default_catalogue())


@bp.get("/mon-contrat/beneficiaires")
@member_required
def beneficiaries() -> Response | str:
    if (challenge := _needs_reauth()) is not None:
        return challenge
    versions = designation.history(db_session(), me())
    draft = engine.find_open_journey(db_session(), me(), "designation")
    return render_template(
        "contract/designation.html", versions=versions, current=versions[0] if versions else None,
        locked=designation.is_locked(versions), draft=draft, catalogue=default_catalogue(),
        locked_message=designation.LOCKED_MESSAGE,
    )  # fmt: skip


@bp.post("/mon-contrat/beneficiaires")
@member_required
def start_designation() -> Response:
    if (challenge := _needs_reauth()) is not None:
        return challenge
    try:
        journey = designation.start(db_session(), me(), current_actor())
    except designation.DesignationLocked:
        flash(designation.LOCKED_MESSAGE, "warning")
        return redirect(url_for("contract.beneficiaries"))
    return redirect(url_for("journeys.current", public_id=journey.public_id))


@bp.get("/mon-contrat/beneficiaires/version-<int:version>.pdf")
@member_required
def signed_version(version: int) -> Response:
    if (challenge := _needs_reauth()) is not None:
        return challenge
    found = db_session().scalar(
        select(BeneficiaryDesignation).where(
            BeneficiaryDesignation.owner_id == me().id, BeneficiaryDesignation.version == version
        )
    )
    if found is None or found.document is None:
        abort(404)
    name = f"designation-beneficiaires-version-{version}.pdf"
    return send_file(io.BytesIO(found.document.content), mimetype="application/pdf", download_name=name)


# --- re-authentication ------------------------------------------------------------------------------------


def _back_to_next() -> Response:
    target = request.args.get("next")
    return redirect(target if target and is_safe_redirect(target) else url_for("contract.beneficiaries"))


@bp.route("/mon-contrat/identification", methods=["GET", "POST"])
@member_required
@limiter.limit(_reauth_limit, methods=["POST"], error_message="Trop de tentatives.")
def identify() -> Response | str:
    form = ReauthPasswordForm()
    if form.validate_on_submit():
        if reauth.check_password(me(), form.password.data or ""):
            reauth.mark_fresh(session, me().id)
            return _back_to_next()
        form.password.errors.append(reauth.WRONG_PASSWORD)
    return render_template("contract/reauth.html", form=form, next=request.args.get("next", ""))


@bp.post("/mon-contrat/identification/envoyer-un-code")
@member_required
@limiter.limit(_reauth_limit, error_message="Trop de tentatives.")
def send_code() -> Response:
    refused = reauth.send_code(db_session(), me())
    if refused:
        flash(refused, "warning")
        return redirect(url_for("contract.identify", next=request.args.get("next", "")))
    flash(f"Un code à 6 chiffres vient de vous être envoyé à {me().email}.", "success")
    return redirect(url_for("contract.enter_code", next=request.args.get("next", "")))


@bp.route("/mon-contrat/identification/code", methods=["GET", "POST"])
@member_required
@limiter.limit(_reauth_limit, methods=["POST"], error_message="Trop de tentatives.")
def enter_code() -> Response | str:
    form = ReauthCodeForm()
    if form.validate_on_submit():
        problem = reauth.verify_code(db_session(), me(), form.code.data or "")
        if problem is None:
            reauth.mark_fresh(session, me().id)
            return _back_to_next()
        form.code.errors.append(problem)
    return render_template("contract/reauth_code.html", form=form, next=request.args.get("next", ""))


# --- designation journeys need a fresh re-authentication too ---------------------------------------------------


@bp.before_app_request
def guard_designation_journey() -> Response | None:
    """A designation journey's pages show the beneficiaries: re-authenticate first, and never when locked."""
    journey = journey_of_page(GUARDED_ENDPOINTS) if request.method == "GET" else None
    if journey is None or journey.flow_id != "designation" or journey.is_preview:
        return None  # every other page: decided without loading the logged-in person
    if not current_user.is_authenticated or journey.owner_id != me().id:
        return None
    if journey.status == JourneyStatus.IN_PROGRESS and designation.is_locked(designation.history(db_session(), me())):
        flash(designation.LOCKED_MESSAGE, "warning")
        return redirect(url_for("contract.beneficiaries"))
    return _needs_reauth()


@bp.app_template_filter("paris_datetime")
def paris_datetime(value: datetime) -> str:
    """« 12 mai 2026 à 14 h 05 », Paris time."""
    return french_datetime(value)


@bp.app_template_global("designation_clause")
def designation_clause(answers: Answers) -> str:
    """The full clause the current answers give, for the review page."""
    return designation.clause_from_answers(answers, default_catalogue())
