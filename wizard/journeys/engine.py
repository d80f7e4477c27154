"""The only code that changes a journey.

Every operation follows one pattern: check the submission is current (revision and step), validate,
store, move the machine (``wizard.journeys.runtime``), append an audit event, then flush; the request's
unit of work (``wizard.db``) commits once. Any error rolls the whole request back, so the stored state and
the answers never diverge. A stale submission (another tab, a double click, a concurrent process) never
overwrites newer answers: it yields a "stale" outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from forms.base import StepForm
from forms.context import Answers
from wizard.db import STALE_MESSAGE
from wizard.journeys import runtime, steps, writes
from wizard.journeys.flow import Flow, FormStep, ReviewStep, Step, TerminalStep
from wizard.journeys.hooks import StepChecker, checker_for
from wizard.journeys.registry import registry
from wizard.models import Actor, Campaign, Journey, JourneyEvent, JourneyStatus, User, utcnow

DRAFT_MESSAGE = "Vos réponses sont enregistrées. Vous pourrez reprendre votre démarche à tout moment."
REVALIDATE_MESSAGE = "Une de vos réponses doit être vérifiée avant de valider : merci de la corriger."


@dataclass
class Outcome:
    """What the view does next: redirect to ``step_id`` (with ``message``), or re-render ``form``."""

    kind: str  # "moved" | "invalid" | "stale" | "saved" | "finished"
    step_id: str
    message: str | None = None
    form: StepForm | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StepNotOpen(Exception):
    """The step was never reached (or left the path): the person is sent to their current step."""

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


# --- starting and finding journeys -------------------------------------------------------------------


def open_journeys(session: Session, owner: User) -> list[Journey]:
    query = select(Journey).where(
        Journey.owner_id == owner.id,
        Journey.status == JourneyStatus.IN_PROGRESS,
        Journey.is_preview.is_(False),
    )
    return list(session.scalars(query.order_by(Journey.updated_at.desc())))


def find_open_journey(session: Session, owner: User, flow_id: str) -> Journey | None:
    return next((j for j in open_journeys(session, owner) if j.flow_id == flow_id), None)


def start_journey(
    session: Session,
    owner: User,
    flow_id: str,
    actor: Actor,
    *,
    campaign: Campaign | None = None,
    prefill: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    is_preview: bool = False,
) -> Journey:
    """Create a journey on the flow's current version, at its first step."""
    flow = registry().current(flow_id)
    journey = Journey(
        owner=owner,
        campaign=campaign,
        flow_id=flow.id,
        flow_version=flow.version,
        state=flow.first_step.id,
        path=[flow.first_step.id],
        is_preview=is_preview,
        context=steps.jsonable_context(prefill or {}, sources or {}),
    )
    session.add(journey)
    _record(session, journey, "start", None, flow.first_step.id, actor)
    return journey


def resume_or_start(session: Session, owner: User, flow_id: str, actor: Actor, **start_kwargs: Any) -> Journey:
    """One draft per person and journey: following a link again resumes it."""
    journey = find_open_journey(session, owner, flow_id)
    if journey is None:
        journey = start_journey(session, owner, flow_id, actor, **start_kwargs)
        session.flush()
    return journey


# --- showing a step ------------------------------------------------------------------------------------


def check_step_open(journey: Journey, step_id: str) -> Step:
    """The step if this person may open it now, else :class:`StepNotOpen` naming where they stand."""
    flow = steps.flow_of(journey)
    step = flow.step(step_id)
    visited = {s.id for s in steps.visited_steps(journey, flow)}
    if step is None or step.id not in visited or flow.index(step.id) > flow.index(journey.state):
        # after changing an earlier answer, later pages are walked again in order (they may depend on it)
        raise StepNotOpen(journey.state)
    if step.is_terminal != (journey.status != JourneyStatus.IN_PROGRESS):
        raise StepNotOpen(journey.state)
    return step


# --- submitting -----------------------------------------------------------------------------------------


def submit_step(
    session: Session,
    journey: Journey,
    step_id: str,
    *,
    raw: Mapping[str, list[str]],
    revision: str | None,
    action: str,
    actor: Actor,
) -> Outcome:
    """Handle one POST of a step page: ``action`` is "next", "back" or "save"."""
    refused = refuse_submission(journey, step_id, revision)
    if refused is not None:
        return refused
    handler = {"back": _go_back, "save": _save_draft}.get(action, _go_next)
    raw = steps.with_kept_values(journey, steps.flow_of(journey).step(step_id), raw)
    try:
        with writes.staged(session, journey):  # plain statements, not the unit of work (wizard.journeys.writes)
            outcome = handler(session, journey, step_id, raw, actor)
        session.flush()
    except (StaleDataError, runtime.TransitionRefused):
        session.rollback()
        session.refresh(journey)
        return Outcome("stale", journey.state, STALE_MESSAGE)
    except Exception:
        session.rollback()
        raise
    return outcome


