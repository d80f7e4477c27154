"""HR previews (/rh/apercu): pick a journey and a sample person, then walk the real pages.

The preview journey is an ordinary journey owned by the HR user: once started, the usual journey pages
(``/j/<id>/<step>``) show it, with the preview banner (``templates/_preview_banner.html``). Every such request
of an HR user runs in a rolled-back transaction (``wizard.hr.preview_sandbox``): the preview lives only in its
own store between requests.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, RadioField
from wtforms.validators import InputRequired, Optional, ValidationError

from forms.fields import options
from wizard.db import db_session
from wizard.hr import preview
from wizard.hr.preview_sandbox import init_preview_sandbox
from wizard.journeys.flow import Flow
from wizard.journeys.registry import registry
from wizard.models import Invitation
from wizard.web import current_actor, hr_required, me

bp = Blueprint("preview", __name__, url_prefix="/rh/apercu")


@bp.record_once
def _install_sandbox(state: BlueprintSetupState) -> None:
    assert isinstance(state.app, Flask)  # noqa: S101 - blueprints are registered on the Flask app
    init_preview_sandbox(state.app)


STARTED_MESSAGE = "Aperçu démarré : vous voyez les pages de l'agent. Aucune donnée n'est enregistrée."


class PreviewForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    persona = RadioField("Profil de l'agent", validators=[InputRequired("Choisissez un profil.")])
    invitation_email = EmailField(
        "Ou l'identité d'un agent invité (facultatif)",
        description=(
            "Adresse professionnelle d'un agent invité : ses données préremplies sont lues, jamais modifiées. "
            "Les réponses et les parcours précédents restent ceux du profil choisi."
        ),
        validators=[Optional()],
    )
    apply_answers = BooleanField(
        "Appliquer les réponses du profil",
        description="Les pages déjà renseignées par le profil sont validées pour vous ; vous pouvez y revenir.",
        default=True,
    )

    def adapt(self) -> None:
        self.persona.choices = options((p.id, f"{p.label} — {p.description}") for p in preview.load_personas())

    def validate_invitation_email(self, field: EmailField) -> None:
        if field.data and find_invitation(field.data) is None:
            raise ValidationError("Aucun agent invité n'a cette adresse e-mail.")


def find_invitation(email: str) -> Invitation | None:
    """The most recent invitation sent to this address (read only)."""
    query = select(Invitation).where(func.lower(Invitation.email) == email.strip().lower())
    return db_session().scalars(query.order_by(Invitation.id.desc()).limit(1)).first()


@bp.get("")
@hr_required
def index() -> str:
    current = preview.current_preview(db_session(), me())
    return render_template("preview/index.html", flows=registry().latest(), current=current)


@bp.route("/<flow_id>", methods=["GET", "POST"])
@hr_required
def start(flow_id: str) -> Response | str | tuple[str, int]:
    flow = _flow_or_404(flow_id)
    form = PreviewForm()
    form.adapt()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("preview/start.html", flow=flow, form=form), status
    persona = preview.find_persona(form.persona.data or "")
    if persona is None:
        abort(400)
    invitation = find_invitation(form.invitation_email.data) if form.invitation_email.data else None
    journey = preview.start_preview(
        db_session(), me(), flow.id, persona, current_actor(),
        invitation=invitation, apply_answers=bool(form.apply_answers.data),
    )  # fmt: skip
    flash(STARTED_MESSAGE, "info")
    return redirect(url_for("journeys.current", public_id=journey.public_id))


def _flow_or_404(flow_id: str) -> Flow:
    try:
        return registry().current(flow_id)
    except KeyError:
        abort(404)
