"""The declarative vocabulary journeys are written in.

A journey is data: ``FLOW = Flow(id=..., steps=(FormStep(...), ReviewStep(...), TerminalStep(...)))`` plus
small named predicates. ``wizard.journeys.compile`` turns a flow into a transitions machine definition and checks it;
``wizard.journeys.engine`` is the only code that moves a journey along it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from forms.context import Answers

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from config.catalogue import Catalogue
    from forms.base import StepForm
    from signing.providers.base import DocumentToSign
    from wizard.models import Journey


#: a named, pure function of the answers; its ``__name__`` shows in diagrams
Predicate = Callable[[Answers], bool]


@dataclass(frozen=True, kw_only=True)
class Step:
    #: snake_case noun, unique in the flow, used in URLs and stored answers
    id: str
    #: the page title and the stepper label
    title: str
    #: the step is entered only when this predicate holds (checked when leaving the previous step)
    when: Predicate | None = None
    #: a template overriding the generic step page, relative to ``templates/``
    template: str | None = None
    #: the stepper groups steps under this label when several pages form one visible stage
    stage: str | None = None

    @property
    def is_terminal(self) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class FormStep(Step):
    form: type[StepForm]
    #: introduction shown above the form
    lead: str = ""


@dataclass(frozen=True, kw_only=True)
class ReviewStep(Step):
    """Lists every answer with a « Modifier » link; submitting re-validates every visited step."""

    submit_label: str = "Je valide"
    lead: str = ""


@dataclass(frozen=True)
class DocumentContext:
    """Everything a document builder may read: plain values, no database, no request."""

    journey_public_id: str
    #: effective answers of this journey, and of the journeys it came from (by flow id)
    answers: Answers
    sources: Mapping[str, Mapping[str, Mapping[str, Any]]]
    prefill: Mapping[str, Any]
    catalogue: Catalogue
    effective_date: date
    owner_name: str
    owner_email: str
    #: the day the documents are produced (« Fait le … »)
    today: date
    #: HR preview: every page carries a SPECIMEN watermark
    specimen: bool = False
    #: the contract as the campaign names it ("" outside a campaign: the catalogue's name is used)
    campaign_contract_name: str = ""

    @property
    def contract_name(self) -> str:
        return self.campaign_contract_name or self.catalogue.contract_name
    #: the journey's primary key: never reused, so a mandate reference (RUM) built from it is unique
    journey_id: int | None = None


#: a pure function producing the PDFs a signing step asks the member to sign
DocumentBuilder = Callable[[DocumentContext], "list[DocumentToSign]"]


@dataclass(frozen=True, kw_only=True)
class SigningStep(Step):
    """Shows the documents and runs the signing ceremony; left by ``signature_completed`` only."""

    documents: DocumentBuilder
    #: the exact consent text shown next to the unticked box (stored in the evidence with its version)
    consent_text: str = "Je certifie l'exactitude de la présente déclaration."
    submit_label: str = "J'accepte les conditions et je signe"
    lead: str = ""
    #: run by ``wizard.signatures`` in the completion transaction, once, just before the journey leaves this
    #: step (the signed Document rows are in the session); never run for HR previews
    on_complete: Callable[[Session, Journey], None] | None = None


@dataclass(frozen=True)
class ProofRequirement:
    """One supporting document (« pièce justificative ») the rules ask for, given the answers."""

    #: stable snake_case code (``birth_certificate``): stored with the files, used in form field names
    code: str
    #: what the member must send, as the page and « Mes documents » name it
    label: str
    hint: str = ""
    #: the member may finish the journey and send it later from « Mes documents » (« Envoyer plus tard »)
    later_allowed: bool = False


#: a pure function of the answers naming the documents to collect (empty: the step is passed through)
ProofRule = Callable[[Answers], "tuple[ProofRequirement, ...]"]


@dataclass(frozen=True, kw_only=True)
class ProofStep(Step):
    """Collects the supporting documents ``proofs`` asks for (``wizard.proofs``: PDF/JPEG/PNG, checked,
    scanned and encrypted); « Continuer » is refused while a required document is missing, unless the
    rules allow sending it later and the member chose to."""

    proofs: ProofRule
    lead: str = ""


@dataclass(frozen=True, kw_only=True)
class TerminalStep(Step):
    #: a flow to open for the same person once this one ends here (e.g. affiliation → subscription)
    then: str | None = None
    message: str = ""

    @property
    def is_terminal(self) -> bool:
        return True


@dataclass(frozen=True, kw_only=True)
class Flow:
    id: str
    version: int
    title: str
    steps: tuple[Step, ...]
    #: short text for the dashboard and the HR pages
    description: str = ""
    help_template: str | None = None
    #: members may start it themselves (affiliation, dispense); others are opened by another journey
    member_can_start: bool = False

    def step(self, step_id: str) -> Step | None:
        found = self._positions.get(step_id)
        return None if found is None else self.steps[found]

    def index(self, step_id: str) -> int:
        """The step's position in the flow (``KeyError`` for a step the flow does not have)."""
        return self._positions[step_id]

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Step id → position, built on first use: every request looks steps up by id, often several times."""
        return {step.id: index for index, step in enumerate(self.steps)}

    @property
    def first_step(self) -> Step:
        return self.steps[0]


def entered_steps(flow: Flow, answers: Answers) -> list[Step]:
    """The steps a person with these answers goes through, in order, up to the first terminal."""
    result: list[Step] = []
    for step in flow.steps:
        if step.when is None or step.when(answers):
            result.append(step)
            if step.is_terminal:
                break
    return result
