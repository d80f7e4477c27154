"""HR home (/rh): campaigns, inviting agents by CSV, resending an invitation, following each agent."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from config.catalogue import default_catalogue
from forms.hr import CampaignForm, ImportForm
from wizard.db import db_session
from wizard.entry.invitations import ImportReport, example_csv, import_agents, resend_invitation
from wizard.hr import campaigns
from wizard.models import Campaign, Invitation
from wizard.web import hr_required, me

bp = Blueprint("hr", __name__, url_prefix="/rh")


@bp.get("")
@hr_required
def home() -> str:
    return render_template("hr/home.html", campaigns=campaigns.campaigns(db_session()))


@bp.route("/campagnes/nouvelle", methods=["GET", "POST"])
@hr_required
def new_campaign() -> BaseResponse | str | tuple[str, int]:
    catalogue = default_catalogue()
    form = CampaignForm(catalogue=catalogue, today=date.today(), data={"contract_name": catalogue.contract_name})
    if form.validate_on_submit():
        campaign = campaigns.create_campaign(
            db_session(), me(), name=form.name.data, employer=form.employer.data,
            contract_name=form.contract_name.data, effective_date=form.effective_date.data,
            deadline=form.deadline.data, offer_version=form.offer_version.data,
        )  # fmt: skip
        flash("La campagne est créée. Importez maintenant le fichier des agents à inviter.", "success")
        return redirect(url_for("hr.campaign", campaign_id=campaign.id))
    page = render_template("hr/new_campaign.html", form=form)
    return (page, 422) if request.method == "POST" else page


def _campaign(campaign_id: int) -> Campaign:
    campaign = db_session().get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _render_campaign(campaign: Campaign, form: ImportForm, report: ImportReport | None = None) -> str:
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "hr/campaign.html", campaign=campaign, form=form, report=report,
        agents=campaigns.agent_statuses(db_session(), campaign, page),
        counts=campaigns.stage_counts(db_session(), campaign), page=page, page_size=campaigns.PAGE_SIZE,
    )  # fmt: skip


@bp.get("/campagnes/<int:campaign_id>")
@hr_required
def campaign(campaign_id: int) -> str:
    return _render_campaign(_campaign(campaign_id), ImportForm())


@bp.post("/campagnes/<int:campaign_id>/import")
@hr_required
def import_file(campaign_id: int) -> BaseResponse | tuple[str, int]:
    campaign = _campaign(campaign_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_campaign(campaign, form), 422
    report = import_agents(db_session(), campaign, form.read(), default_catalogue(), date.today())
    if not report.ok:
        return _render_campaign(campaign, ImportForm(formdata=None), report), 422
    flash(
        f"Import réussi : {report.created} agent(s) invité(s) ; {report.already_invited} déjà invité(s), "
        "non dupliqué(s).",
        "success",
    )
    return redirect(url_for("hr.campaign", campaign_id=campaign.id))


@bp.post("/campagnes/<int:campaign_id>/invitations/<int:invitation_id>/renvoyer")
@hr_required
def resend(campaign_id: int, invitation_id: int) -> BaseResponse:
    invitation = db_session().get(Invitation, invitation_id)
    if invitation is None or invitation.campaign_id != campaign_id:
        abort(404)
    resend_invitation(db_session(), invitation)
    flash(f"L'invitation a été renvoyée à {invitation.email}.", "success")
    return redirect(url_for("hr.campaign", campaign_id=campaign_id))


@bp.get("/campagnes/modele.csv")
@hr_required
def csv_template() -> Response:
    return Response(
        "\ufeff" + example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="modele-invitations.csv"'},
    )
