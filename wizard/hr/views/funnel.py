"""A campaign's funnel for HR (/rh/campagnes/<id>/entonnoir), as a page and as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from wizard.db import db_session
from wizard.hr.funnel import Funnel, campaign_funnel, funnel_csv, percent
from wizard.models import Campaign
from wizard.web import hr_required

bp = Blueprint("funnel", __name__, url_prefix="/rh/campagnes")

DATE_MESSAGE = "Indiquez une date valide au format jj/mm/aaaa."


class FunnelFilterForm(FlaskForm):
    """Read from the query string: a filter changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False
        locales = ("fr_FR", "fr")

    du = DateField("Agents invités à partir du", validators=[Optional()])
    au = DateField("jusqu'au (inclus)", validators=[Optional()])

    def validate_au(self, field: DateField) -> None:
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date de fin doit être postérieure à la date de début.")


def _load(campaign_id: int) -> tuple[Campaign, FunnelFilterForm, Funnel]:
    campaign = db_session().get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    form = FunnelFilterForm(formdata=request.args)
    for date_field in (form.du, form.au):
        date_field.process_errors = [DATE_MESSAGE] if date_field.process_errors else []
    valid = form.validate()
    date_from, date_to = (form.du.data, form.au.data) if valid else (None, None)
    return campaign, form, campaign_funnel(db_session(), campaign, date_from=date_from, date_to=date_to)


@bp.get("/<int:campaign_id>/entonnoir")
@hr_required
def page(campaign_id: int) -> str:
    campaign, form, funnel = _load(campaign_id)
    return render_template("funnel/funnel.html", campaign=campaign, form=form, funnel=funnel, percent=percent)


@bp.get("/<int:campaign_id>/entonnoir.csv")
@hr_required
def export(campaign_id: int) -> Response:
    campaign, _form, funnel = _load(campaign_id)
    filename = f"entonnoir-campagne-{campaign.id}.csv"
    # the BOM makes spreadsheet programs read the French accents as UTF-8
    return Response(
        "\ufeff" + funnel_csv(funnel),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
