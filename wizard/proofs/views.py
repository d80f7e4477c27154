"""Supporting documents, member side: the proof step of a journey, « Mes documents » uploads and downloads.

The proof step's page is a multipart form: files are checked and kept first (each refused file gets its own
French message; the accepted ones are kept, so nothing sent is lost), then the engine moves the journey
exactly as for any other step. Another member's proof or file is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from wizard.db import db_session
from wizard.journeys import engine
from wizard.journeys.flow import ProofStep, Step
from wizard.journeys.hooks import register_step_checker, register_step_page, register_step_submitter
from wizard.journeys.pages import render_step
from wizard.models import Journey, JourneyStatus, Proof, ProofFile, ProofStatus
from wizard.proofs import scan as malware_scan
from wizard.proofs import service as proofs
from wizard.proofs.downloads import file_response
from wizard.web import current_actor, me

bp = Blueprint("proofs", __name__)
#: POSTs that may carry files (multipart): the journey step page (proof steps), removing and sending later
UPLOAD_ENDPOINTS = frozenset({"journeys.step", "proofs.remove_file", "proofs.send_later"})


def allow_proof_uploads() -> None:
    """Proof pages carry files: such a request may exceed the app's form limit, up to a full upload's worth.

    Runs before every other request hook (CSRF reads the form first), for multipart POSTs of the upload
    endpoints only; every other request keeps ``MAX_CONTENT_LENGTH``.
    """
    if request.method != "POST" or request.endpoint not in UPLOAD_ENDPOINTS:
        return
    if request.mimetype != "multipart/form-data":
        return
    config = current_app.config
    request.max_content_length = int(config["PROOF_MAX_BYTES"]) * int(config["PROOF_MAX_FILES_PER_UPLOAD"]) + (
        1024 * 1024
    )


@bp.record_once
def _install_upload_limit(state: BlueprintSetupState) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_proof_uploads)


def received_uploads(field: str) -> list[proofs.Upload]:
    return [
        proofs.Upload(filename=(f.filename or "").strip(), data=f.read())
        for f in request.files.getlist(field)
        if f.filename
    ]


def field_name(code: str) -> str:
    return f"files-{code}"


def register_proof_step(app: Flask) -> None:
    """Plug the proof step into the engine and the step page (the engine never imports this package)."""
    register_step_submitter(app, ProofStep, _submit_proof_step, all_actions=True)
    register_step_checker(app, ProofStep, proofs.check_step)
    register_step_page(app, ProofStep, _proof_page)


def _submit_proof_step(journey: Journey, step: Step) -> Response | tuple[str, int]:
    assert isinstance(step, ProofStep)  # noqa: S101 - registered for proof steps only
    return submit_proof_step(journey, step)


def _proof_page(journey: Journey, step: Step) -> dict[str, Any]:
    assert isinstance(step, ProofStep)  # noqa: S101 - registered for proof steps only
    return proof_page(journey, step)


def proof_page(
    journey: Journey,
    step: ProofStep,
    problems: dict[str, str] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """What the proof step's template shows: each document, its files, and every message to show."""
    rows = proofs.step_proofs(db_session(), journey, step)
    db_session().flush()
    answer = journey.answer_for(step.id)
    later = set((answer.data or {}).get(proofs.LATER_FIELD, [])) if answer else set()
    if answer and answer.raw.get(proofs.LATER_FIELD):
        later |= set(answer.raw[proofs.LATER_FIELD])
    errors: list[tuple[str, str]] = []
    for requirement, _ in rows:
        errors += [(field_name(requirement.code), m) for m in (upload_errors or {}).get(requirement.code, [])]
        if problems and requirement.code in problems:
            errors.append((field_name(requirement.code), problems[requirement.code]))
    return {
        "proof_rows": rows,
        "proof_problems": problems or {},
        "upload_errors": upload_errors or {},
        "proof_errors": errors,
        "later_codes": later,
        "scan_warning": None if malware_scan.is_configured(current_app.config) else malware_scan.NOT_CONFIGURED_WARNING,
        "max_size": proofs.megabytes(int(current_app.config["PROOF_MAX_BYTES"])),
        "max_pages": current_app.config["PROOF_MAX_PAGES"],
    }


