"""HR / operations: the supporting documents to check, one proof's files, and the decision."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms.proofs import ProofDecisionForm
from wizard.db import db_session
from wizard.journeys.registry import registry
from wizard.models import Proof, ProofFile
from wizard.proofs import review as proof_review
from wizard.proofs import service as proofs
from wizard.proofs.downloads import file_response
from wizard.web import hr_required, me

bp = Blueprint("proof_review", __name__, url_prefix="/rh/justificatifs")


@bp.get("")
@hr_required
def queue() -> str:
    return render_template("hr/proofs.html", proofs=proofs.review_queue(db_session()), flow_title=_flow_title)


def _flow_title(flow_id: str) -> str:
    try:
        return registry().current(flow_id).title
    except KeyError:
        return flow_id


def _proof(proof_id: str) -> Proof:
    found = db_session().scalar(select(Proof).where(Proof.public_id == proof_id))
    if found is None or found.journey.is_preview:
        abort(404)
    return found


@bp.route("/<proof_id>", methods=["GET", "POST"])
@hr_required
def detail(proof_id: str) -> Response | str | tuple[str, int]:
    proof = _proof(proof_id)
    form = ProofDecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        try:
            proof_review.decide(db_session(), proof, me(), accept=accept, reason=form.reason.data or "")
        except proof_review.NotReviewable:
            flash("Ce justificatif n'attend plus de vérification (déjà traité ou rien d'envoyé).", "warning")
            return redirect(url_for("proof_review.detail", proof_id=proof_id))
        flash("Justificatif accepté." if accept else "Justificatif refusé : l'adhérent est prévenu.", "success")
        return redirect(url_for("proof_review.queue"))
    page = render_template("hr/proof.html", proof=proof, form=form, flow_title=_flow_title)
    return (page, 422) if request.method == "POST" else page


@bp.get("/fichiers/<file_id>")
@hr_required
def download(file_id: str) -> Response:
    found = db_session().scalar(select(ProofFile).where(ProofFile.public_id == file_id))
    if found is None or found.proof.journey.is_preview:
        abort(404)
    return file_response(found)
