"""Login and logout. Unknown email and wrong password get the same answer (no account enumeration)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from forms.auth import LoginForm
from wizard.db import db_session
from wizard.engine import open_journeys
from wizard.extensions import limiter
from wizard.models import User
from wizard.passwords import hash_password, needs_rehash, verify_password
from wizard.security import is_safe_redirect

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


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
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            flash(f"Bonjour {user.full_name}.", "success")
            return redirect(after_login_target(user))
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/login.html", form=form, next=request.args.get("next", ""))


def authenticate(email: str, password: str) -> User | None:
    session = db_session()
    user: User | None = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.activated:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def after_login_target(user: User) -> str:
    """A safe ``next``, else the one open journey, else the dashboard (or the HR home)."""
    target = request.args.get("next") or request.form.get("next")
    if is_safe_redirect(target):
        return str(target)
    if user.is_hr:
        return url_for("journeys.dashboard")
    journeys = open_journeys(db_session(), user)
    if len(journeys) == 1:
        return url_for("journeys.current", public_id=journeys[0].public_id)
    return url_for("journeys.dashboard")


@bp.post("/deconnexion")
@login_required
def logout() -> Response:
    logout_user()
    flash("Vous êtes déconnecté(e). Vos réponses sont enregistrées.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("journeys.dashboard"))
    return redirect(url_for("auth.login"))
