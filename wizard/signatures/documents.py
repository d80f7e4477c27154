"""Documents pages: the public PDFs of the offer, the member's documents and the devis of an affiliation.

Ownership is checked on every download: another member's document, a tampered id or a journey of someone
else is a 404, never a 403 (nothing tells that the id exists).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from config.catalogue import default_catalogue
from wizard.db import db_session
from wizard.designation import reauth
from wizard.dispense.exclusivity import start_arguments
from wizard.journeys import steps
from wizard.journeys.pages import load_owned_journey
from wizard.models import SCHEDULE_KIND, Document, Journey, JourneyStatus
from wizard.subscription.documents import build_quote, public_guarantees, public_notice
from wizard.subscription.service import paris_today
from wizard.web import me, pdf_response

bp = Blueprint("documents", __name__)


def _member_contract_name() -> str:
    """The contract as the signed-in agent's campaign names it ("" when anonymous or outside a campaign)."""
    if not current_user.is_authenticated:
        return ""
    campaign = start_arguments(db_session(), me()).get("campaign")
    return str(campaign.contract_name) if campaign is not None else ""


@bp.get("/documents/garanties.pdf")
def guarantees_pdf() -> Response:
    """The tableau de garanties, linked from the formula step (public: it is the offer).

    A signed-in agent gets it titled with their campaign's contract name, the one the quote and the signed
    documents print; anyone else gets the catalogue's.
    """
    content = public_guarantees(default_catalogue(), _member_contract_name())
    return pdf_response(content, "tableau-de-garanties.pdf")


@bp.get("/documents/notice.pdf")
def notice_pdf() -> Response:
    return pdf_response(public_notice(default_catalogue(), _member_contract_name()), "notice-information.pdf")


#: documents naming third parties: listed and served only after a fresh re-authentication (contract pages)
CONFIDENTIAL_FLOWS = ("designation",)


def owned_documents(owner_id: int) -> list[Document]:
    """The member's signed documents (the unsigned copies shown before signing stay in the evidence), and the
    échéanciers de cotisation sent to them (documents sent, never signed).

    Beneficiary designations are left out: they live behind re-authentication on « Mes bénéficiaires ».
    """
    query = (
        select(Document)
        .join(Journey, Document.journey_id == Journey.id)
        .where(
            Journey.owner_id == owner_id,
            Journey.is_preview.is_(False),
            or_(Document.signed.is_(True), Document.kind == SCHEDULE_KIND),
            Journey.flow_id.not_in(CONFIDENTIAL_FLOWS),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return list(db_session().scalars(query))


def validated_affiliations(owner_id: int) -> list[Journey]:
    query = select(Journey).where(
        Journey.owner_id == owner_id,
        Journey.flow_id == "affiliation",
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    return list(db_session().scalars(query.order_by(Journey.completed_at.desc())))


@bp.get("/mes-documents")
@login_required
def my_documents() -> str:
    owner_id = me().id
    return render_template(
        "documents/my_documents.html",
        documents=owned_documents(owner_id),
        affiliations=validated_affiliations(owner_id),
    )


@bp.get("/mes-documents/<public_id>")
@login_required
def download(public_id: str) -> Response:
    document = db_session().scalar(select(Document).where(Document.public_id == public_id))
    if document is None or document.journey.owner_id != me().id or document.journey.is_preview:
        abort(404)
    if document.journey.flow_id in CONFIDENTIAL_FLOWS and not reauth.is_fresh(session, me().id):
        return redirect(url_for("contract.identify", next=request.path))
    return pdf_response(document.content, document.filename)


@bp.get("/j/<public_id>/devis.pdf")
@login_required
def quote_pdf(public_id: str) -> Response:
    """The devis of a validated affiliation: every formula's price for the household it declared."""
    journey = load_owned_journey(public_id)
    if journey.flow_id != "affiliation" or journey.status != JourneyStatus.COMPLETED:
        abort(404)
    sources = {"affiliation": dict(steps.effective_answers(journey))}
    content = build_quote(
        default_catalogue(), sources, (journey.context or {}).get("prefill", {}),
        owner_name=journey.owner.full_name, effective_date=steps.effective_date(journey),
        contract_name=steps.contract_name(journey),
        issued_on=(journey.completed_at.date() if journey.completed_at else paris_today()),
    )  # fmt: skip
    return pdf_response(content, "devis.pdf")
