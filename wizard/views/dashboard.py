"""What « Mes démarches » shows: each journey with its status, recap and where « Continuer » leads."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from wizard import steps
from wizard.flow import Flow
from wizard.models import Journey, JourneyStatus, User
from wizard.pricing import Quote, household_from_answers, quote
from wizard.registry import registry

STATUS_LABELS = {
    ("affiliation", JourneyStatus.IN_PROGRESS): "Affiliation à finaliser",
    ("affiliation", JourneyStatus.COMPLETED): "Affiliation enregistrée",
}
GENERIC_LABELS = {
    JourneyStatus.IN_PROGRESS: "En cours",
    JourneyStatus.COMPLETED: "Terminée",
    JourneyStatus.CANCELLED: "Abandonnée",
    JourneyStatus.EXPIRED: "Expirée",
}


@dataclass
class DashboardItem:
    journey: Journey
    flow: Flow
    status_label: str
    current_title: str
    quote: Quote | None = None
    recap: list[tuple[str, str]] = field(default_factory=list)


def dashboard_items(session: Session, owner: User) -> list[DashboardItem]:
    query = (
        select(Journey)
        .where(Journey.owner_id == owner.id, Journey.is_preview.is_(False))
        .order_by(Journey.created_at.desc())
    )
    return [_item(j) for j in session.scalars(query)]


def _item(journey: Journey) -> DashboardItem:
    flow = registry().get(journey.flow_id, journey.flow_version)
    label = STATUS_LABELS.get((journey.flow_id, journey.status), GENERIC_LABELS[journey.status])
    current = flow.step(journey.state)
    item = DashboardItem(journey, flow, label, current.title if current else "")
    if journey.flow_id == "affiliation":
        item.quote = affiliation_quote(journey)
    return item


def affiliation_quote(journey: Journey) -> Quote | None:
    """The monthly amount for the recorded household and formula, once a formula was chosen."""
    answers = steps.effective_answers(journey)
    level = answers.value("formula", "level")
    if not level:
        return None
    return quote(default_catalogue(), household_from_answers(answers), level)


def is_known_flow(flow_id: str) -> bool:
    return flow_id in registry().ids()
