"""Beneficiary designation for the death benefit (docs/JOURNEYS.md §4): choice, beneficiaries, clause, signature.

Started from « Mon contrat » (``wizard.designation.views``) after a fresh re-authentication; each signed
designation becomes a new version (``wizard.designation.service.record_version``), the earlier ones are kept.
"""

from __future__ import annotations

from forms.context import Answers
from forms.designation import BeneficiariesForm, ChoiceForm
from wizard.designation.documents import build_designation_documents
from wizard.designation.service import record_version
from wizard.journeys.flow import Flow, FormStep, ReviewStep, SigningStep, TerminalStep


def names_beneficiaries(answers: Answers) -> bool:
    """« Désignation particulière »: the member names the beneficiaries and their shares."""
    return bool(answers.value("choice", "mode") == "particular")


FLOW = Flow(
    id="designation",
    version=1,
    title="Désignation de bénéficiaires",
    description="Les bénéficiaires du capital décès de votre contrat de prévoyance.",
    steps=(
        FormStep(
            id="choice", title="Mon choix de désignation", form=ChoiceForm, template="steps/designation/choice.html"
        ),
        FormStep(
            id="beneficiaries",
            title="Mes bénéficiaires",
            form=BeneficiariesForm,
            when=names_beneficiaries,
            template="steps/designation/beneficiaries.html",
        ),
        ReviewStep(
            id="review",
            title="Je relis ma clause bénéficiaire",
            submit_label="Je valide ma clause",
            template="steps/designation/review.html",
            lead="Relisez attentivement la clause ci-dessous : elle figurera sur le document que vous signerez.",
        ),
        SigningStep(
            id="signature",
            title="Je signe ma désignation",
            documents=build_designation_documents,
            consent_text="Je certifie que cette désignation de bénéficiaires exprime ma volonté.",
            submit_label="Je signe ma désignation",
            lead="La procédure de désignation de bénéficiaires est certifiée par une signature électronique.",
            on_complete=record_version,
        ),
        TerminalStep(
            id="done",
            title="Votre désignation est enregistrée", stage="Confirmation",
            message=(
                "Votre désignation de bénéficiaires est signée et enregistrée. Elle remplace la précédente, "
                "qui reste consultable dans l'historique."
            ),
        ),
    ),
)
