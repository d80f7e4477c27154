"""Read side of a journey: its answers, the context its forms see, the stepper and the review rows.

Nothing here changes a journey (that is ``wizard.journeys.engine``'s job); everything is computed from the rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FormField
from wtforms.validators import Length

from config.catalogue import default_catalogue
from config.dates import member_effective_date, paris_date
from forms.base import StepForm
from forms.context import Answers, StepContext
from wizard.journeys.flow import DocumentContext, Flow, FormStep, Step, entered_steps
from wizard.journeys.registry import registry
from wizard.models import Campaign, Journey

logger = logging.getLogger(__name__)


def flow_of(journey: Journey) -> Flow:
    return registry().get(journey.flow_id, journey.flow_version)


#: separates the flow id from the step id in the keys of the sources' answers
SOURCE_SEPARATOR = ":"


def source_key(flow_id: str, step_id: str) -> str:
    """Key of an answer of the journey this one came from (``"affiliation:household"``).

    Step ids are snake_case identifiers, so a key with ``:`` can never collide with one of this journey's.
    """
    return f"{flow_id}{SOURCE_SEPARATOR}{step_id}"


def _source_answers(journey: Journey) -> dict[str, Mapping[str, Any]]:
    """The effective answers of the journeys this one came from, read-only, keyed by :func:`source_key`.

    Predicates only receive :class:`Answers`; the subscription branches on what the affiliation decided
    (partner or children covered), so those facts are exposed here rather than copied into a fake step.
    """
    sources: Mapping[str, Mapping[str, Mapping[str, Any]]] = (journey.context or {}).get("sources", {})
    return {source_key(f, s): data for f, by_step in sources.items() for s, data in by_step.items()}


def all_answers(journey: Journey) -> Answers:
    """Valid answers of every step ever answered (predicates only look at earlier steps), plus the sources'."""
    own = {a.step_id: a.data for a in journey.answers if a.data is not None}
    return Answers({**_source_answers(journey), **own})


def effective_answers(journey: Journey, flow: Flow | None = None) -> Answers:
    """Answers of the steps the person actually goes through: a branch left behind no longer counts.

    The sources' answers stay, so a predicate gives the same result on effective answers as on all answers.
    """
    flow = flow or flow_of(journey)
    answers = all_answers(journey)
    on_path = {s.id for s in entered_steps(flow, answers)}
    return Answers({k: v for k, v in answers.items() if k in on_path or SOURCE_SEPARATOR in k})


def campaign_of(journey: Journey) -> Campaign | None:
    """The journey's campaign. A stored journey started outside a campaign skips the ORM's lazy loader, which
    would work out on every step page that there is nothing to load; a new journey has its campaign in its
    attributes (the key is set when it is flushed)."""
    if journey.campaign_id is None and "campaign" not in vars(journey):
        return None
    return journey.campaign


def contract_name(journey: Journey) -> str:
    """THE contract's name for this journey, on every page and document: the campaign's, else the catalogue's."""
    campaign = campaign_of(journey)
    if campaign is not None and campaign.contract_name:
        return campaign.contract_name
    return default_catalogue().contract_name


def campaign_effective_date(journey: Journey) -> date:
    """The contract's collective effective date: the campaign's, or the configured default outside one."""
    campaign = campaign_of(journey)
    if campaign is not None:
        return campaign.effective_date
    default: date = current_app.config["DEFAULT_EFFECTIVE_DATE"]
    return default


def joined_on(journey: Journey) -> date:
    """The day the member joins: when the journey was completed (signed), else today (Paris time)."""
    if journey.completed_at is not None:
        return paris_date(journey.completed_at)
    return paris_date(datetime.now(UTC))


def effective_date(journey: Journey, on: date | None = None) -> date:
    """THE member's effective date, for every page, document, age check, cap and email.

    The campaign's date, or for a late joiner the date the contract's late-joiner rule gives from the day
    they join (``on``, default :func:`joined_on`); see :func:`config.dates.member_effective_date`.
    """
    rule = default_catalogue().late_joiner_rule
    return member_effective_date(campaign_effective_date(journey), on or joined_on(journey), rule)