def submit_proof_step(journey: Journey, step: ProofStep) -> Response | tuple[str, int]:
    """Keep the files sent with the page, then let the engine validate and move the journey."""
    session = db_session()
    revision = request.form.get("_revision")
    action = request.form.get("action", "next")
    upload_errors: dict[str, list[str]] = {}
    if journey.status == JourneyStatus.IN_PROGRESS and revision == str(journey.revision):
        for requirement, proof in proofs.step_proofs(session, journey, step):
            uploads = received_uploads(field_name(requirement.code))
            if uploads:
                problems = proofs.add_files(proof, uploads, current_app.config)
                if problems:
                    upload_errors[requirement.code] = problems
        session.flush()
    if upload_errors:
        return render_step(journey, step, extra=proof_page(journey, step, upload_errors=upload_errors)), 422
    raw = {proofs.LATER_FIELD: request.form.getlist(proofs.LATER_FIELD)}
    outcome = engine.submit_step(
        session, journey, step.id, raw=raw, revision=revision, action=action, actor=current_actor()
    )
    if outcome.kind == "invalid":
        return render_step(journey, step, extra=proof_page(journey, step, outcome.extra.get("problems"))), 422
    if outcome.message:
        flash(outcome.message, "warning" if outcome.kind == "stale" else "success")
    if outcome.kind == "saved":
        return redirect(url_for("dashboard.dashboard"))
    return redirect(url_for("journeys.step", public_id=journey.public_id, step_id=outcome.step_id))


def _owned_file(file_id: str) -> ProofFile:
    found = db_session().scalar(select(ProofFile).where(ProofFile.public_id == file_id))
    if found is None or found.proof.owner_id != me().id or found.proof.journey.is_preview:
        abort(404)
    return found


@bp.post("/j/<public_id>/<step_id>/fichiers/<file_id>/retirer")
@login_required
def remove_file(public_id: str, step_id: str, file_id: str) -> Response:
    """Take back a file sent by mistake, while the journey is still in progress."""
    found = _owned_file(file_id)
    journey = found.proof.journey
    if journey.public_id != public_id or journey.status != JourneyStatus.IN_PROGRESS:
        abort(404)
    proof = found.proof
    db_session().delete(found)
    if len(proof.files) <= 1:
        proof.status = ProofStatus.DUE
    flash("Le fichier a été retiré.", "success")
    return redirect(url_for("journeys.step", public_id=public_id, step_id=step_id))


@bp.get("/mes-documents/justificatifs/fichiers/<file_id>")
@login_required
def download_file(file_id: str) -> Response:
    found = _owned_file(file_id)
    return file_response(found)


@bp.post("/mes-documents/justificatifs/<proof_id>")
@login_required
def send_later(proof_id: str) -> Response | tuple[str, int]:
    """Send a document chosen « plus tard », or another file after a refusal, from « Mes documents »."""
    proof = db_session().scalar(select(Proof).where(Proof.public_id == proof_id))
    if proof is None or proof.owner_id != me().id or proof.journey.is_preview:
        abort(404)
    uploads = received_uploads(field_name(proof.code))
    if not uploads:
        flash(f"Choisissez au moins un fichier pour « {proof.label} ».", "warning")
        return redirect(url_for("documents.my_documents") + f"#proof-{proof.public_id}")
    problems = proofs.add_files(proof, uploads, current_app.config)
    for problem in problems:
        flash(problem, "warning")
    if len(problems) < len(uploads):
        flash(f"Merci : « {proof.label} » a bien été envoyé. Nous allons le vérifier.", "success")
    return redirect(url_for("documents.my_documents") + f"#proof-{proof.public_id}")


@bp.app_template_global("member_proofs")
def member_proofs() -> list[Proof]:
    """The member's proofs for « Mes documents » and the dashboard."""
    return proofs.owned_proofs(db_session(), me())


@bp.app_template_global("journey_proofs")
def journey_proofs(journey: Journey) -> list[Proof]:
    """The proofs of one journey, for its review page (sent files, or « à envoyer plus tard »)."""
    query = select(Proof).where(Proof.journey_id == journey.id).order_by(Proof.id)
    return list(db_session().scalars(query))


@bp.app_template_global("proofs_still_due")
def proofs_still_due() -> list[Proof]:
    return proofs.still_due(db_session(), me())


@bp.app_template_filter("proof_status")
def proof_status(status: ProofStatus) -> str:
    return proofs.STATUS_LABELS[status]


@bp.app_template_global("proof_field_name")
def proof_field_name(code: str) -> str:
    return field_name(code)

