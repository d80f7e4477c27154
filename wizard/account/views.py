"""« Mon compte »: personal details, login email, consents, zéro papier, data download and account deletion.

Thin views: load the member's row, call one service function (``wizard.account.service``,
``wizard.account.consents``, ``wizard.account.data_rights``), render or redirect. The password change page lives at
``/mon-compte/mot-de-passe`` (security feature) and is only linked from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from forms.member_account import (
    AddressForm,
    ContactEmailForm,
    DeleteAccountForm,
    LoginEmailForm,
    PaperlessForm,
    PhonesForm,
    display_phone,
)
from wizard.account import consents, data_rights
from wizard.account import service as member_account
from wizard.account.service import Saved
from wizard.db import db_session
from wizard.entry import tokens
from wizard.legal.pages import legal_facts
from wizard.models import Actor
from wizard.web import current_actor, me, member_required

bp = Blueprint("member_account", __name__, url_prefix="/mon-compte")

SAVED = "Vos modifications ont bien été enregistrées. Un e-mail de confirmation vous a été envoyé."
UNCHANGED = "Aucune modification : vos informations étaient déjà à jour."
STALE = (
    "Vos informations ont été modifiées entre-temps (dans un autre onglet ou sur un autre appareil). "
    "Ce que vous avez saisi est conservé ci-dessous : vérifiez-le, puis validez à nouveau."
)
LINK_EXPIRED = (
    "Ce lien de confirmation a expiré (il reste actif 24 heures) ou a été remplacé par une demande plus récente. "
    "Rien n'a été modifié. Connectez-vous, puis refaites la demande depuis « Mon compte » : un nouveau lien vous "
    "sera envoyé."
)
CHECK_NEW_ADDRESS = (
    "Un e-mail vient d'être envoyé à {email} : cliquez sur le lien qu'il contient (actif 24 heures) pour confirmer "
    "la nouvelle adresse. Votre adresse actuelle reste utilisée d'ici là."
)


def _saved_message(outcome: Saved) -> None:
    flash(SAVED if outcome is Saved.SAVED else UNCHANGED, "success" if outcome is Saved.SAVED else "info")


@bp.get("/")
@member_required
def home() -> str:
    session = db_session()
    user = me()
    profile = member_account.profile_of(session, user)
    return render_template(
        "account/home.html", page_title="Mon compte", profile=profile, user=user,
        contact_email=member_account.mask_email(profile.contact_email),
        login_email=member_account.mask_email(user.email),
        mobile=member_account.mask_phone(profile.mobile_phone),
        landline=member_account.mask_phone(profile.landline_phone),
    )  # fmt: skip


def _form(form_class: Any, saved: dict[str, Any]) -> Any:
    """The page's form: the saved values on GET, what was typed on POST."""
    return form_class(data=saved) if request.method == "GET" else form_class()


def _edit(form: Any, template: str, title: str, save: Any) -> Response | tuple[str, int] | str:
    """GET shows the form; POST validates, saves, and re-shows the typed values on error or staleness."""
    session = db_session()
    user = me()
    profile = member_account.profile_of(session, user)
    if request.method == "POST":
        if not form.validate():
            return render_template(template, page_title=title, form=form, profile=profile), 422
        outcome = save(session, user, form, request.form.get("revision"))
        if outcome is Saved.STALE:
            session.rollback()
            profile = member_account.profile_of(session, user)
            form.revision.data = str(profile.revision)
            return render_template(template, page_title=title, form=form, profile=profile, stale=STALE), 409
        _saved_message(outcome)
        return redirect(url_for(".home"))
    form.revision.data = str(profile.revision)
    return render_template(template, page_title=title, form=form, profile=profile)


@bp.route("/adresse", methods=["GET", "POST"])
@member_required
def address() -> Response | tuple[str, int] | str:
    session = db_session()
    profile = member_account.profile_of(session, me())
    data = {k: getattr(profile, k) for k in ("address_line1", "address_line2", "postal_code", "commune")}
    form = _form(AddressForm, data)
    return _edit(form, "account/address.html", "Mon adresse postale",
                 lambda s, u, f, r: member_account.update_address(s, u, f.cleaned(), r, current_actor()))  # fmt: skip


@bp.route("/telephones", methods=["GET", "POST"])
@member_required
def phones() -> Response | tuple[str, int] | str:
    session = db_session()
    profile = member_account.profile_of(session, me())
    data = {
        "mobile_phone": display_phone(profile.mobile_phone),
        "landline_phone": display_phone(profile.landline_phone),
    }
    form = _form(PhonesForm, data)
    return _edit(form, "account/phones.html", "Mes numéros de téléphone",
                 lambda s, u, f, r: member_account.update_phones(s, u, f.cleaned(), r, current_actor()))  # fmt: skip


@bp.route("/zero-papier", methods=["GET", "POST"])
@member_required
def paperless() -> Response | tuple[str, int] | str:
    session = db_session()
    profile = member_account.profile_of(session, me())
    form = _form(PaperlessForm, {"mode": "online" if profile.paperless else "post"})

    def save(s: Any, u: Any, f: Any, r: str | None) -> Saved:
        return member_account.set_paperless(s, u, f.mode.data == "online", r, current_actor())

    return _edit(form, "account/paperless.html", "Gérer l'option Zéro papier", save)


