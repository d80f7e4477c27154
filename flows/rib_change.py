"""« Modifier mon RIB »: new holder and account, check, then the new mandate version signed with a one-time code.

Started from « Mon contrat » (``wizard.sepa.views``) on the mandate in force, never from the journeys
list; the amendment is recorded by the signing step's ``on_complete`` (``wizard.sepa.rib_change``).
"""

from __future__ import annotations

from forms.rib_change import RibChangeForm
from wizard.journeys.flow import Flow, FormStep, ReviewStep, SigningStep, TerminalStep
from wizard.sepa.documents import build_rib_change_documents
from wizard.sepa.rib_change import record_amendment

FLOW = Flow(
    id="rib_change",
    version=1,
    title="Modifier mon RIB",
    description="Changer le compte sur lequel vos cotisations sont prélevées.",
    member_can_start=False,
    steps=(
        FormStep(
            id="details", title="Je saisis mes nouvelles coordonnées bancaires", form=RibChangeForm,
            template="steps/rib_change/details.html",
            lead=(
                "Le nouveau compte sera prélevé à partir du prochain prélèvement qui n'a pas encore été transmis "
                "à la banque."
            ),
        ),
        ReviewStep(
            id="review", title="Je vérifie mes nouvelles coordonnées", submit_label="Je passe à la signature",
            lead="Vérifiez le titulaire et l'IBAN du nouveau compte avant de signer votre mandat modifié.",
        ),
        SigningStep(
            id="signature", title="Je signe mon mandat de prélèvement modifié", documents=build_rib_change_documents,
            consent_text=(
                "J'autorise le prélèvement de mes cotisations sur ce nouveau compte, avec la même référence de mandat."
            ),
            submit_label="Je signe et je reçois un code", on_complete=record_amendment,
            lead="Pour confirmer qu'il s'agit bien de vous, un code à usage unique vous est envoyé par courriel.",
        ),
        TerminalStep(
            id="done", title="Votre RIB est modifié", stage="Confirmation",
            message=(
                "La modification de votre RIB est enregistrée : le nouveau compte sera prélevé dès le prochain "
                "prélèvement. Un courriel de confirmation vous a été envoyé. Si le compte est celui d'une autre "
                "personne, elle reçoit par courriel un lien pour signer le mandat modifié : le compte actuel reste "
                "prélevé jusqu'à sa signature."
            ),
        ),
    ),
)  # fmt: skip
