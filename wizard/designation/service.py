"""The death-benefit clause (docs/DOMAIN.md): rendering it from the beneficiaries, and its signed versions.

:func:`render_clause` is pure: the same beneficiaries always give the same text, which is shown for review,
printed in the PDF and stored with the version, so the three never differ. A particular clause always ends
with the contract's fallback to the heirs. Versions are append-only; a version a beneficiary accepted locks
the designation (Code des assurances L132-9: changing it then needs that beneficiary's consent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue, default_catalogue
from config.formats import long_date, percent
from forms.context import Answers
from forms.designation import RELATIONSHIPS
from wizard.dispense.exclusivity import start_arguments
from wizard.journeys import engine, steps
from wizard.models import Actor, BeneficiaryDesignation, Document, Journey, User, utcnow

MODE_LABELS = {"standard": "Désignation standard", "particular": "Désignation particulière"}
LOCKED_MESSAGE = (
    "Votre désignation actuelle a été acceptée par un bénéficiaire : elle ne peut plus être modifiée sans "
    "son accord (article L132-9 du Code des assurances). Pour toute modification, contactez-nous."
)


@dataclass(frozen=True)
class NamedBeneficiary:
    rank: int
    last_name: str
    first_names: str
    birth_date: date
    birth_place: str
    address: str
    relationship: str
    share: Decimal
    birth_name: str = ""

    @classmethod
    def from_answer(cls, data: Mapping[str, Any]) -> NamedBeneficiary:
        return cls(
            rank=int(data["rank"]), last_name=data["last_name"], first_names=data["first_names"],
            birth_date=data["birth_date"], birth_place=data["birth_place"], address=data["address"],
            relationship=data["relationship"], share=Decimal(str(data["share"])),
            birth_name=data.get("birth_name") or "",
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        """For storage: dates stay dates (the JSON column knows them), shares become exact strings."""
        return {
            "rank": self.rank, "last_name": self.last_name, "first_names": self.first_names,
            "birth_name": self.birth_name, "birth_date": self.birth_date, "birth_place": self.birth_place,
            "address": self.address, "relationship": self.relationship, "share": str(self.share),
        }  # fmt: skip


def relationship_label(code: str) -> str:
    return next((label for value, label in RELATIONSHIPS if value == code), code)


def describe(person: NamedBeneficiary) -> str:
    """« Marie DURAND (nom de naissance : MARTIN), né(e) le 3 mars 1980 à Lyon, demeurant …, pour 60 % »."""
    born_as = f" (nom de naissance : {person.birth_name.upper()})" if person.birth_name else ""
    return (
        f"{person.first_names} {person.last_name.upper()}{born_as}, né(e) le {long_date(person.birth_date)} "
        f"à {person.birth_place}, demeurant {person.address}, {relationship_label(person.relationship).lower()}, "
        f"pour {percent(person.share)}"
    )


def render_clause(beneficiaries: Sequence[NamedBeneficiary], *, standard_clause: str, heirs_fallback: str) -> str:
    """The full clause: the standard one when nobody is named, else the ranks linked by « à défaut »."""
    if not beneficiaries:
        return standard_clause
    ordered = sorted(beneficiaries, key=lambda b: b.rank)
    ranks = [", et ".join(describe(b) for b in group) for _, group in groupby(ordered, key=lambda b: b.rank)]
    return " ; à défaut, ".join(ranks) + f" ; {heirs_fallback}"


def beneficiaries_from_answers(answers: Answers | Mapping[str, Mapping[str, Any]]) -> list[NamedBeneficiary]:
    """The named beneficiaries of a particular designation; none for the standard one."""
    if answers.get("choice", {}).get("mode") != "particular":
        return []
    return [NamedBeneficiary.from_answer(item) for item in answers.get("beneficiaries", {}).get("beneficiaries", [])]


def clause_from_answers(answers: Answers | Mapping[str, Mapping[str, Any]], catalogue: Catalogue) -> str:
    return render_clause(
        beneficiaries_from_answers(answers),
        standard_clause=catalogue.standard_clause,
        heirs_fallback=catalogue.heirs_fallback,
    )


# --- versions ----------------------------------------------------------------------------------------------


def history(session: Session, owner: User) -> list[BeneficiaryDesignation]:
    """Every signed version, newest first."""
    query = select(BeneficiaryDesignation).where(BeneficiaryDesignation.owner_id == owner.id)
    return list(session.scalars(query.order_by(BeneficiaryDesignation.version.desc())))


def current(session: Session, owner: User) -> BeneficiaryDesignation | None:
    """The version in force (the latest signed), or None: the contract's standard clause applies."""
    versions = history(session, owner)
    return versions[0] if versions else None


def is_locked(versions: Iterable[BeneficiaryDesignation]) -> bool:
    return any(version.accepted_by_beneficiary for version in versions)


def record_version(session: Session, journey: Journey) -> None:
    """Signing hook: store the signed designation as the member's next version (completion transaction)."""
    answers = _answers(journey)
    latest = session.scalar(
        select(func.max(BeneficiaryDesignation.version)).where(BeneficiaryDesignation.owner_id == journey.owner_id)
    )
    signed = session.scalar(
        select(Document)
        .where(Document.journey_id == journey.id, Document.signed.is_(True))
        .order_by(Document.id.desc())
        .limit(1)
    )
    version = BeneficiaryDesignation(
        owner_id=journey.owner_id, version=(latest or 0) + 1, mode=answers.value("choice", "mode"),
        clause_text=clause_from_answers(answers, default_catalogue()),
        beneficiaries=[b.as_json() for b in beneficiaries_from_answers(answers)],
        journey_id=journey.id, document_id=signed.id if signed else None, created_at=utcnow(),
    )  # fmt: skip
    session.add(version)


def _answers(journey: Journey) -> Answers:
    return steps.effective_answers(journey)


def mark_accepted(designation: BeneficiaryDesignation, when: datetime | None = None) -> None:
    """Staff record that a beneficiary accepted; from then on the member cannot change it."""
    designation.accepted_by_beneficiary = True
    designation.accepted_at = when or utcnow()


class DesignationLocked(Exception):
    """The member's designation was accepted by a beneficiary: it cannot be changed here."""


def start(session: Session, owner: User, actor: Actor) -> Journey:
    """Resume the member's designation draft or start one, showing the clause in force.

    Raises :class:`DesignationLocked` when a beneficiary accepted the designation (L132-9).
    """
    versions = history(session, owner)
    if is_locked(versions):
        raise DesignationLocked()
    arguments = start_arguments(session, owner)
    in_force = versions[0] if versions else None
    arguments["prefill"] = {
        **arguments["prefill"],
        "current_clause": in_force.clause_text if in_force else default_catalogue().standard_clause,
        "current_version": in_force.version if in_force else 0,
    }
    return engine.resume_or_start(session, owner, "designation", actor, **arguments)