@bp.app_context_processor
def _paperless_context() -> dict[str, Any]:
    return {"mask_email": member_account.mask_email}


@bp.route("/email-de-contact", methods=["GET", "POST"])
@member_required
def contact_email() -> Response | tuple[str, int] | str:
    session = db_session()
    user = me()
    profile = member_account.profile_of(session, user)
    form = ContactEmailForm()
    if request.method == "POST":
        if not form.validate():
            return render_template(
                "account/contact_email.html", page_title="Mon adresse mail", form=form, profile=profile
            ), 422
        member_account.request_contact_email(session, user, form.email.data or "")
        flash(CHECK_NEW_ADDRESS.format(email=(form.email.data or "").strip()), "info")
        return redirect(url_for(".home"))
    return render_template("account/contact_email.html", page_title="Mon adresse mail", form=form, profile=profile)


#: a service applying an email change from its link
Confirm = Callable[[Session, str, Actor], member_account.EmailChange]


def _confirm_link(confirm: Confirm, token: str, what: str) -> Response | str:
    """A confirmation link of an email change: apply it, or say the link expired (nothing changed)."""
    try:
        change = confirm(db_session(), token, current_actor())
    except tokens.LinkInvalid:
        page = render_template("entry/link_problem.html", title="Lien de confirmation expiré", message=LINK_EXPIRED)
        return make_response(page, 400)
    return render_template(
        "account/email_confirmed.html", page_title="Adresse confirmée", what=what, email=change.new_email
    )


@bp.get("/email-de-contact/confirmer/<token>")
def confirm_contact_email(token: str) -> Response | str:
    return _confirm_link(member_account.confirm_contact_email, token, "adresse e-mail de contact")


@bp.route("/email-de-connexion", methods=["GET", "POST"])
@member_required
def login_email() -> Response | tuple[str, int] | str:
    form = LoginEmailForm()
    if form.validate_on_submit():
        try:
            member_account.request_login_email(
                db_session(), me(), form.current_email.data or "", form.new_email.data or "", form.password.data or ""
            )
        except member_account.LoginEmailRefused:
            form.password.errors = [*form.password.errors, "Email de connexion actuel ou mot de passe incorrect."]
        else:
            flash(CHECK_NEW_ADDRESS.format(email=(form.new_email.data or "").strip()), "info")
            return redirect(url_for(".home"))
    status = 422 if request.method == "POST" else 200
    return render_template("account/login_email.html", page_title="Modifier mon email de connexion", form=form), status


@bp.get("/email-de-connexion/confirmer/<token>")
def confirm_login_email(token: str) -> Response | str:
    return _confirm_link(member_account.confirm_login_email, token, "email de connexion")


# --- consents ----------------------------------------------------------------------------------------------


@bp.route("/donnees-personnelles", methods=["GET", "POST"])
@member_required
def personal_data() -> Response | str:
    session = db_session()
    user = me()
    if request.method == "POST":
        changed = consents.apply_form(session, user, request.form, current_actor())
        flash(
            "Vos modifications ont bien été enregistrées." if changed else UNCHANGED, "success" if changed else "info"
        )
        return redirect(url_for(".personal_data"))
    return render_template(
        "account/consents.html", page_title="Gérer mes données personnelles", groups=consents.groups(),
        values=consents.current(session, user), channels=consents.channel_labels(), field_name=consents.field_name,
        history=consents.history(session, user), purposes=consents.purposes(),
    )  # fmt: skip


# --- data rights ---------------------------------------------------------------------------------------------


@bp.route("/mes-donnees", methods=["GET", "POST"])
@member_required
def data_download() -> Response | str:
    session = db_session()
    user = me()
    if request.method == "POST":
        export = data_rights.request_export(session, user)
        if current_app.config.get("DATA_EXPORT_INLINE"):
            data_rights.build_export(session, export, checkpoint=Session.flush)  # the request commits
        flash("Votre archive est en préparation. Cette page indique où elle en est.", "info")
        return redirect(url_for(".data_download"))
    return render_template("account/data_download.html", page_title="Télécharger mes données",
                           export=data_rights.latest_export(session, user),
                           days=legal_facts()["retention"]["data_export_days"])  # fmt: skip


@bp.get("/mes-donnees/<public_id>.zip")
@member_required
def data_archive(public_id: str) -> Response:
    export = data_rights.ready_export(db_session(), me(), public_id)
    if export is None or export.content is None:
        abort(404)
    response = make_response(export.content)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="mes-donnees-{export.created_at:%Y%m%d}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/supprimer", methods=["GET", "POST"])
@member_required
def delete_account() -> Response | tuple[str, int] | str:
    session = db_session()
    user = me()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not data_rights.password_matches(user, form.password.data or ""):
            form.password.errors = [*form.password.errors, "Mot de passe incorrect."]
        else:
            data_rights.close_account(session, user, current_actor())
            logout_user()
            return redirect(url_for(".account_closed"))
    status = 422 if request.method == "POST" else 200
    return render_template("account/delete.html", page_title="Supprimer mon compte", form=form,
                           retention=legal_facts()["retention"]), status  # fmt: skip


@bp.get("/compte-ferme")
def account_closed() -> str:
    return render_template("account/closed.html", page_title="Compte fermé", retention=legal_facts()["retention"])
