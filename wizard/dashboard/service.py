"""What « Mes démarches » shows: each journey with its status, recap and where « Continuer » leads.

Labels are data, per flow and status (``STATUS_LABELS``); a journey waiting on a signing step says « En attente
de signature » whatever its flow. Flows with richer labels plug a function into ``LABEL_FUNCTIONS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from config.dates import member_effective_date
from config.formats import euros, long_date
from config.pricing import Quote, household_from_answers, quote
from forms.context import Answers
from wizard.db import db_session
from wizard.dispense.service import dispense_status_label
from wizard.journeys import steps
from wizard.journeys.flow import Flow, SigningStep
from wizard.journeys.registry import registry
from wizard.models import Campaign, Invitation, Journey, JourneyStatus, MandateHolderSignature, User
from wizard.subscription import mandate_holder
from wizard.subscription.service import journey_terms, signed_effective_date

STATUS_LABELS = {
    ("affiliation", JourneyStatus.IN_PROGRESS): "Affiliation à finaliser",
    ("affiliation", JourneyStatus.COMPLETED): "Affiliation enregistrée",
    ("subscription", JourneyStatus.IN_PROGRESS): "Souscription à finaliser",
    ("subscription", JourneyStatus.COMPLETED): "Adhésion enregistrée — contrat effectif le {date}",
    ("dispense", JourneyStatus.IN_PROGRESS): "Demande de dispense à finaliser",
    ("dispense", JourneyStatus.COMPLETED): "Dispense enregistrée",
    ("designation", JourneyStatus.IN_PROGRESS): "Désignation de bénéficiaires à finaliser",
    ("designation", JourneyStatus.COMPLETED): "Désignation de bénéficiaires enregistrée",
    ("family_change", JourneyStatus.IN_PROGRESS): "Changement de situation à finaliser",
    ("family_change", JourneyStatus.COMPLETED): "Changement de situation enregistré — avenant signé",
    ("rib_change", JourneyStatus.IN_PROGRESS): "Modification de RIB à finaliser",
    ("rib_change", JourneyStatus.COMPLETED): "RIB modifié",
    ("rib_change", JourneyStatus.CANCELLED): "Modification de RIB abandonnée (vos coordonnées avaient changé)",
}
SIGNING_LABEL = "En attente de signature"
GENERIC_LABELS = {
    JourneyStatus.IN_PROGRESS: "En cours",
    JourneyStatus.COMPLETED: "Terminée",
    JourneyStatus.CANCELLED: "Abandonnée",
    JourneyStatus.EXPIRED: "Expirée (brouillon inactif)",
}
#: flow id -> a label computed from the journey (None falls back to STATUS_LABELS)
LABEL_FUNCTIONS: dict[str, Callable[[Journey], str | None]] = {"dispense": dispense_status_label}
#: flows whose recap is « Rappel de mes besoins » (household and price chosen in the affiliation)
RECAP_FLOWS = ("affiliation", "subscription")


@dataclass
class DashboardItem:
    journey: Journey
    flow: Flow
    status_label: str
    current_title: str
    quote: Quote | None = None
    recap: list[tuple[str, str]] = field(default_factory=list)
    #: the account holder asked to sign the mandate (a subscription debiting someone else's account)
    holder: MandateHolderSignature | None = None


def dashboard_items(session: Session, owner: User) -> list[DashboardItem]:
    query = (
        select(Journey)
        .where(Journey.owner_id == owner.id, Journey.is_preview.is_(False))
        .order_by(Journey.created_at.desc())
    )
    return [_item(j) for j in session.scalars(query)]


def _item(journey: Journey) -> DashboardItem:
    flow = registry().get(journey.flow_id, journey.flow_version)
    current = flow.step(journey.state)
    item = DashboardItem(journey, flow, status_label(journey, flow), current.title if current else "")
    if journey.flow_id == "affiliation":
        item.quote = affiliation_quote(journey)
    if journey.status == JourneyStatus.IN_PROGRESS and journey.flow_id in RECAP_FLOWS:
        item.recap = needs_recap(journey)
    if journey.status == JourneyStatus.COMPLETED and mandate_holder.needs_holder(journey):
        record = mandate_holder.current_for(db_session(), journey)
        item.holder = record
        waiting = mandate_holder.waiting_label(db_session(), journey)
        if waiting:
            item.status_label = waiting
    return item


def status_label(journey: Journey, flow: Flow) -> str:
    custom = LABEL_FUNCTIONS.get(journey.flow_id)
    label = custom(journey) if custom else None
    if label:
        return label
    if journey.status == JourneyStatus.IN_PROGRESS and isinstance(flow.step(journey.state), SigningStep):
        return SIGNING_LABEL
    template = STATUS_LABELS.get((journey.flow_id, journey.status), GENERIC_LABELS[journey.status])
    if "{date}" in template:
        effective = signed_effective_date(journey) or steps.effective_date(journey)
        return template.format(date=long_date(effective))
    return template


def affiliation_quote(journey: Journey) -> Quote | None:
    """The monthly amount for the recorded household and formula, once a formula was chosen."""
    answers = steps.effective_answers(journey)
    level = answers.value("formula", "level")
    if not level:
        return None
    return quote(default_catalogue(), household_from_answers(answers), level)


def _household_answers(journey: Journey) -> tuple[Answers, date]:
    """The affiliation's answers (own or those the journey came from) and the day the quote was made."""
    if journey.flow_id == "affiliation":
        formula = journey.answer_for("formula")
        made = formula.updated_at if formula is not None else journey.updated_at
        return steps.effective_answers(journey), made.date()
    sources = (journey.context or {}).get("sources", {})
    return Answers(sources.get("affiliation", {})), journey.created_at.date()


