"""« Changement de situation familiale »: a dependant joins or leaves the contract, with proof and an avenant.

Started from « Mon contrat » or « Mes démarches » once the subscription is signed
(``wizard.family_change.service.start``). The member says what happened and when, who joins (same questions as the
subscription), sends the proof the event calls for (or later, where the rules allow), sees the new monthly
amount and its start date on the review, then signs the avenant.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from forms.context import Answers
from forms.family_change import EventForm, NewChildForm, NewPartnerForm
from wizard.family_change.documents import build_amendment_documents
from wizard.family_change.service import record_change, signed_subscription
from wizard.journeys.flow import (
    Flow,
    FormStep,
    ProofRequirement,
    ProofStep,
    ReviewStep,
    SigningStep,
    TerminalStep,
)
from wizard.models import FamilyChange
from wizard.sepa.mandates import recompute_schedule

STUDYING = ("student", "apprentice", "job_seeker")
#: the document each event calls for: (label, hint, may be sent later)
EVENT_PROOFS = {
    "birth": ("Acte de naissance de l'enfant", "Ou la copie du livret de famille à jour.", True),
    "adoption": ("Jugement d'adoption ou attestation de placement en vue d'adoption", "", False),
    "marriage": ("Acte de mariage", "Ou la copie du livret de famille à jour.", True),
    "pacs": ("Attestation d'enregistrement du PACS", "Délivrée par la mairie ou le notaire.", True),
    "concubinage": (
        "Attestation sur l'honneur de vie commune",
        "Signée par vous deux, avec un justificatif de domicile commun de moins de 3 mois.",
        False,
    ),
    "divorce": ("Jugement ou convention de divorce (ou de séparation de corps)", "", True),
    "pacs_end": ("Attestation de dissolution du PACS", "", True),
    "separation": ("Attestation sur l'honneur de fin de vie commune", "", False),
    "death": ("Acte de décès", "", True),
}
SCHOOLING = ProofRequirement(
    code="schooling_certificate",
    label="Certificat de scolarité, contrat d'apprentissage ou attestation France Travail",
    hint="Pour un enfant de 21 à 24 ans : le document de l'année en cours.", later_allowed=True,
)  # fmt: skip
DISABILITY = ProofRequirement(
    code="disability_notice", label="Notification de la CDAPH", hint="Reconnaissance du handicap de l'enfant.",
)  # fmt: skip


def reschedule_after_change(session: Session, change: FamilyChange) -> None:
    """A ``wizard.family_change.service.ON_CHANGE_SIGNED`` hook (registered by ``wizard.app``), run in the
    avenant's signing transaction: the subscription's échéancier takes the new monthly amount from the
    change's effect date (the months before keep theirs, exported lines never change) and, if anything
    changed, a new échéancier is emailed as the pre-notification (``wizard.sepa.mandates``)."""
    if change.journey.is_preview:
        return
    subscription = signed_subscription(session, change.owner)
    if subscription is not None:
        recompute_schedule(
            session, subscription, monthly_cents=change.monthly_after_cents, from_date=change.effective_date
        )


def adds_partner(answers: Answers) -> bool:
    """A marriage, a PACS or a concubinage: the new partner's identity is asked."""
    return bool(answers.value("event", "event") == "union")


def adds_child(answers: Answers) -> bool:
    """A birth or an adoption: the child's identity is asked."""
    return bool(answers.value("event", "event") == "birth_adoption")


def required_proofs(answers: Answers) -> tuple[ProofRequirement, ...]:
    """The documents the event calls for; an older child joining also proves studies or disability."""
    event = answers.value("event", "event")
    detail = {
        "birth_adoption": answers.value("event", "birth_kind"),
        "union": answers.value("event", "union_kind"),
        "separation": answers.value("event", "separation_kind"),
        "death": "death",
    }.get(str(event))
    found: list[ProofRequirement] = []
    if detail in EVENT_PROOFS:
        label, hint, later = EVENT_PROOFS[str(detail)]
        found.append(ProofRequirement(code=f"{detail}_certificate", label=label, hint=hint, later_allowed=later))
    situation = answers.value("child", "situation") if event == "birth_adoption" else None
    if situation in STUDYING or event == "child_studies":
        found.append(SCHOOLING)
    elif situation == "disabled":
        found.append(DISABILITY)
    return tuple(found)


FLOW = Flow(
    id="family_change",
    version=1,
    title="Changement de situation familiale",
    description="Ajouter ou retirer un bénéficiaire après une naissance, un mariage, une séparation…",
    steps=(
        FormStep(
            id="event", title="Que s'est-il passé ?", form=EventForm, stage="Mon changement",
            lead="Déclarez votre changement de situation : nous adaptons votre contrat et votre cotisation.",
        ),
        FormStep(
            id="partner", title="Je renseigne les informations de mon(ma) conjoint(e)", form=NewPartnerForm,
            when=adds_partner, stage="Le bénéficiaire", template="steps/subscription/partner.html",
        ),
        FormStep(
            id="child", title="Je renseigne les informations de l'enfant", form=NewChildForm,
            when=adds_child, stage="Le bénéficiaire",
        ),
        ProofStep(
            id="proofs", title="Je joins mes justificatifs", proofs=required_proofs, stage="Justificatifs",
            lead=(
                "Joignez le(s) document(s) demandé(s). Certains peuvent être envoyés plus tard depuis "
                "« Mes documents »."
            ),
        ),
        ReviewStep(
            id="review", title="Je vérifie mon changement et sa cotisation", stage="Signature",
            submit_label="Je passe à la signature", template="steps/family_change/review.html",
            lead=(
                "Vérifiez votre déclaration et l'effet sur votre cotisation avant de signer l'avenant à votre "
                "contrat."
            ),
        ),
        SigningStep(
            id="signature", title="Je signe l'avenant à mon contrat", stage="Signature",
            documents=build_amendment_documents,
            consent_text="Je certifie l'exactitude de ma déclaration de changement de situation.",
            submit_label="Je signe l'avenant", on_complete=record_change,
        ),
        TerminalStep(
            id="done", title="Votre changement de situation est enregistré", stage="Confirmation",
            template="steps/family_change/done.html",
            message="Votre avenant est signé. Vous le retrouvez dans « Mes documents ».",
        ),
    ),
)  # fmt: skip
