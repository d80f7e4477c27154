"""Demo data for ``make run``: an HR user, a campaign, an agent with an account and a new agent without one.

Loaded idempotently: running it again finds the same rows (and queues no second invitation email).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from wizard.entry.invitations import send_invitation
from wizard.entry.passwords import hash_password
from wizard.models import Campaign, Invitation, Role, User

DEMO_PASSWORD = "Demo-Affiliation-2026"  # noqa: S105 - a published demo password, printed by `make run`
HR_EMAIL = "rh@demo.horizon-publique.example"
AGENT_EMAIL = "camille.martin@demo.education.example"
#: invited but without an account: their emailed link goes through « Créer votre identifiant »
NEW_AGENT_EMAIL = "nouvel.agent@demo.education.example"


@dataclass(frozen=True)
class DemoData:
    hr: User
    agent: User
    campaign: Campaign
    invitation: Invitation
    new_agent_invitation: Invitation


def demo_effective_date(today: date) -> date:
    """The first day of the month after next: a demo campaign that is always open and still ahead."""
    month = today.month + 2
    return date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def load_demo_data(session: Session) -> DemoData:
    hr = _user(session, HR_EMAIL, "Sophie", "Bernard", Role.HR)
    agent = _user(session, AGENT_EMAIL, "Camille", "Martin", Role.MEMBER)
    campaign = session.scalar(select(Campaign).where(Campaign.name == "Campagne PSC 2026 — démonstration"))
    if campaign is None:
        campaign = Campaign(
            name="Campagne PSC 2026 — démonstration",
            employer="Rectorat de démonstration",
            contract_name=default_catalogue().contract_name,
            effective_date=demo_effective_date(date.today()),
            deadline=demo_effective_date(date.today()) - timedelta(days=10),
            offer_version=default_catalogue().version,
            created_by_id=hr.id,
        )
        session.add(campaign)
        session.flush()
    invitation = _invitation(session, campaign, agent.email, ("Camille", "Martin"), agent)
    newcomer = _invitation(session, campaign, NEW_AGENT_EMAIL, ("Dominique", "Nouvel"), None)
    session.flush()
    return DemoData(hr=hr, agent=agent, campaign=campaign, invitation=invitation, new_agent_invitation=newcomer)


def _user(session: Session, email: str, first: str, last: str, role: Role) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email, first_name=first, last_name=last, role=role,
            password_hash=hash_password(DEMO_PASSWORD), activated=True,
        )  # fmt: skip
        session.add(user)
        session.flush()
    return user


def _invitation(
    session: Session, campaign: Campaign, email: str, names: tuple[str, str], agent: User | None
) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.campaign_id == campaign.id, Invitation.email == email)
    )
    if invitation is None:
        invitation = Invitation(
            campaign=campaign, email=email, first_name=names[0], last_name=names[1],
            birth_date=date(1988, 3, 14), regime="general", postal_address="8 place de la République, 98714 Papeete",
            phone="+689 40 12 34 56", user_id=agent.id if agent else None,
        )  # fmt: skip
        session.add(invitation)
        session.flush()
        send_invitation(session, invitation)
    return invitation


__all__ = ["DEMO_PASSWORD", "DemoData", "load_demo_data"]
