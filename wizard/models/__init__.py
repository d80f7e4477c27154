"""Typed SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from wizard.models.base import Base, utcnow
from wizard.models.campaigns import Campaign, Invitation
from wizard.models.documents import Document, OutboxMessage, OutboxStatus, SignatureRequest, SignatureStatus
from wizard.models.journeys import Journey, JourneyEvent, JourneyStatus, StepAnswer
from wizard.models.users import Role, User

__all__ = [
    "Base",
    "Campaign",
    "Document",
    "Invitation",
    "Journey",
    "JourneyEvent",
    "JourneyStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "SignatureRequest",
    "SignatureStatus",
    "StepAnswer",
    "User",
    "utcnow",
]
