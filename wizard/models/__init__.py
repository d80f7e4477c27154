"""Typed SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from wizard.models.base import Base, utcnow
from wizard.models.campaigns import Campaign, Invitation
from wizard.models.designations import BeneficiaryDesignation, ReauthCode
from wizard.models.documents import Document, OutboxMessage, OutboxStatus, SignatureRequest, SignatureStatus
from wizard.models.family_changes import FamilyChange, FamilyChangeStatus
from wizard.models.hr_indexes import HR_INDEXES
from wizard.models.journeys import Actor, Journey, JourneyEvent, JourneyStatus, StepAnswer
from wizard.models.mandate_holders import HolderStatus, MandateHolderSignature
from wizard.models.member_account import (
    AccountChange,
    ConsentRecord,
    DataExport,
    DeletionRequest,
    ExportStatus,
    MemberProfile,
)
from wizard.models.preview_store import PreviewSnapshot
from wizard.models.proofs import Proof, ProofFile, ProofStatus
from wizard.models.sepa import (
    SCHEDULE_KIND,
    CollectionStatus,
    MandateStatus,
    SepaCollection,
    SepaFile,
    SepaMandate,
    SepaMandateVersion,
)
from wizard.models.signing import SigningCode
from wizard.models.subscription import Satisfaction, SatisfactionAnswer
from wizard.models.users import Role, User

__all__ = [
    "HR_INDEXES",
    "SCHEDULE_KIND",
    "AccountChange",
    "Actor",
    "Base",
    "BeneficiaryDesignation",
    "Campaign",
    "CollectionStatus",
    "ConsentRecord",
    "DataExport",
    "DeletionRequest",
    "Document",
    "ExportStatus",
    "FamilyChange",
    "FamilyChangeStatus",
    "HolderStatus",
    "Invitation",
    "Journey",
    "JourneyEvent",
    "JourneyStatus",
    "MandateHolderSignature",
    "MandateStatus",
    "MemberProfile",
    "OutboxMessage",
    "OutboxStatus",
    "PreviewSnapshot",
    "Proof",
    "ProofFile",
    "ProofStatus",
    "ReauthCode",
    "Role",
    "Satisfaction",
    "SatisfactionAnswer",
    "SepaCollection",
    "SepaFile",
    "SepaMandate",
    "SepaMandateVersion",
    "SignatureRequest",
    "SignatureStatus",
    "SigningCode",
    "StepAnswer",
    "User",
    "utcnow",
]
