"""Supporting documents (« pièces justificatives »): what a journey asks for, checking and keeping the files.

Any flow declares a :class:`wizard.journeys.flow.ProofStep` whose pure rule names the documents its answers call for.
Every uploaded file is checked before it is kept:

- its type is read from the content by ``filetype`` (magic numbers), never from its name or the browser's
  claim: only PDF, JPEG and PNG are accepted;
- not empty, at most ``PROOF_MAX_BYTES``; a PDF must open with pypdf, have 1 to ``PROOF_MAX_PAGES`` pages
  and no password; an image must decode (Pillow);
- ClamAV scans it when configured (:mod:`wizard.proofs.scan`).

Files are stored encrypted (AES-GCM, ``wizard.models.proofs``). A file that fails is refused with a French
message naming it; the other files of the same upload are kept, so nothing already sent is lost.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.journeys import steps
from wizard.journeys.flow import ProofRequirement, ProofStep, Step
from wizard.journeys.hooks import StepCheck
from wizard.models import Journey, JourneyStatus, Proof, ProofFile, ProofStatus, User, utcnow
from wizard.proofs import scan as malware_scan

ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
LATER_FIELD = "later"
#: in an HR preview, the requirements HR attached a file for (the files themselves are never kept)
PREVIEWED_FIELD = "previewed"
STATUS_LABELS = {
    ProofStatus.DUE: "À envoyer",
    ProofStatus.SUBMITTED: "Envoyé, en cours de vérification",
    ProofStatus.ACCEPTED: "Accepté",
    ProofStatus.REFUSED: "Refusé",
}


class ProofRejected(Exception):
    """A file that cannot be kept; the message is French and names the file."""


@dataclass(frozen=True)
class Inspected:
    media_type: str
    pages: int | None


@dataclass(frozen=True)
class Upload:
    """One file as received (the view reads it from the request)."""

    filename: str
    data: bytes


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo".replace(".", ",")


def inspect(upload: Upload, config: Mapping[str, Any]) -> Inspected:
    """The file's real type and page count, or :class:`ProofRejected` saying what is wrong with it."""
    name = upload.filename or "sans nom"
    if not upload.data:
        raise ProofRejected(f"Le fichier « {name} » est vide.")
    import filetype  # noqa: PLC0415 - imported when first used (worker memory)

    limit = int(config["PROOF_MAX_BYTES"])
    if len(upload.data) > limit:
        raise ProofRejected(f"Le fichier « {name} » dépasse la taille maximale de {megabytes(limit)}.")
    kind = filetype.guess(upload.data)
    media_type = kind.mime if kind is not None else ""
    if media_type not in ACCEPTED_TYPES:
        raise ProofRejected(
            f"Le fichier « {name} » n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
            "pas seulement son nom)."
        )
    if media_type == "application/pdf":
        return Inspected(media_type, _pdf_pages(name, upload.data, int(config["PROOF_MAX_PAGES"])))
    from PIL import Image  # noqa: PLC0415 - imported when first used (worker memory)

    try:
        with Image.open(io.BytesIO(upload.data)) as image:
            image.verify()
    except Exception as error:  # Pillow raises many types for a damaged image
        raise ProofRejected(f"L'image « {name} » est illisible ou endommagée.") from error
    return Inspected(media_type, None)


def _pdf_pages(name: str, data: bytes, max_pages: int) -> int:
    from pypdf import PdfReader  # noqa: PLC0415 - pypdf only when a PDF proof is uploaded
    from pypdf.errors import PyPdfError  # noqa: PLC0415

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ProofRejected(
                f"Le PDF « {name} » est protégé par un mot de passe : envoyez une version non protégée."
            )
        pages = len(reader.pages)
    except ProofRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise ProofRejected(f"Le PDF « {name} » est illisible ou endommagé.") from error
    if pages == 0:
        raise ProofRejected(f"Le PDF « {name} » ne contient aucune page.")
    if pages > max_pages:
        raise ProofRejected(f"Le PDF « {name} » compte {pages} pages : {max_pages} au maximum.")
    return pages


def check_and_scan(upload: Upload, config: Mapping[str, Any]) -> tuple[Inspected, str]:
    """Inspect then scan; returns the inspection and the scan status ("clean" or "not_scanned")."""
    inspected = inspect(upload, config)
    if not malware_scan.is_configured(config) and config.get("ENV_NAME") == "production":
        raise ProofRejected("L'envoi de documents est momentanément indisponible : réessayez plus tard.")
    try:
        verdict = malware_scan.scan_bytes(upload.data, config)
    except malware_scan.ScannerUnavailable as error:
        raise ProofRejected(
            f"Le fichier « {upload.filename} » n'a pas pu être analysé par l'antivirus : réessayez dans "
            "quelques minutes."
        ) from error
    if verdict.status == "infected":
        raise ProofRejected(
            f"Le fichier « {upload.filename} » contient un virus ({verdict.signature}) : il est refusé."
        )
    return inspected, verdict.status


def add_files(proof: Proof, uploads: Sequence[Upload], config: Mapping[str, Any]) -> list[str]:
    """Keep every acceptable file on ``proof``; the French messages of the refused ones.

    Sending a file for a due or refused proof puts it back in the operations' queue (SUBMITTED).
    """
    problems: list[str] = []
    limit = int(config["PROOF_MAX_FILES_PER_UPLOAD"])
    if len(uploads) > limit:
        return [f"Envoyez au plus {limit} fichiers à la fois."]
    for upload in uploads:
        try:
            inspected, scan = check_and_scan(upload, config)
        except ProofRejected as rejected:
            problems.append(str(rejected))
            continue
        proof.files.append(
            ProofFile(
                public_id=secrets.token_urlsafe(12), filename=upload.filename[:200] or "document",
                media_type=inspected.media_type, size=len(upload.data), pages=inspected.pages,
                sha256=hashlib.sha256(upload.data).hexdigest(), content=upload.data, scan=scan,
            )
        )  # fmt: skip
        if proof.status in (ProofStatus.DUE, ProofStatus.REFUSED):
            proof.status = ProofStatus.SUBMITTED
        proof.updated_at = utcnow()
    return problems


