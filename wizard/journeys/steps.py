"""Read side of a journey: its answers, the context its forms see, the stepper and the review rows.

Nothing here changes a journey (that is ``wizard.journeys.engine``'s job); everything is computed from the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.base import StepForm
from forms.context import Answers, StepContext
from wizard.journeys.flow import Flow, FormStep, Step, entered_steps
from wizard.journeys.registry import registry
from wizard.models import Journey


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


def effective_date(journey: Journey) -> date:
    if journey.campaign is not None:
        return journey.campaign.effective_date
    default: date = current_app.config["DEFAULT_EFFECTIVE_DATE"]
    return default


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


def with_kept_values(journey: Journey, step: Step | None, raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Submitted input where a masked field left empty takes back the saved, validated value."""
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
