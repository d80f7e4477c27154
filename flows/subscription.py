"""« Adhérer au contrat » (docs/JOURNEYS.md §2): identity, Sécurité sociale, dependants, contacts, bank, signature.

Opened by a validated affiliation (its ``then``), never started by the member. Whether the partner and the
children pages appear depends on what the affiliation decided: the engine exposes those answers under
``"affiliation:<step>"`` keys (``wizard.journeys.steps.source_key``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from forms.context import Answers
from forms.subscription import AFFILIATION_HOUSEHOLD, ChildrenForm, PartnerForm, PersonalForm, SocialSecurityForm
from forms.subscription_contacts import BANK_EXPLANATION, PREFILLED_WARNING, BankForm, ContactsForm
from wizard.journeys.flow import Flow, FormStep, ReviewStep, SigningStep, TerminalStep
from wizard.models import Journey
from wizard.sepa.mandates import record_signed_mandate
from wizard.subscription.documents import build_subscription_documents
from wizard.subscription.service import on_subscription_completed

PERSONAL = "Infos personnelles"
HOUSEHOLD = "Infos foyer"
CONTACTS = "Moyens de contacts"
BANK = "Coordonnées bancaires"
SIGNATURE = "Signature électronique"


def subscription_signed(session: Session, journey: Journey) -> None:
    """The signing step's ``on_complete`` (the completion transaction): the confirmation email, then the SEPA
    mandate record with its échéancier and the pre-notification (``wizard.sepa``, which reads the terms)."""
    on_subscription_completed(session, journey)
    record_signed_mandate(session, journey)


def covers_partner(answers: Answers) -> bool:
    """The affiliation covers a partner."""
    return bool(answers.value(AFFILIATION_HOUSEHOLD, "cover_partner") == "yes")


def covers_children(answers: Answers) -> bool:
    """The affiliation covers at least one child."""
    return bool(answers.value(AFFILIATION_HOUSEHOLD, "cover_children") == "yes")


FLOW = Flow(
    id="subscription",
    version=1,
    title="Adhérer au contrat",
    description="Vos informations, celles de vos bénéficiaires, vos coordonnées bancaires et votre signature.",
    member_can_start=False,
    steps=(
        FormStep(
            id="personal", title="Je complète et je valide mes informations personnelles", form=PersonalForm,
            stage=PERSONAL,
            lead="Vérifiez les informations transmises par votre employeur, corrigez-les si besoin et complétez-les.",
        ),
        FormStep(
            id="social_security", title="Je communique mes informations de Sécurité sociale",
            form=SocialSecurityForm, stage=PERSONAL, template="steps/subscription/social_security.html",
        ),
        FormStep(
            id="partner", title="Je renseigne les informations de mon(ma) bénéficiaire conjoint(e)",
            form=PartnerForm, when=covers_partner, stage=HOUSEHOLD, template="steps/subscription/partner.html",
        ),
        FormStep(
            id="children", title="Je complète les informations de mon(mes) bénéficiaire(s) enfant(s)",
            form=ChildrenForm, when=covers_children, stage=HOUSEHOLD, template="steps/subscription/children.html",
        ),
        FormStep(
            id="contacts", title="Je saisis mes coordonnées", form=ContactsForm, stage=CONTACTS,
            template="steps/subscription/contacts.html", lead=PREFILLED_WARNING,
        ),
        FormStep(
            id="bank", title="Je renseigne mes informations bancaires", form=BankForm, stage=BANK,
            lead=BANK_EXPLANATION, template="steps/subscription/bank.html",
        ),
        ReviewStep(
            id="review", title="Je vérifie mes informations", stage=SIGNATURE, submit_label="Je passe à la signature",
            lead="Vérifiez vos réponses avant de lire et signer vos documents ; vous pouvez encore les modifier.",
        ),
        SigningStep(
            id="signature", title="Je lis et je signe mes documents", stage=SIGNATURE,
            documents=build_subscription_documents,
            submit_label="J'accepte les conditions et je souscris", on_complete=subscription_signed,
            template="steps/subscription/signature.html",
        ),
        TerminalStep(
            id="confirmation", title="Merci d'avoir choisi notre mutuelle !", stage="Confirmation",
            template="steps/subscription/confirmation.html",
            message="Votre demande d'adhésion à la complémentaire santé a bien été prise en compte.",
        ),
    ),
)  # fmt: skip