# --- the proofs of one journey step -------------------------------------------------------------------------


def requirements(journey: Journey, step: ProofStep) -> tuple[ProofRequirement, ...]:
    return tuple(step.proofs(steps.effective_answers(journey)))


def step_proofs(session: Session, journey: Journey, step: ProofStep) -> list[tuple[ProofRequirement, Proof]]:
    """Each required document with its row, created when first needed."""
    existing = {
        p.code: p
        for p in session.scalars(select(Proof).where(Proof.journey_id == journey.id, Proof.step_id == step.id))
    }
    result: list[tuple[ProofRequirement, Proof]] = []
    for requirement in requirements(journey, step):
        proof = existing.get(requirement.code)
        if proof is None:
            proof = Proof(
                public_id=secrets.token_urlsafe(12), journey=journey, owner_id=journey.owner_id, step_id=step.id,
                code=requirement.code, label=requirement.label, later_allowed=requirement.later_allowed,
                status=ProofStatus.DUE,
            )  # fmt: skip
            session.add(proof)
        proof.label, proof.later_allowed = requirement.label, requirement.later_allowed
        result.append((requirement, proof))
    return result


def drop_unneeded(session: Session, journey: Journey, step: ProofStep) -> None:
    """Documents a changed answer no longer calls for are deleted with their files."""
    needed = {r.code for r in requirements(journey, step)}
    for proof in session.scalars(select(Proof).where(Proof.journey_id == journey.id, Proof.step_id == step.id)):
        if proof.code not in needed:
            session.delete(proof)


def missing_message(requirement: ProofRequirement) -> str:
    if requirement.later_allowed:
        return f"Joignez « {requirement.label} » ou cochez « Envoyer plus tard »."
    return f"Joignez « {requirement.label} » : ce document est nécessaire pour valider votre demande."


def step_problems(
    session: Session, journey: Journey, step: ProofStep, later: Sequence[str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Per requirement code, what still blocks « Continuer »; and the data the step stores as its answer."""
    problems: dict[str, str] = {}
    sent_later: list[str] = []
    previewed = _previewed(journey, step)
    for requirement, proof in step_proofs(session, journey, step):
        if proof.files or requirement.code in previewed:
            previewed.add(requirement.code)
            continue
        if requirement.later_allowed and requirement.code in later:
            sent_later.append(requirement.code)
            continue
        problems[requirement.code] = missing_message(requirement)
    data: dict[str, Any] = {LATER_FIELD: sent_later}
    if journey.is_preview:
        data[PREVIEWED_FIELD] = sorted(previewed)
    return problems, data


def _previewed(journey: Journey, step: ProofStep) -> set[str]:
    """An HR preview keeps no file (its writes are rolled back): what HR attached is remembered by code in the
    step's answer, so the review does not ask for it again."""
    if not journey.is_preview:
        return set()
    answer = journey.answer_for(step.id)
    return set((answer.data or {}).get(PREVIEWED_FIELD, [])) if answer is not None else set()


def check_step(
    session: Session, journey: Journey, step: Step, raw: Mapping[str, Sequence[str]], submitting: bool
) -> StepCheck:
    """The engine's checker for proof steps (registered in ``wizard.app``): what blocks « Continuer »; on
    « Continuer », documents the answers no longer call for are dropped."""
    assert isinstance(step, ProofStep)  # noqa: S101 - registered for proof steps only
    problems, data = step_problems(session, journey, step, list(raw.get(LATER_FIELD, [])))
    if submitting and not problems:
        drop_unneeded(session, journey, step)
    return StepCheck(problems=problems, data=data)


# --- the member's documents and operations' queue --------------------------------------------------------------


def owned_proofs(session: Session, owner: User) -> list[Proof]:
    """The member's proofs of finished or ongoing journeys (previews excluded), newest first."""
    query = (
        select(Proof)
        .join(Journey, Proof.journey_id == Journey.id)
        .where(Proof.owner_id == owner.id, Journey.is_preview.is_(False), Journey.status != JourneyStatus.CANCELLED)
        .order_by(Proof.created_at.desc(), Proof.id.desc())
    )
    return list(session.scalars(query))


def still_due(session: Session, owner: User) -> list[Proof]:
    """Documents the member still has to send: chosen « plus tard », or refused, in finished journeys."""
    return [
        p for p in owned_proofs(session, owner)
        if p.status in (ProofStatus.DUE, ProofStatus.REFUSED) and p.journey.status == JourneyStatus.COMPLETED
    ]  # fmt: skip


def review_queue(session: Session) -> list[Proof]:
    """Operations' list: proofs sent and not yet checked, of finished journeys, oldest first."""
    query = (
        select(Proof)
        .join(Journey, Proof.journey_id == Journey.id)
        .where(
            Proof.status == ProofStatus.SUBMITTED,
            Journey.status == JourneyStatus.COMPLETED,
            Journey.is_preview.is_(False),
        )
        .order_by(Proof.updated_at, Proof.id)
    )
    return list(session.scalars(query))
