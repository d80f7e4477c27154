"""What every step page needs: the journey of the logged-in person, and the rendering of one step."""

from __future__ import annotations

from flask import abort, g, render_template, request, session
from flask.sansio.app import App
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from wizard.db import db_session
from wizard.journeys import engine, steps
from wizard.journeys.flow import FormStep, ProofStep, ReviewStep, SigningStep, Step, TerminalStep
from wizard.journeys.hooks import page_for
from wizard.journeys.steps import StepperItem
from wizard.models import Journey, JourneyStatus
from wizard.web import me, template_url_for

#: built once: one row, the journey (its answers are one of its columns) with its owner joined (the owner is
#: then found in the session's identity map when Flask-Login loads the logged-in person: one round trip)
JOURNEY_BY_PUBLIC_ID = (
    select(Journey).options(joinedload(Journey.owner)).where(Journey.public_id == bindparam("public_id"))
)
#: the ``g`` key of the journeys read in this request, by public id
LOADED_KEY = "journeys_by_public_id"


def journey_by_public_id(public_id: str | None) -> Journey | None:
    """The journey a URL names, read once per request (a guard and the view may both need it); no ownership check."""
    read: dict[str | None, Journey | None] = g.setdefault(LOADED_KEY, {})
    if public_id not in read:
        read[public_id] = db_session().scalars(JOURNEY_BY_PUBLIC_ID, {"public_id": public_id}).first()
    return read[public_id]


def forget_loaded_journeys() -> None:
    """The request changes its database session (the HR preview sandbox): what the old one read is not reused."""
    g.pop(LOADED_KEY, None)


def install_journey_preload(app: App) -> None:
    """Read a journey page's journey before any other hook, so the user load that follows costs no statement."""
    app.before_request_funcs.setdefault(None, []).insert(0, _preload_journey)


def _preload_journey() -> None:
    public_id = (request.view_args or {}).get("public_id")
    if public_id is not None and "_user_id" in session:  # an anonymous visitor is sent to log in: read nothing
        journey_by_public_id(public_id)


def journey_of_page(endpoints: frozenset[str]) -> Journey | None:
    """For a guard run before every request: the journey the page's URL names (read once per request) when the
    page is one of ``endpoints`` and somebody is logged in; ``None`` at once for every other request.

    No ownership check: the guard compares the owner once it knows the journey concerns it (most do not).
    """
    current = request._get_current_object()  # type: ignore[attr-defined]  # one proxy look-up, not three
    if current.endpoint not in endpoints or "_user_id" not in session:
        return None
    return journey_by_public_id((current.view_args or {}).get("public_id"))


def load_owned_journey(public_id: str) -> Journey:
    """The journey if it belongs to the logged-in person; anybody else's is a 404, never a 403."""
    journey = journey_by_public_id(public_id)
    if journey is None or journey.owner_id != me().id:
        abort(404)
    return journey


def render_step(
    journey: Journey, step: Step, form: object | None = None, extra: dict[str, object] | None = None
) -> str:
    """The step's page; ``extra`` adds to its template context (by default, what the step kind's registered
    page gives: :func:`wizard.journeys.hooks.register_step_page`)."""
    flow = steps.flow_of(journey)
    context = steps.step_context(journey)
    if isinstance(step, FormStep):
        form = steps.display_form(journey, step, context, form)  # type: ignore[arg-type]
    answer = journey.answer_for(step.id)
    page = {
        "journey": journey,
        "flow": flow,
        "step": step,
        "form": form,
        "context": context,
        "stepper": stepper_markup(journey, steps.stepper(journey, flow, step.id)),
        "previous_step_id": steps.previous_step_id(journey, flow, step.id),
        "is_draft": bool(answer and answer.is_draft),
        "sections": steps.review_sections(journey, flow, step.id) if isinstance(step, ReviewStep) else [],
        "answers": steps.effective_answers(journey, flow),
        "next_journey": _next_journey(journey, step),
    }
    if extra is None and (kind_page := page_for(step)) is not None:
        extra = kind_page(journey, step)
    return render_template(_template_for(step), **page, **(extra or {}))


#: what a screen reader hears after a stage's label, by status (a done stage's link says it itself)
_HIDDEN_STATUS = {
    "current": '\n<span class="visually-hidden">(étape en cours)</span>',
    "todo": '\n<span class="visually-hidden">(à venir)</span>',
}


def stepper_markup(journey: Journey, items: list[StepperItem]) -> Markup:
    """The stepper (« Je prends connaissance des étapes restantes »): every stage, a done one linking back to
    its page while the journey is open.

    Written here rather than as a Jinja include: a loop of half a dozen tests and look-ups per stage cost
    ≈ 1.5 % of a step request (counted by ``bench._counted_step_submit``), for markup that never varies
    otherwise. Every interpolated value is escaped.
    """
    links_back = journey.status == JourneyStatus.IN_PROGRESS
    rows = []
    for number, item in enumerate(items, 1):
        label, status = escape(item.label), escape(item.status)
        if item.status == "done" and item.step_id and links_back:
            href = escape(template_url_for("journeys.step", public_id=journey.public_id, step_id=item.step_id))
            body = f'<a href="{href}">{label}</a>\n<span class="visually-hidden">(terminée)</span>'
        else:
            body = f"{label}{_HIDDEN_STATUS.get(item.status, '')}"
        current = ' aria-current="step"' if item.status == "current" else ""
        rows.append(
            f'<li class="stepper-item stepper-{status}"{current}>\n'
            f'<span class="stepper-number" aria-hidden="true">{number}</span>\n{body}\n</li>\n'
        )
    return Markup(  # noqa: S704 - every interpolated value is escaped above
        '<nav class="stepper" aria-label="Étapes du parcours">\n'
        '<p class="stepper-title">Je prends connaissance des étapes restantes</p>\n'
        f"<ol>\n{''.join(rows)}</ol>\n</nav>\n"
    )


def _next_journey(journey: Journey, step: Step) -> Journey | None:
    """The journey a terminal step opened (its flow's ``then=``, « Continuer vers mon adhésion »), while open."""
    if not isinstance(step, TerminalStep) or not step.then or journey.is_preview:
        return None
    return engine.find_open_journey(db_session(), journey.owner, step.then)


def _template_for(step: Step) -> str:
    if step.template:
        return step.template
    if isinstance(step, ReviewStep):
        return "review.html"
    if isinstance(step, TerminalStep):
        return "terminal.html"
    if isinstance(step, SigningStep):
        return "signing_step.html"
    if isinstance(step, ProofStep):
        return "proof_step.html"
    return "step.html"
