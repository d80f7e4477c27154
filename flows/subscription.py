"""« Adhérer au contrat » (docs/JOURNEYS.md §2): identity, Sécurité sociale, dependants, contacts, bank, signature.

Opened by a validated affiliation (its ``then``), never started by the member. Whether the partner and the
children pages appear depends on what the affiliation decided: the engine exposes those answers under
``"affiliation:<step>"`` keys (``wizard.journeys.steps.source_key``).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from forms.context import Answers
from forms.subscription import (
    AFFILIATION_CHILDREN,
    AFFILIATION_HOUSEHOLD,
    ChildrenForm,
    PartnerForm,
    PersonalForm,
    SocialSecurityForm,
)
from forms.subscription_contacts import BANK_EXPLANATION, PREFILLED_WARNING, BankForm, ContactsForm
from wizard.journeys.flow import (
    Flow,
    FormStep,
    ProofRequirement,
    ProofStep,
    ReviewStep,
    SigningStep,
    TerminalStep,
)
from wizard.models import Journey
from wizard.sepa.mandates import record_signed_mandate
from wizard.subscription.documents import build_subscription_documents
from wizard.subscription.service import on_subscription_completed

PERSONAL = "Infos personnelles"
HOUSEHOLD = "Infos foyer"
CONTACTS = "Moyens de contacts"
BANK = "Coordonnées bancaires"
SIGNATURE = "Signature électronique"
PROOFS = "Justificatifs"
#: a child of 21 to 24 covered because of these situations proves it; any age with a recognised disability
STUDYING = ("student", "apprentice", "job_seeker")
PACS_CERTIFICATE = ProofRequirement(
    code="pacs_certificate", label="Attestation d'enregistrement du PACS",
    hint="Délivrée par la mairie ou le notaire.", later_allowed=True,
)  # fmt: skip


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


def _child_name(answers: Answers, index: int) -> str:
    children = answers.value("children", "children") or []
    name = children[index].get("first_name", "") if index < len(children) else ""
    return str(name).strip() or f"enfant {index + 1}"


def required_proofs(answers: Answers) -> tuple[ProofRequirement, ...]:
    """The documents the household the affiliation validated calls for: a PACS partner's attestation, and
    for each child covered for a situation (declared by the affiliation for a child of 21 or more) the
    certificate of studies, apprenticeship or job seeking, or the CDAPH notification. All may follow later."""
    found: list[ProofRequirement] = []
    if covers_partner(answers) and answers.value(AFFILIATION_HOUSEHOLD, "partner_link") == "pacs":
        found.append(PACS_CERTIFICATE)
    situations = (answers.value(AFFILIATION_CHILDREN, "children") or []) if covers_children(answers) else []
    for index, child in enumerate(situations):
        situation, name = child.get("situation"), _child_name(answers, index)
        if situation in STUDYING:
            found.append(ProofRequirement(
                code=f"schooling_certificate_{index + 1}",
                label=f"Certificat de scolarité, contrat d'apprentissage ou attestation France Travail ({name})",
                hint="Le document de l'année en cours.", later_allowed=True,
            ))  # fmt: skip
        elif situation == "disabled":
            found.append(ProofRequirement(
                code=f"disability_notice_{index + 1}", label=f"Notification de la CDAPH ({name})",
                hint="Reconnaissance du handicap de l'enfant.", later_allowed=True,
            ))  # fmt: skip
    return tuple(found)


def needs_proofs(answers: Answers) -> bool:
    """The household calls for at least one supporting document."""
    return bool(required_proofs(answers))


FLOW = Flow(
    id="subscription",
    version=2,
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
        ProofStep(
            id="proofs", title="Je joins mes justificatifs", proofs=required_proofs, when=needs_proofs,
            stage=PROOFS,
            lead=(
                "Votre situation familiale demande un ou plusieurs justificatifs. Joignez-les maintenant ou "
                "choisissez « Envoyer plus tard » : vous pourrez les envoyer depuis « Mes documents »."
            ),
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

#: journeys started before the proof step existed keep their pages (no « Je joins mes justificatifs »)
PREVIOUS_VERSIONS = (replace(FLOW, version=1, steps=tuple(s for s in FLOW.steps if not isinstance(s, ProofStep))),)
