"""« Changer mon mot de passe » (``/mon-compte/mot-de-passe``), linked from « Mon compte ».

The current password is asked again (a session left open on a shared computer is not enough), the new one
follows the same policy as everywhere else, every other session of the account ends, and a confirmation
email tells the owner — who can reset the password if they did not make the change.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forms.accounts import ChangePasswordForm
from wizard.db import db_session
from wizard.entry import accounts
from wizard.entry.auth import keep_current_session
from wizard.entry.passwords import verify_password
from wizard.extensions import limiter
from wizard.web import me

bp = Blueprint("password_change", __name__)

CHANGED = "Votre mot de passe a été modifié. Vos autres sessions ouvertes ont été fermées."


def _user_key() -> str:
    return f"password-change:{current_user.get_id() or '-'}"


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per minute;20 per hour", methods=["POST"], key_func=_user_key, error_message="Trop de tentatives.")
def change_password() -> Response | str | tuple[str, int]:
    user = me()
    form = ChangePasswordForm(
        owner_email=user.email, is_current_password=lambda typed: verify_password(user.password_hash, typed)
    )
    if form.validate_on_submit():
        accounts.change_password(db_session(), user, form.password.data or "")
        keep_current_session(user)
        flash(CHANGED, "success")
        return redirect(url_for("password_change.change_password"))
    page = render_template("auth/change_password.html", form=form)
    return (page, 422) if request.method == "POST" else page