def document_context(journey: Journey, today: date) -> DocumentContext:
    """What a document builder reads for this journey's current answers (SPECIMEN for an HR preview)."""
    stored = journey.context or {}
    return DocumentContext(
        journey_public_id=journey.public_id,
        journey_id=journey.id,
        answers=effective_answers(journey),
        sources=stored.get("sources", {}),
        prefill=stored.get("prefill", {}),
        catalogue=default_catalogue(),
        effective_date=effective_date(journey),
        owner_name=journey.owner.full_name,
        owner_email=journey.owner.email,
        today=today,
        specimen=journey.is_preview,
        campaign_contract_name=campaign.contract_name if (campaign := campaign_of(journey)) else "",
    )


def step_context(journey: Journey, answers: Answers | None = None) -> StepContext:
    stored = journey.context or {}
    return StepContext(
        catalogue=default_catalogue(),
        effective_date=effective_date(journey),
        answers=answers if answers is not None else all_answers(journey),
        prefill=stored.get("prefill", {}),
        sources=stored.get("sources", {}),
        is_preview=journey.is_preview,
    )


def build_form(
    step: FormStep, context: StepContext, raw: Mapping[str, list[str]] | None = None
) -> StepForm:
    """The step's form from submitted or stored raw input, or prefilled when nothing was typed yet."""
    if raw is None:
        return step.form(context=context, data=step.form.initial_data(context))
    return step.form(MultiDict([(k, v) for k, values in raw.items() for v in values]), context=context)


def stored_form(journey: Journey, step: FormStep, context: StepContext) -> StepForm:
    answer = journey.answer_for(step.id)
    return build_form(step, context, answer.raw if answer else None)


KEPT_VALUE_HINT = (
    "Valeur enregistrée : {masked}. Laissez ce champ vide pour la conserver, ou saisissez-en une nouvelle."
)


def display_form(journey: Journey, step: FormStep, context: StepContext, form: StepForm | None = None) -> StepForm:
    """The form as the page shows it: a saved NIR or IBAN is never put back in full into an input.

    A masked field whose value is the saved, validated one is shown empty with the masked value as a hint;
    submitting it empty keeps the saved value (see :func:`with_kept_values`).
    """
    form = form or stored_form(journey, step, context)
    answer = journey.answer_for(step.id)
    if answer is None or answer.data is None:
        return form
    for name in form.masked_fields:
        saved, field = answer.raw.get(name), form[name]
        if saved and answer.data.get(name) and field.raw_data in (saved, [""], []):
            field.raw_data, field.data = [""], ""
            field.kept_value = answer.data[name]  # notices about the saved value (NIR checks) still read it
            field.description = KEPT_VALUE_HINT.format(masked=form.mask(name, answer.data[name]))
    return form


def stored_input_is_valid(journey: Journey, step: FormStep, context: StepContext) -> bool:
    """Re-validation of a stored step: a stored value the form cannot even compare (a draft saved by an older
    version, say) counts as invalid — the member is sent back to the step — instead of failing every review."""
    try:
        return bool(stored_form(journey, step, context).validate())
    except (ValueError, ArithmeticError, TypeError):
        logger.warning("stored input of step %s of journey %s cannot be re-validated", step.id, journey.id)
        return False


#: a stored value is never longer than this unless the field itself allows more (its ``Length``)
MAX_STORED_VALUE = 1000
#: values kept per field name (a multiple choice); more is not something a form of ours sends
MAX_STORED_VALUES = 20


