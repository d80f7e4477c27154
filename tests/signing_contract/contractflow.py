"""The smallest journey with a signing step, used by the provider contract suite: one form, one signing
step with two real PDFs (carrying DocuSign's anchors), a terminal step."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from config.catalogue import default_catalogue
from forms.base import StepForm
from signing.documents.layout import DocumentInfo, para, render_document, signature_block, title
from signing.providers.base import DocumentToSign
from wizard.flow import DocumentContext, Flow, FormStep, SigningStep, TerminalStep

FLOW_ID = "signing_contract"
CONSENT = "Je certifie l'exactitude des informations et j'accepte de signer électroniquement"
#: the on_complete hook appends the journey's public id: it must run exactly once per signed journey
COMPLETED: list[str] = []


class CityForm(StepForm):
    city = StringField("Votre ville", validators=[DataRequired("Indiquez votre ville.")])


def _pdf(kind: str, heading: str, context: DocumentContext) -> bytes:
    city = context.answers.value("declaration", "city", "")
    story = [
        title(heading),
        para(f"Adhérent(e) : {context.owner_name} — ville : {city}"),
        signature_block(city or "Paris", context.today),
    ]
    info = DocumentInfo(title=heading, kind=kind, template_version="contract.1")
    return render_document(info, story, brand=default_catalogue().brand, specimen=context.specimen)


def build_documents(context: DocumentContext) -> list[DocumentToSign]:
    facts = {"template_version": "contract.1"}
    return [
        DocumentToSign("bulletin", "Bulletin d'adhésion", "bulletin.pdf", _pdf("bulletin", "Bulletin", context), facts),
        DocumentToSign("mandate", "Mandat SEPA", "mandat.pdf", _pdf("mandate", "Mandat SEPA", context), facts),
    ]


def remember_completion(session: object, journey: object) -> None:
    COMPLETED.append(str(getattr(journey, "public_id", "")))


FLOW = Flow(
    id=FLOW_ID,
    version=1,
    title="Parcours de contrat de signature",
    member_can_start=True,
    steps=(
        FormStep(id="declaration", title="Ma déclaration", form=CityForm),
        SigningStep(
            id="signature",
            title="Signature électronique",
            documents=build_documents,
            consent_text=CONSENT,
            submit_label="J'accepte les conditions et je signe",
            on_complete=remember_completion,
        ),
        TerminalStep(id="done", title="Demande enregistrée", message="Votre demande a bien été prise en compte."),
    ),
)