def needs_recap(journey: Journey) -> list[tuple[str, str]]:
    """« Rappel de mes besoins »: quote date, wished effective date, partner, children, monthly amount."""
    answers, quoted_on = _household_answers(journey)
    effective = steps.effective_date(journey)
    terms = journey_terms(journey) if journey.flow_id == "subscription" else None
    if terms is not None:
        effective = terms.effective_date
    rows = [("Date d'effet souhaitée", long_date(effective))]
    if answers.value("household", "cover_partner") is None:
        return rows
    household = household_from_answers(answers)
    rows.insert(0, ("Date du devis", long_date(quoted_on)))
    rows.append(("Conjoint(e) couvert(e)", "Oui" if household.partner else "Non"))
    rows.append(("Enfants couverts", f"Oui — {household.children}" if household.children else "Non"))
    level = answers.value("formula", "level")
    if level:
        monthly = quote(default_catalogue(), household, level).total_cents
        rows.append(("Montant mensuel", euros(monthly)))
    return rows


@dataclass(frozen=True)
class CampaignNotice:
    campaign: Campaign
    decided: bool
    #: the member's effective date if affiliated automatically (the late-joiner rule applied from today)
    effective_date: date


def campaign_notices(session: Session, owner: User, today: date | None = None) -> list[CampaignNotice]:
    """The open campaigns the person was invited to, and whether they already signed or dispensed."""
    today = today or date.today()
    query = (
        select(Campaign)
        .join(Invitation, Invitation.campaign_id == Campaign.id)
        .where(Invitation.user_id == owner.id, Campaign.deadline >= today)
        .order_by(Campaign.deadline)
    )
    decided_flows = {
        j.campaign_id for j in owner_journeys(session, owner)
        if j.flow_id in ("subscription", "dispense") and j.status == JourneyStatus.COMPLETED
    }  # fmt: skip
    rule = default_catalogue().late_joiner_rule
    return [
        CampaignNotice(c, c.id in decided_flows, member_effective_date(c.effective_date, today, rule))
        for c in session.scalars(query).unique()
    ]


def owner_journeys(session: Session, owner: User) -> list[Journey]:
    query = select(Journey).where(Journey.owner_id == owner.id, Journey.is_preview.is_(False))
    return list(session.scalars(query))


def is_known_flow(flow_id: str) -> bool:
    return flow_id in registry().ids()
