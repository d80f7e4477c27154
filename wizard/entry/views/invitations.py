"""The emailed link (docs/JOURNEYS.md §0): landing page, the three entry cases, creating the identifier.

Every route re-reads the signed token: a tampered, expired or foreign link gets a French page saying what to
do, never a stack trace and never a hint about whether an address has an account.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forms.accounts import CreateIdentifierForm
from wizard.db import db_session
from wizard.entry import accounts, tokens
from wizard.entry.accounts import Created, EntryCase
from wizard.entry.auth import start_session
from wizard.entry.invitations import record_opened
from wizard.extensions import limiter
from wizard.models import Invitation
from wizard.web import current_actor, me, member_required

bp = Blueprint("invitations", __name__, url_prefix="/invitation")

PROBLEMS = {
    "invalid": (
        400,
        "Ce lien n'est pas valide",
        "Le lien est incomplet ou a été modifié. Copiez-collez l'adresse complète du lien reçu par e-mail dans votre "
        "navigateur. Si le problème persiste, demandez à votre service RH de vous renvoyer l'invitation.",
    ),
    "expired": (
        410,
        "Ce lien a expiré",
        "La période de choix de cette campagne est terminée. Si vous n'avez rien fait, vous êtes affilié(e) "
        "automatiquement sur la couverture de base. Pour toute question, contactez votre service RH ou notre "
        "conseiller.",
    ),
}


def _problem(kind: str) -> Response:
    code, title, message = PROBLEMS[kind]
    return make_response(render_template("entry/link_problem.html", title=title, message=message), code)


def _load(token: str) -> Invitation:
    """The link's invitation, or a French page (raised as an HTTP response)."""
    try:
        return tokens.load_invitation(db_session(), token)
    except tokens.LinkExpired:
        abort(_problem("expired"))
    except tokens.LinkInvalid:
        abort(_problem("invalid"))


def _owned_by_current_user(invitation: Invitation) -> bool:
    owner = accounts.invitation_owner(db_session(), invitation)
    return owner is not None and owner.id == current_user.id


def _foreign() -> Response:
    return make_response(render_template("entry/foreign_link.html"), 403)


@bp.get("/<token>")
def landing(token: str) -> Response | str:
    invitation = _load(token)
    record_opened(db_session(), invitation)
    if current_user.is_authenticated and not _owned_by_current_user(invitation):
        return _foreign()
    return render_template("entry/landing.html", invitation=invitation, campaign=invitation.campaign, token=token)


@bp.get("/<token>/acces")
def access(token: str) -> Response:
    """« J'accède au parcours d'affiliation »: log in, activate or create, depending on the account."""
    invitation = _load(token)
    if current_user.is_authenticated and not _owned_by_current_user(invitation):
        return _foreign()
    if current_user.is_authenticated:
        return redirect(url_for("invitations.journey", token=token))
    if accounts.entry_case(db_session(), invitation) == EntryCase.LOGIN:
        flash("Vous avez déjà un espace personnel : connectez-vous pour accéder à votre parcours.", "info")
        return redirect(url_for("auth.login", next=url_for("invitations.journey", token=token)))
    return redirect(url_for("invitations.create_identifier", token=token))


@bp.route("/<token>/identifiant", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def create_identifier(token: str) -> Response | str | tuple[str, int]:
    invitation = _load(token)
    case = accounts.entry_case(db_session(), invitation)
    if current_user.is_authenticated or case == EntryCase.LOGIN:
        return redirect(url_for("invitations.access", token=token))
    owner = accounts.invitation_owner(db_session(), invitation)
    form = CreateIdentifierForm(data={"email": owner.email if owner else invitation.email})
    if not form.validate_on_submit():
        page = render_template("entry/create_identifier.html", form=form, case=case, invitation=invitation, token=token)
        return (page, 422) if request.method == "POST" else page
    outcome = accounts.create_identifier(db_session(), invitation, email=form.email.data, password=form.password.data)
    if outcome.kind == Created.LOGIN:
        return redirect(url_for("invitations.access", token=token))
    if outcome.kind == Created.CHECK_EMAIL:
        return render_template("entry/check_email.html", email=outcome.email)
    assert outcome.user is not None  # noqa: S101 - a ready account always has its user
    start_session(outcome.user)
    journey = accounts.enter_campaign(db_session(), outcome.user, invitation, current_actor())
    return render_template("entry/account_created.html", journey=journey)


@bp.get("/<token>/parcours")
@login_required
@member_required
def journey(token: str) -> Response:
    """The owner, logged in: straight to their open journey of the campaign (one draft per journey)."""
    invitation = _load(token)
    if not _owned_by_current_user(invitation):
        return _foreign()
    found = accounts.enter_campaign(db_session(), me(), invitation, current_actor())
    if found is None:
        return redirect(url_for("dashboard.dashboard"))
    return redirect(url_for("journeys.current", public_id=found.public_id))
