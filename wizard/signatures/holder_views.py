"""The account holder's signing page (no account: a link with an unguessable token, then an emailed code),
and the member's actions while the holder has not signed: resend the link, name another holder."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from forms.mandate_holder import ChangeHolderForm, HolderSignForm
from wizard.db import db_session
from wizard.journeys.pages import load_owned_journey
from wizard.models import HolderStatus, MandateHolderSignature
from wizard.signatures import ceremony, evidence, holder
from wizard.subscription import mandate_holder
from wizard.web import pdf_response

bp = Blueprint("mandate_holder", __name__)


def _record(token: str) -> MandateHolderSignature:
    record = mandate_holder.by_token(db_session(), token)
    if record is None or record.status == HolderStatus.CANCELLED.value:
        abort(404)
    return record


def _page(record: MandateHolderSignature, form: HolderSignForm, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "mandate_holder/sign.html", record=record, form=form, member=record.journey.owner.full_name,
        destination=evidence.mask_email(record.holder["email"]),
    )  # fmt: skip
    return html, status


@bp.get("/mandat/<token>")
def page(token: str) -> tuple[str, int]:
    return _page(_record(token), HolderSignForm())


@bp.get("/mandat/<token>/mandat.pdf")
def pdf(token: str) -> Response:
    record = _record(token)
    if record.document is not None:
        return pdf_response(record.document.content, "mandat-sepa-signe.pdf", download=False)
    return pdf_response(mandate_holder.mandate_document(record).pdf, "mandat-sepa.pdf", download=False)


@bp.post("/mandat/<token>/code")
def send_code(token: str) -> Response:
    record = _record(token)
    if record.status == HolderStatus.PENDING.value:
        result = holder.send_code(db_session(), record)
        if result.message:
            flash(result.message, "info" if result.ok else "warning")
    return redirect(url_for("mandate_holder.page", token=token))


@bp.post("/mandat/<token>/signer")
def sign(token: str) -> tuple[str, int] | Response:
    record = _record(token)
    form = HolderSignForm()
    if not form.validate_on_submit():
        return _page(record, form, 422)
    typed, certified = form.code.data or "", bool(form.certify.data)
    result = holder.sign(db_session(), record, typed, certified, evidence.request_origin())
    if not result.ok:
        if result.message:
            target = form.certify if result.message == ceremony.NO_CONSENT else form.code
            target.errors = [*target.errors, result.message]
        return _page(record, form, 422)
    return redirect(url_for("mandate_holder.page", token=token))


@bp.post("/j/<public_id>/titulaire/relancer")
@login_required
def resend(public_id: str) -> Response:
    journey = load_owned_journey(public_id)
    record = mandate_holder.current_for(db_session(), journey)
    if record is None or record.status != HolderStatus.PENDING.value:
        abort(404)
    mandate_holder.send_link(db_session(), record)
    flash(f"Le lien de signature a été renvoyé à {evidence.mask_email(record.holder['email'])}.", "info")
    return redirect(url_for("dashboard.dashboard"))


@bp.route("/j/<public_id>/titulaire", methods=["GET", "POST"])
@login_required
def change(public_id: str) -> tuple[str, int] | Response:
    journey = load_owned_journey(public_id)
    record = mandate_holder.current_for(db_session(), journey)
    if record is None or record.status != HolderStatus.PENDING.value:
        abort(404)
    form = ChangeHolderForm()
    if form.validate_on_submit():
        new = mandate_holder.change_holder(db_session(), journey, form.holder())
        flash(f"Le nouveau titulaire ({new.holder_name}) a reçu le lien pour signer le mandat.", "info")
        return redirect(url_for("dashboard.dashboard"))
    status = 422 if form.errors else 200
    return render_template("mandate_holder/change.html", form=form, journey=journey, record=record), status
