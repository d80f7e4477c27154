"""Confirming the address chosen for a new account (link valid 24 h)."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for
from werkzeug.wrappers import Response

from wizard.db import db_session
from wizard.entry import accounts, tokens

bp = Blueprint("accounts", __name__, url_prefix="/compte")

INVALID = (
    "Ce lien de confirmation n'est pas valide ou a expiré (il reste actif 24 h). Certains logiciels de messagerie "
    "modifient les liens : copiez-collez l'adresse complète dans votre navigateur. Sinon, rouvrez le lien de votre "
    "invitation pour recevoir un nouveau lien de confirmation."
)


@bp.get("/activer/<token>")
def activate(token: str) -> Response | str:
    session = db_session()
    try:
        user = tokens.load_activation(session, token)
    except tokens.LinkInvalid:
        page = render_template("entry/link_problem.html", title="Lien de confirmation invalide", message=INVALID)
        return make_response(page, 400)
    accounts.activate(session, user)
    invitation = accounts.latest_invitation(session, user)
    target = url_for("invitations.journey", token=tokens.invitation_token(invitation)) if invitation else None
    return render_template("entry/activated.html", login_url=url_for("auth.login", next=target))