def refuse_submission(journey: Journey, step_id: str, revision: str | None) -> Outcome | None:
    """The one freshness check of every step POST: None when it may proceed, else where to send the person.

    A finished journey, a page shown at another revision (double click, other tab, old page) or a step that
    is not open now are refused before anything is read from the form.
    """
    if journey.status != JourneyStatus.IN_PROGRESS:
        return Outcome("finished", journey.state)
    if revision != str(journey.revision) or _not_open(journey, step_id):
        return Outcome("stale", journey.state, STALE_MESSAGE)
    return None


def _not_open(journey: Journey, step_id: str) -> bool:
    try:
        check_step_open(journey, step_id)
    except StepNotOpen:
        return True
    return False


def _go_next(session: Session, journey: Journey, step_id: str, raw: Mapping[str, list[str]], actor: Actor) -> Outcome:
    flow = steps.flow_of(journey)
    step = flow.step(step_id)
    if isinstance(step, FormStep):
        form = steps.build_form(step, steps.step_context(journey), raw)
        if not form.validate():
            return Outcome("invalid", step_id, form=form)
        _store(journey, step_id, raw, form.cleaned_data(), draft=False)
    elif (checker := checker_for(step)) is not None and step is not None:
        check = checker(session, journey, step, raw, True)
        if check.problems:
            return Outcome("invalid", step_id, extra={"problems": check.problems})
        _store(journey, step_id, raw, check.data, draft=False)
    elif isinstance(step, ReviewStep):
        invalid = _first_invalid_step(journey, flow, until=step_id)
        if invalid is not None:
            _move(session, journey, f"edit_{invalid}", actor)
            return Outcome("moved", invalid, REVALIDATE_MESSAGE)
    _move_to_step(session, journey, step_id, actor)
    new_state = _move(session, journey, "next", actor)
    return Outcome("moved", new_state)


def _go_back(session: Session, journey: Journey, step_id: str, raw: Mapping[str, list[str]], actor: Actor) -> Outcome:
    flow = steps.flow_of(journey)
    if isinstance(flow.step(step_id), FormStep) and raw:
        _store(journey, step_id, raw, None, draft=True)
    previous = steps.previous_step_id(journey, flow, step_id)
    if previous is None:
        return Outcome("moved", step_id)
    _move_to_step(session, journey, step_id, actor)
    _move(session, journey, "back", actor, previous=previous)
    return Outcome("moved", previous)


def _save_draft(
    session: Session, journey: Journey, step_id: str, raw: Mapping[str, list[str]], actor: Actor
) -> Outcome:
    if isinstance(steps.flow_of(journey).step(step_id), FormStep):
        _store(journey, step_id, raw, None, draft=True)
    _record(session, journey, "save_draft", journey.state, journey.state, actor)
    writes.set_journey(journey, updated_at=utcnow())
    return Outcome("saved", journey.state, DRAFT_MESSAGE)


def _store(
    journey: Journey, step_id: str, raw: Mapping[str, list[str]], data: dict[str, Any] | None, *, draft: bool
) -> None:
    """Keep what was typed; a draft keeps the last valid data so branching does not flicker."""
    now = utcnow()
    kept = {} if draft else {"data": data}
    writes.save_answer(journey, step_id, raw={k: list(v) for k, v in raw.items()}, is_draft=draft, updated_at=now,
                       **kept)  # fmt: skip
    writes.set_journey(journey, updated_at=now)


def _first_invalid_step(journey: Journey, flow: Flow, until: str) -> str | None:
    """Re-validate every visited step from its stored input, as a formtools wizard does before finishing."""
    answers = steps.effective_answers(journey, flow)
    context = steps.step_context(journey, answers)
    for step in steps.visited_steps(journey, flow):
        if step.id == until:
            return None
        if isinstance(step, FormStep) and not steps.stored_input_is_valid(journey, step, context):
            return step.id
        checker = checker_for(step)
        if checker is not None and _fails_check(journey, step, checker):
            return step.id
    return None


def _fails_check(journey: Journey, step: Step, checker: StepChecker) -> bool:
    """A changed answer may call for something the step's checker misses (a document not sent yet): the
    review sends the member back there."""
    session = object_session(journey)
    answer = journey.answer_for(step.id)
    if session is None or answer is None or answer.data is None:
        return True
    return bool(checker(session, journey, step, answer.data, False).problems)


def _move_to_step(session: Session, journey: Journey, step_id: str, actor: Actor) -> None:
    """Submitting an earlier visited step (stepper link, « Modifier ») first takes the machine back there."""
    if journey.state != step_id:
        _move(session, journey, f"edit_{step_id}", actor)


