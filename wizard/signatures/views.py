"""Signing pages: the signing step's POST, its PDFs before signing, the local ceremony, return URL, webhook.

Views load, check ownership (another person's journey or envelope is a 404), call one service function
(requests, confirmation or ceremony) and render or redirect. A provider failure never becomes a 500: the
member reads :data:`wizard.signatures.requests.UNAVAILABLE_MESSAGE` and operators get a log line.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from config.formats import euros
from forms.signing import CodeForm, ConsentForm
from signing.providers.base import DocumentToSign, ProviderError, WebhookRejected, is_busy
from wizard.db import db_session
from wizard.extensions import csrf
from wizard.journeys.flow import SigningStep, Step
from wizard.journeys.hooks import register_step_submitter
from wizard.journeys.pages import load_owned_journey, render_step
from wizard.models import Actor, Journey, JourneyStatus, SignatureRequest, SignatureStatus, utcnow
from wizard.signatures import ceremony, confirmation, requests
from wizard.signatures.evidence import Origin
from wizard.web import current_actor, me

bp = Blueprint("signing", __name__)
logger = logging.getLogger(__name__)


# --- the signing step page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentLink:
    kind: str
    title: str
    filename: str
    view_url: str
    download_url: str


@dataclass(frozen=True)
class SigningPage:
    """What ``signing_step.html`` shows besides the generic step page."""

    documents: list[DocumentLink]
    consent_form: ConsentForm
    effective_date: date | None
    monthly_amount: str | None


@bp.app_template_global("signing_page")
def signing_page(journey: Journey, step: SigningStep) -> SigningPage:
    """The PDFs (built now from the current answers) and the amounts the flow's documents announce."""
    documents = requests.documents_for(journey, step)
    return SigningPage(
        documents=[_link(journey, d) for d in documents],
        consent_form=ConsentForm(formdata=None, consent_text=step.consent_text),
        effective_date=_metadata_date(documents, "effective_date"),
        monthly_amount=_metadata_amount(documents),
    )


def _link(journey: Journey, document: DocumentToSign) -> DocumentLink:
    view = url_for("signing.document", public_id=journey.public_id, kind=document.kind)
    download = url_for("signing.document", public_id=journey.public_id, kind=document.kind, telecharger=1)
    return DocumentLink(document.kind, document.title, document.filename, view, download)


def _metadata_date(documents: list[DocumentToSign], key: str) -> date | None:
    values = [d.metadata[key] for d in documents if d.metadata.get(key)]
    return date.fromisoformat(values[0]) if values else None


def _metadata_amount(documents: list[DocumentToSign]) -> str | None:
    values = [d.metadata["monthly_amount_cents"] for d in documents if d.metadata.get("monthly_amount_cents")]
    return euros(int(values[0])) if values else None


def register_signing_step(app: Flask) -> None:
    """« Suivant » on a signing step opens the ceremony (the engine has already checked freshness)."""
    register_step_submitter(app, SigningStep, submit_signing_step)


def submit_signing_step(journey: Journey, step: Step) -> Response | tuple[str, int]:
    """« J'accepte les conditions et je souscris »: check the box, record consent, go to the ceremony."""
    assert isinstance(step, SigningStep)  # noqa: S101 - registered for signing steps only
    form = ConsentForm(request.form, consent_text=step.consent_text)
    if not form.validate():
        return render_step(journey, step, form=form), 422
    session = db_session()
    if journey.is_preview:
        preview = confirmation.complete_preview(session, journey, step, current_actor())
        return _to_step(journey, preview.step_id)
    now = utcnow()
    consent = requests.Consent(text=step.consent_text, button_at=now, ticked_at=form.ticked_at(now))
    return_url = url_for("signing.returned", public_id=journey.public_id, step_id=step.id, _external=True)
    try:
        started = requests.start_or_resume(
            session, journey, step, current_actor(), return_url, consent=consent, origin=origin()
        )
    except ProviderError as exc:
        return _unavailable(journey, step.id, exc)
    if started.confirmation is not None:  # already signed at the provider: recorded now, no new ceremony
        if started.confirmation.message:
            flash(started.confirmation.message, "warning")
        return _to_step(journey, started.confirmation.step_id)
    return redirect(started.url or url_for("journeys.step", public_id=journey.public_id, step_id=step.id))


@bp.get("/j/<public_id>/documents/<kind>.pdf")
@login_required
def document(public_id: str, kind: str) -> Response:
    """A PDF of the signing step, as it will be signed (owner only; before signing)."""
    journey = load_owned_journey(public_id)
    step = requests.current_signing_step(journey)
    if step is None:
        abort(404)
    found = next((d for d in requests.documents_for(journey, step) if d.kind == kind), None)
    if found is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.pdf), mimetype="application/pdf",
        as_attachment=request.args.get("telecharger") == "1", download_name=found.filename,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/signature/conditions")
def conditions() -> str:
    return render_template("signing/conditions.html")


# --- the local ceremony ----------------------------------------------------------------------------------


@bp.get("/signature/<envelope_id>", endpoint="ceremony")
@login_required
def ceremony_page(envelope_id: str) -> Response | str:
    signature = _owned_local_request(envelope_id)
    leave = _leave_if_closed(signature)
    if leave is not None:
        return leave
    ceremony.ensure_code_sent(db_session(), signature)
    return _render_ceremony(signature, CodeForm(formdata=None))


