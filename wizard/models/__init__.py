"""Typed SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from wizard.models.base import Base, utcnow
from wizard.models.campaigns import Campaign, Invitation
from wizard.models.designations import BeneficiaryDesignation, ReauthCode
from wizard.models.documents import Document, OutboxMessage, OutboxStatus, SignatureRequest, SignatureStatus
from wizard.models.family_changes import FamilyChange, FamilyChangeStatus
from wizard.models.hr_indexes import HR_INDEXES
from wizard.models.journeys import Actor, Journey, JourneyEvent, JourneyStatus, StepAnswer
from wizard.models.proofs import Proof, ProofFile, ProofStatus
from wizard.models.signing import SigningCode
from wizard.models.subscription import Satisfaction, SatisfactionAnswer
from wizard.models.users import Role, User

__all__ = [
    "HR_INDEXES",
    "Actor",
    "Base",
    "BeneficiaryDesignation",
    "Campaign",
    "Document",
    "FamilyChange",
    "FamilyChangeStatus",
    "Invitation",
    "Journey",
    "JourneyEvent",
    "JourneyStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Proof",
    "ProofFile",
    "ProofStatus",
    "ReauthCode",
    "Role",
    "Satisfaction",
    "SatisfactionAnswer",
    "SignatureRequest",
    "SignatureStatus",
    "SigningCode",
    "StepAnswer",
    "User",
    "utcnow",
]
