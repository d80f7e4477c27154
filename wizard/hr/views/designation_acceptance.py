"""HR screen: record that a beneficiary accepted a member's designation (same rule as ``flask designation
accept``: once accepted, the member can no longer change the designation online).

HR sees versions, dates and whether they are accepted — never the clause or the beneficiaries' names. Who
recorded it and when goes to the member's change log. Recording it twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms.hr_designation import AcceptanceForm, FindMemberForm
from wizard.account.service import record_change
from wizard.db import db_session
from wizard.designation import service as designation
from wizard.entry.accounts import user_by_email
from wizard.models import BeneficiaryDesignation, Role, User
from wizard.web import current_actor, hr_required

bp = Blueprint("hr_designation", __name__, url_prefix="/rh/designations")

NOT_FOUND = "Aucun agent n'a de désignation signée avec cette adresse."


def _member(email: str) -> User | None:
    user = user_by_email(db_session(), email) if email else None
    return user if user is not None and user.role == Role.MEMBER else None


@bp.route("/acceptation", methods=["GET", "POST"])
@hr_required
def acceptance() -> Response | tuple[str, int] | str:
    session = db_session()
    find = FindMemberForm(request.args, meta={"csrf": False})
    member = _member((request.args.get("email") or "").strip()) if request.args.get("email") else None
    versions = designation.history(session, member) if member else []
    if request.args.get("email") and find.validate() and not versions:
        find.email.errors = [*find.email.errors, NOT_FOUND]
    form = AcceptanceForm()
    status = 200
    if request.method == "POST":
        member = _member((request.form.get("email") or "").strip())
        chosen = _version(member, request.form.get("version", "")) if member else None
        if member is None or chosen is None:
            flash(NOT_FOUND, "warning")
            return redirect(url_for(".acceptance"))
        if form.validate():
            if not chosen.accepted_by_beneficiary:
                accepted_on = form.accepted_on.data
                assert accepted_on is not None  # noqa: S101 - InputRequired
                designation.mark_accepted(chosen, datetime.combine(accepted_on, time(12), tzinfo=UTC))
                record_change(session, member, "designation_accepted", current_actor())
            flash(f"Acceptation enregistrée : la désignation v{chosen.version} de {member.email} ne peut plus être "
                  "modifiée en ligne par l'agent.", "success")  # fmt: skip
            return redirect(url_for(".acceptance", email=member.email))
        versions, status = designation.history(session, member), 422
    return render_template(
        "hr/designation_acceptance.html", page_title="Acceptation d'une désignation", find=find, form=form,
        member=member, versions=versions, locked=designation.is_locked(versions),
    ), status  # fmt: skip


def _version(member: User, raw: str) -> BeneficiaryDesignation | None:
    if not raw.isdigit():
        return None
    query = select(BeneficiaryDesignation).where(
        BeneficiaryDesignation.owner_id == member.id, BeneficiaryDesignation.version == int(raw)
    )
    return db_session().scalar(query)
