"""« Ma demande de dispense » (docs/JOURNEYS.md §3): reason, what it needs, the attestation, its signature.

The signed attestation sur l'honneur is the only accepted proof of a dispense (décret 2022-633, art. 3).
"""

from __future__ import annotations

from forms.dispense import AttestationForm, DetailsForm, ReasonForm
from wizard.dispense.documents import build_dispense_documents
from wizard.dispense.service import queue_confirmation
from wizard.journeys.flow import Flow, FormStep, ReviewStep, SigningStep, TerminalStep

VALIDATION_WARNING = (
    "Attention, en cliquant sur le bouton de validation, la procédure de demande de dispense sera enclenchée. "
    "Vous renoncez donc au bénéfice de la couverture complémentaire santé obligatoire mise en place par votre "
    "employeur public, et à sa participation de 50 % à votre cotisation."
)

FLOW = Flow(
    id="dispense",
    version=1,
    title="Ma demande de dispense",
    description="Le motif de votre dispense et votre attestation sur l'honneur signée.",
    member_can_start=True,
    steps=(
        FormStep(
            id="reason",
            title="Le motif de ma dispense",
            form=ReasonForm,
            template="steps/dispense/reason.html",
        ),
        FormStep(
            id="details",
            title="La durée de ma dispense",
            form=DetailsForm,
            template="steps/dispense/details.html",
            lead="Veillez à indiquer une date de fin de dispense postérieure à la date d'effet du contrat.",
        ),
        FormStep(
            id="attestation",
            title="Mes coordonnées pour l'attestation",
            form=AttestationForm,
            lead=(
                "Ces informations figurent sur votre attestation sur l'honneur : tous les champs sont "
                "obligatoires, sauf le nom de naissance et le téléphone."
            ),
        ),
        ReviewStep(
            id="review",
            title="Je vérifie ma demande",
            submit_label="Valider ma demande de dispense",
            template="steps/dispense/review.html",
            lead=VALIDATION_WARNING,
        ),
        SigningStep(
            id="signature",
            title="Je signe mon attestation sur l'honneur",
            documents=build_dispense_documents,
            consent_text="Je certifie sur l'honneur l'exactitude des renseignements de mon attestation.",
            submit_label="Je signe mon attestation",
            lead=(
                "L'attestation sur l'honneur, dûment complétée et signée, est le seul document accepté pour "
                "valider une dispense."
            ),
            on_complete=queue_confirmation,
        ),
        TerminalStep(
            id="done",
            title="Votre demande de dispense est enregistrée", stage="Confirmation",
            template="steps/dispense/done.html",
            message=(
                "Votre attestation sur l'honneur est signée : votre demande de dispense a bien été prise en "
                "compte."
            ),
        ),
    ),
)
