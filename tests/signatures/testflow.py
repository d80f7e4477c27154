"""A tiny flow used only by these tests: a form, a signing step with two real PDFs, a terminal step.

It keeps the signing machinery testable whatever state the real subscription flow is in.
"""

from __future__ import annotations

from reportlab.platypus import Flowable
from wtforms import StringField
from wtforms.validators import DataRequired

from config.catalogue import default_catalogue
from forms.base import StepForm
from signing.documents.layout import DocumentInfo, para, render_document, signature_block, title
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext, Flow, FormStep, SigningStep, TerminalStep

FLOW_ID = "signing_test"
RUM = "RUM-TEST-2026-0001"
ICS = "FR46ZZZ005002"
CONSENT = "Je certifie l'exactitude de la présente déclaration"
COMPLETED: list[str] = []


class DeclarationForm(StepForm):
    city = StringField("Votre ville", validators=[DataRequired("Indiquez votre ville.")])


def _pdf(kind: str, heading: str, context: DocumentContext) -> bytes:
    city = context.answers.value("declaration", "city", "")
    story: list[Flowable] = [
        title(heading),
        para(f"Adhérent(e) : {context.owner_name} — ville déclarée : {city}"),
        para(f"Date d'effet : {context.effective_date.isoformat()}"),
        signature_block(city or "Paris", context.today),
    ]
    info = DocumentInfo(title=heading, kind=kind, template_version="test.1")
    return render_document(info, story, brand=default_catalogue().brand, specimen=context.specimen)


def build_documents(context: DocumentContext) -> list[DocumentToSign]:
    """Two documents, the second a mandate carrying its RUM and ICS."""
    bulletin_facts = {
        "template_version": "test.1",
        "effective_date": context.effective_date.isoformat(),
        "monthly_amount_cents": "4600",
    }
    mandate_facts = {"template_version": "test.1", "rum": RUM, "ics": ICS}
    return [
        DocumentToSign(
            "bulletin", "Bulletin d'adhésion", "bulletin.pdf",
            _pdf("bulletin", "Bulletin d'adhésion", context), metadata=bulletin_facts,
        ),
        DocumentToSign(
            "mandate", "Mandat de prélèvement SEPA", "mandat.pdf",
            _pdf("mandate", "Mandat de prélèvement SEPA", context), metadata=mandate_facts,
        ),
    ]  # fmt: skip


def remember_completion(session: object, journey: object) -> None:
    """The on_complete hook: tests check it ran exactly once."""
    COMPLETED.append(getattr(journey, "public_id", ""))


FLOW = Flow(
    id=FLOW_ID,
    version=1,
    title="Parcours de test de signature",
    member_can_start=True,
    steps=(
        FormStep(id="declaration", title="Ma déclaration", form=DeclarationForm),
        SigningStep(
            id="signature",
            title="Signature électronique",
            documents=build_documents,
            consent_text=CONSENT,
            submit_label="J'accepte les conditions et je souscris",
            on_complete=remember_completion,
        ),
        TerminalStep(id="done", title="Demande enregistrée", message="Votre demande a bien été prise en compte."),
    ),
)