def declared_input(journey: Journey, step: FormStep, raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Only the fields the step's form declares (nested entries included), each value cut to the size the
    field allows: unknown or oversized fields of a hand-made POST are never stored."""
    limits = _declared_limits(journey, step, raw)
    return {
        name: [str(value)[: limits[name]] for value in values[:MAX_STORED_VALUES]]
        for name, values in raw.items()
        if name in limits
    }


#: field name → longest value kept, for the form classes that declare the same fields whatever is submitted
_FIXED_LIMITS: dict[type[StepForm], dict[str, int]] = {}


def _declared_limits(journey: Journey, step: FormStep, raw: Mapping[str, list[str]]) -> dict[str, int]:
    """Field name → longest value kept. A form without lists or sub-forms declares the same fields whatever is
    submitted: worked out once per form class instead of building the form twice on every POST."""
    known = _FIXED_LIMITS.get(step.form)
    if known is not None:
        return known
    form = build_form(step, step_context(journey), raw)
    limits = {field.name: _stored_length(field) for field in leaf_fields(form)}
    if not any(isinstance(field, FieldList | FormField) for field in form):
        _FIXED_LIMITS[step.form] = limits
    return limits


def leaf_fields(form: Any) -> Iterator[Field]:
    """Every input field of a form, the entries of lists and sub-forms included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from leaf_fields(entry.form) if isinstance(entry, FormField) else (entry,)
        elif isinstance(field, FormField):
            yield from leaf_fields(field.form)
        else:
            yield field


def _stored_length(field: Field) -> int:
    lengths = [int(v.max) for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
    return max([MAX_STORED_VALUE, *lengths])


def with_kept_values(journey: Journey, step: Step | None, raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Submitted input, reduced to the fields the step declares, where a masked field left empty takes back
    the saved, validated value."""
    if isinstance(step, FormStep):
        raw = declared_input(journey, step, raw)
    merged = {k: list(v) for k, v in raw.items()}
    answer = journey.answer_for(step.id) if step is not None else None
    if not isinstance(step, FormStep) or answer is None or answer.data is None:
        return merged
    for name in step.form.masked_fields:
        if not "".join(merged.get(name, [])).strip() and answer.data.get(name) and answer.raw.get(name):
            merged[name] = list(answer.raw[name])
    return merged


def visited_steps(journey: Journey, flow: Flow) -> list[Step]:
    """Steps reached so far that are still on the person's path, in flow order."""
    on_path = {s.id for s in entered_steps(flow, all_answers(journey))}
    return [s for s in flow.steps if s.id in journey.path and s.id in on_path]


def previous_step_id(journey: Journey, flow: Flow, step_id: str) -> str | None:
    ids = [s.id for s in visited_steps(journey, flow)]
    if step_id not in ids:
        return None
    index = ids.index(step_id)
    return ids[index - 1] if index > 0 else None


@dataclass(frozen=True)
class StepperItem:
    label: str
    status: str  # "done" | "current" | "todo"
    step_id: str | None  # link target for a done stage


def stepper(journey: Journey, flow: Flow, current_id: str) -> list[StepperItem]:
    """Stages (a stage may span several pages) with done / current / remaining status."""
    steps = entered_steps(flow, all_answers(journey))  # the terminal is the last stage (« Confirmation »)
    current_index = next((i for i, s in enumerate(steps) if s.id == current_id), len(steps))
    items: list[StepperItem] = []
    for index, step in enumerate(steps):
        label = step.stage or step.title
        status = "done" if index < current_index else "current" if index == current_index else "todo"
        if items and items[-1].label == label:
            merged = "current" if "current" in (items[-1].status, status) else items[-1].status
            items[-1] = StepperItem(label, merged if status != "todo" else items[-1].status, items[-1].step_id)
            continue
        items.append(StepperItem(label, status, step.id if status == "done" else None))
    return items


@dataclass(frozen=True)
class ReviewSection:
    step_id: str
    title: str
    rows: list[tuple[str, str]]


def review_sections(journey: Journey, flow: Flow, until: str) -> list[ReviewSection]:
    context = step_context(journey)
    sections: list[ReviewSection] = []
    for step in visited_steps(journey, flow):
        if step.id == until:
            break
        if isinstance(step, FormStep):
            rows = stored_form(journey, step, context).summary()
            sections.append(ReviewSection(step.id, step.title, rows))
    return sections


def jsonable_context(prefill: Mapping[str, Any], sources: Mapping[str, Any]) -> dict[str, Any]:
    return {"prefill": dict(prefill), "sources": dict(sources)}