def _move(session: Session, journey: Journey, trigger: str, actor: Actor, **kwargs: Any) -> str:
    flow = steps.flow_of(journey)
    answers = steps.all_answers(journey)
    before = journey.state
    after = runtime.fire(flow, before, answers, trigger, **kwargs)
    path = journey.path if after in journey.path else [*journey.path, after]
    writes.set_journey(journey, state=after, path=path, updated_at=utcnow())
    _record(session, journey, trigger, before, journey.state, actor)
    step = flow.step(journey.state)
    if isinstance(step, TerminalStep):
        _finish(session, journey, flow, step, actor)
    return journey.state


def _finish(session: Session, journey: Journey, flow: Flow, step: TerminalStep, actor: Actor) -> None:
    writes.set_journey(journey, status=JourneyStatus.COMPLETED, completed_at=utcnow())
    writes.write_now(journey)  # what follows reads journeys: it sees this one completed
    if step.then and not journey.is_preview and find_open_journey(session, journey.owner, step.then) is None:
        stored = journey.context or {}
        sources = {**stored.get("sources", {}), flow.id: dict(steps.effective_answers(journey, flow))}
        start_journey(
            session, journey.owner, step.then, actor,
            campaign=steps.campaign_of(journey), prefill=stored.get("prefill", {}), sources=sources,
        )  # fmt: skip


#: the audit row of a stored journey, written as one plain INSERT in the request's transaction: through the ORM
#: unit of work it was a third of a step submit's flush (docs/PERFORMANCE.md)
_INSERT_EVENT = insert(cast(Table, JourneyEvent.__table__))


def _record(session: Session, journey: Journey, trigger: str, before: str | None, after: str, actor: Actor) -> None:  # noqa: PLR0917 - the audit row's columns, in order
    row = {
        "trigger": trigger,
        "from_state": before,
        "to_state": after,
        "actor_id": actor.user_id,
        "ip": actor.ip,
        "user_agent": (actor.user_agent or "")[:300] or None,
    }
    if journey.id is None:  # a journey being started: its id comes with the flush
        session.add(JourneyEvent(journey=journey, **row))
        return
    # on the session's connection, not session.execute: that would flush the journey now, and again at the end
    session.connection().execute(_INSERT_EVENT, {**row, "journey_id": journey.id, "at": utcnow()})
    if "events" in journey.__dict__:
        session.expire(journey, ["events"])  # a list read earlier would miss the row: read again when asked


# --- signing ---------------------------------------------------------------------------------------------


def record_signature_completed(session: Session, journey: Journey, step_id: str, actor: Actor) -> bool:
    """Leave a signing step once the provider confirmed completion; exactly once (False if already done).

    The caller has verified completion with the provider (status call or verified webhook): a return URL's
    ``event`` passes through the browser and is never enough.
    """
    if journey.status != JourneyStatus.IN_PROGRESS or journey.state != step_id:
        return False
    try:
        _move(session, journey, "signature_completed", actor)
        session.flush()
    except StaleDataError:
        session.rollback()
        return False
    return True


def record_signature_declined(session: Session, journey: Journey, step_id: str, actor: Actor) -> None:
    """Audit a declined, cancelled or expired ceremony; the person stays on the signing step to retry."""
    if journey.status == JourneyStatus.IN_PROGRESS and journey.state == step_id:
        _move(session, journey, "signature_declined", actor)
        session.flush()


def effective(journey: Journey) -> Answers:
    return steps.effective_answers(journey)


# --- cancelling ------------------------------------------------------------------------------------------


def cancel_journey(session: Session, journey: Journey, actor: Actor, reason: str) -> None:
    """Close a journey for good (status CANCELLED) and say why in the audit trail.

    ``reason`` is a short snake_case event name (e.g. ``"closed_by_dispense"``, ``"dispense_renounced"``);
    it becomes the audit row's trigger as ``cancel:<reason>``. The answers are kept: they are evidence.
    """
    if journey.status == JourneyStatus.CANCELLED:
        return
    writes.set_journey(journey, status=JourneyStatus.CANCELLED, updated_at=utcnow())
    _record(session, journey, f"cancel:{reason}"[:64], journey.state, journey.state, actor)


# --- draft lifecycle -------------------------------------------------------------------------------------


def expire_journey(session: Session, journey: Journey, actor: Actor) -> bool:
    """Close a draft left untouched too long (``flask reminders run``); False if it is no longer in progress.

    The answers stay (HR follow-up, the person's data rights); following the emailed link again starts anew.

    """
    if journey.status != JourneyStatus.IN_PROGRESS:
        return False
    try:
        writes.set_journey(journey, status=JourneyStatus.EXPIRED)
        _record(session, journey, "expire", journey.state, journey.state, actor)
        session.flush()
    except StaleDataError:
        session.rollback()
        return False
    return True
