"""Login, logout, forgotten password. Unknown emails get the same answers as known ones (no enumeration)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from forms.accounts import ForgotPasswordForm, ResetPasswordForm
from forms.auth import LoginForm
from wizard.db import db_session
from wizard.entry import accounts, tokens
from wizard.entry.auth import start_session
from wizard.extensions import limiter
from wizard.journeys.engine import open_journeys
from wizard.models import User
from wizard.security import is_safe_redirect
from wizard.web import me

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
RESET_SENT = (
    "Si un compte existe pour cette adresse, un e-mail vient d'être envoyé avec un lien pour choisir un nouveau "
    "mot de passe (valable 1 heure). Pensez à vérifier vos courriers indésirables."
)
RESET_INVALID = (
    "Ce lien de réinitialisation n'est plus valable : il a déjà servi ou a expiré (il est valable 1 heure). "
    "Demandez un nouveau lien."
)


def _login_limit() -> str:
    from flask import current_app  # noqa: PLC0415 - read per request: tests tune the limit

    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower()[:254] or "-"


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Trop de tentatives.")
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, error_message="Trop de tentatives.")
def login() -> Response | str:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            target = after_login_target(user)
            start_session(user)
            flash(f"Bonjour {user.full_name}.", "success")
            return redirect(target)
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/login.html", form=form, next=request.args.get("next", ""))


def after_login_target(user: User) -> str:
    """A safe ``next``, else the one open journey, else the dashboard (or the HR home)."""
    target = request.args.get("next") or request.form.get("next")
    if is_safe_redirect(target):
        return str(target)
    if user.is_hr:
        return url_for("hr.home")
    journeys = open_journeys(db_session(), user)
    if len(journeys) == 1:
        return url_for("journeys.current", public_id=journeys[0].public_id)
    return url_for("dashboard.dashboard")


@bp.post("/deconnexion")
@login_required
def logout() -> Response:
    """Ends the session server-side: the account's session epoch is raised, so a copy of this cookie (or the
    session of another device) no longer opens anything."""
    accounts.end_all_sessions(db_session(), me())
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté(e). Vos réponses sont enregistrées.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("hr.home" if current_user.is_hr else "dashboard.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Trop de tentatives.")
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, error_message="Trop de tentatives.")
def forgot_password() -> Response | str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_reset(db_session(), form.email.data or "")
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Trop de tentatives.")
def reset_password(token: str) -> Response | str | tuple[str, int]:
    try:
        user = tokens.load_reset(db_session(), token)
    except tokens.LinkInvalid:
        flash(RESET_INVALID, "warning")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm(owner_email=user.email)
    if form.validate_on_submit():
        accounts.reset_password(db_session(), user, form.password.data or "")
        flash("Votre mot de passe a été modifié. Vous pouvez vous connecter.", "success")
        return redirect(url_for("auth.login"))
    page = render_template("auth/reset_password.html", form=form, token=token)
    return (page, 422) if request.method == "POST" else page