@bp.post("/signature/<envelope_id>")
@login_required
def ceremony_submit(envelope_id: str) -> Response | tuple[str, int]:
    signature = _owned_local_request(envelope_id)
    journey = signature.journey
    form = CodeForm(request.form)
    if not form.validate():
        return _render_ceremony(signature, form), 422
    try:
        outcome = ceremony.submit_code(db_session(), signature, form.code.data or "", current_actor(), origin())
    except ProviderError as exc:
        return _unavailable(journey, signature.step_id, exc)
    if outcome.kind == "retry":
        form.code.errors = [outcome.message or ceremony.MALFORMED]
        return _render_ceremony(signature, form), 422
    if outcome.message:
        flash(outcome.message, "warning")
    elif outcome.kind == "signed":
        flash("Vos documents sont signés. Vous les retrouverez dans vos documents.", "success")
    return _to_step(journey, journey.state)


@bp.post("/signature/<envelope_id>/nouveau-code")
@login_required
def resend_code(envelope_id: str) -> Response:
    signature = _owned_local_request(envelope_id)
    outcome = ceremony.send_code(db_session(), signature)
    if outcome.message:
        flash(outcome.message, "warning" if outcome.message == ceremony.COOLDOWN else "success")
    return redirect(url_for("signing.ceremony", envelope_id=envelope_id))


def _render_ceremony(signature: SignatureRequest, form: CodeForm) -> str:
    return render_template(
        "signing/ceremony.html",
        signature=signature,
        journey=signature.journey,
        form=form,
        status=ceremony.code_status(db_session(), signature),
        documents=requests.shown_documents(signature),
    )


def _leave_if_closed(signature: SignatureRequest) -> Response | None:
    journey = signature.journey
    if signature.status == SignatureStatus.COMPLETED or not _on_step(journey, signature.step_id):
        return _to_step(journey, journey.state)
    if signature.status != SignatureStatus.PENDING:
        flash(confirmation.FAILED_MESSAGE, "warning")
        return _to_step(journey, signature.step_id)
    return None


# --- external providers ----------------------------------------------------------------------------------


@bp.get("/j/<public_id>/<step_id>/retour")
@login_required
def returned(public_id: str, step_id: str) -> Response:
    """Back from an external ceremony; ``event`` is a hint, the provider is asked for the truth."""
    journey = load_owned_journey(public_id)
    try:
        outcome = confirmation.returned(db_session(), journey, step_id, request.args.get("event"), current_actor())
    except ProviderError as exc:
        return _unavailable(journey, step_id, exc)
    if outcome.message:
        flash(outcome.message, "warning")
    return _to_step(journey, outcome.step_id)


@bp.post("/webhooks/docusign")
@csrf.exempt
def docusign_webhook() -> tuple[str, int]:
    """DocuSign Connect: HMAC-verified, idempotent; the only CSRF-exempt endpoint.

    Answered 200 as soon as the notification is verified and recorded (DocuSign retries only when the
    Connect configuration requires acknowledgement, so nothing slow or fallible happens here); the signed
    document is fetched later by ``flask signatures run``. An envelope we do not know (another sender of
    the account) is acknowledged and ignored."""
    actor = Actor(user_id=None, ip=request.remote_addr, user_agent=request.user_agent.string)
    headers = {name: value for name, value in request.headers.items()}
    try:
        confirmation.handle_webhook(db_session(), headers, request.get_data(cache=False), actor)
    except WebhookRejected as exc:
        logger.warning("webhook rejected: %s", exc)
        return "signature invalide", 401
    except confirmation.UnknownEnvelope as exc:
        logger.info("webhook for envelope %s ignored: not one of ours", exc)
        return "ignorée", 200
    except ProviderError as exc:
        logger.warning("webhook could not be processed, the provider will retry: %s", exc)
        return "indisponible", 503
    return "ok", 200


# --- helpers ---------------------------------------------------------------------------------------------


def origin() -> Origin:
    chain = request.headers.get("X-Forwarded-For", "")
    return Origin(
        ip=request.remote_addr,
        forwarded_for=tuple(part.strip() for part in chain.split(",") if part.strip()),
        user_agent=request.user_agent.string or None,
    )


def _owned_local_request(envelope_id: str) -> SignatureRequest:
    query = select(SignatureRequest).where(SignatureRequest.envelope_id == envelope_id)
    signature = db_session().scalar(query)
    if signature is None or signature.provider != "local" or signature.journey.owner_id != me().id:
        abort(404)
    return signature


def _on_step(journey: Journey, step_id: str) -> bool:
    return journey.status == JourneyStatus.IN_PROGRESS and journey.state == step_id


def _to_step(journey: Journey, step_id: str) -> Response:
    return redirect(url_for("journeys.step", public_id=journey.public_id, step_id=step_id))


def _unavailable(journey: Journey, step_id: str, exc: ProviderError) -> Response:
    logger.warning("signing provider unavailable for journey %s (step %s): %s", journey.id, step_id, exc)
    flash(requests.BUSY_MESSAGE if is_busy(exc) else requests.UNAVAILABLE_MESSAGE, "warning")
    return _to_step(journey, step_id)
