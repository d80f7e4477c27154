"""HR preview: walk any journey's real pages as a sample person, leaving no trace.

A preview is an ordinary journey with ``is_preview=True`` owned by the HR user, driven by the same engine
(same pages, same branching). What keeps it harmless lives where each effect happens: ``queue_email``
queues nothing, the engine opens no follow-up journey, the signing service creates no signature request
and watermarks documents SPECIMEN, dashboards and statistics filter ``is_preview``. Its rows never reach the
members' tables: every preview request runs in a transaction that is rolled back, and the preview is kept
between requests in its own store (``wizard.hr.preview_sandbox``), replaced when the same HR user starts
another preview and deleted by ``flask preview purge`` once idle for a few hours.

Personas (``config/personas.json``) give an identity (the prefill an invitation would carry) and optional
pre-answers, applied through :func:`wizard.journeys.engine.submit_step` exactly as if HR had typed them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from forms.context import Answers, StepContext
from wizard.entry.invitations import prefill_from_invitation
from wizard.journeys import engine, steps
from wizard.journeys.flow import Flow, FormStep, TerminalStep
from wizard.journeys.registry import registry
from wizard.models import Actor, Document, Invitation, Journey, JourneyStatus, SignatureRequest, User, utcnow

PERSONAS_PATH = Path(__file__).resolve().parents[2] / "config" / "personas.json"
#: previews idle for longer than this are deleted by ``flask preview purge``
DEFAULT_MAX_AGE_HOURS = 2

#: raw answers as a browser submits them: field name -> values
RawAnswers = dict[str, list[str]]


@dataclass(frozen=True)
class Persona:
    id: str
    label: str
    description: str
    #: identity and contact data, as an invitation would prefill them (dates already parsed)
    prefill: Mapping[str, Any]
    #: pre-answers by flow id then step id
    answers: Mapping[str, Mapping[str, RawAnswers]] = field(default_factory=dict)

    def answers_for(self, flow_id: str) -> Mapping[str, RawAnswers]:
        return self.answers.get(flow_id, {})


@lru_cache(maxsize=4)
def load_personas(path: Path = PERSONAS_PATH) -> tuple[Persona, ...]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_persona(item) for item in document["personas"])


def find_persona(persona_id: str) -> Persona | None:
    return next((p for p in load_personas() if p.id == persona_id), None)


def _persona(item: Mapping[str, Any]) -> Persona:
    prefill = {key: _date_or_value(key, value) for key, value in item["prefill"].items()}
    answers = {
        flow_id: {step_id: _raw(values) for step_id, values in by_step.items()}
        for flow_id, by_step in item.get("answers", {}).items()
    }
    return Persona(item["id"], item["label"], item["description"], prefill, answers)


def _date_or_value(key: str, value: Any) -> Any:
    # the prefill carries real dates, like the one built from an invitation's Date columns
    return date.fromisoformat(value) if key.endswith("_date") and isinstance(value, str) else value


def _raw(values: Mapping[str, Any]) -> RawAnswers:
    return {name: [str(v) for v in (value if isinstance(value, list) else [value])] for name, value in values.items()}


# --- starting a preview ----------------------------------------------------------------------------------


def start_preview(
    session: Session,
    hr_user: User,
    flow_id: str,
    persona: Persona,
    actor: Actor,
    *,
    invitation: Invitation | None = None,
    apply_answers: bool = False,
) -> Journey:
    """Replace the HR user's previous previews by a new one on ``flow_id``.

    The identity comes from ``invitation`` when given (read only), else from the persona; the persona
    always supplies the answers of the journeys this flow comes from (subscription reads affiliation's).
    """
    purge_previews(session, owner=hr_user)
    prefill = prefill_from_invitation(invitation) if invitation is not None else dict(persona.prefill)
    journey = engine.start_journey(
        session, hr_user, flow_id, actor,
        campaign=invitation.campaign if invitation is not None else None,
        prefill=prefill, sources=persona_sources(flow_id, persona, prefill), is_preview=True,
    )  # fmt: skip
    session.flush()
    if apply_answers:
        fast_forward(session, journey, persona.answers_for(flow_id), actor)
    return journey


def fast_forward(session: Session, journey: Journey, answers: Mapping[str, RawAnswers], actor: Actor) -> None:
    """Submit the persona's answers page after page, through the engine, as HR would.

    Stops on the first page the persona has no answer for (the review, a signature…) and on an answer the
    page refuses: that answer is kept as a draft, so HR sees it filled in and the error on submitting.
    """
    for _ in range(len(steps.flow_of(journey).steps)):
        raw = answers.get(journey.state)
        if journey.status != JourneyStatus.IN_PROGRESS or raw is None:
            return
        outcome = _submit(session, journey, raw, "next", actor)
        if outcome.kind == "invalid":
            _submit(session, journey, raw, "save", actor)
            return


def _submit(session: Session, journey: Journey, raw: RawAnswers, action: str, actor: Actor) -> engine.Outcome:
    step_id, revision = journey.state, str(journey.revision)
    return engine.submit_step(session, journey, step_id, raw=raw, revision=revision, action=action, actor=actor)


# --- answers of the journeys a flow comes from -------------------------------------------------------------


def persona_sources(flow_id: str, persona: Persona, prefill: Mapping[str, Any]) -> dict[str, Any]:
    """What the engine would pass on had the persona really walked the flows leading to ``flow_id``."""
    return _sources(flow_id, persona, prefill, seen=frozenset({flow_id}))


def _sources(flow_id: str, persona: Persona, prefill: Mapping[str, Any], seen: frozenset[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for upstream in _flows_leading_to(flow_id):
        if upstream.id in seen or not persona.answers_for(upstream.id):
            continue
        earlier = _sources(upstream.id, persona, prefill, seen | {upstream.id})
        answers = validated_answers(upstream, persona.answers_for(upstream.id), prefill, earlier)
        result.update({**earlier, upstream.id: dict(answers)})
    return result


def _flows_leading_to(flow_id: str) -> list[Flow]:
    return [
        flow
        for flow in registry().latest()
        if any(isinstance(s, TerminalStep) and s.then == flow_id for s in flow.steps)
    ]


def validated_answers(
    flow: Flow, raw_by_step: Mapping[str, RawAnswers], prefill: Mapping[str, Any], sources: Mapping[str, Any]
) -> Answers:
    """The cleaned answers of the steps this person goes through, validated by the real forms (no database)."""
    # the earlier journeys' answers are visible to predicates and forms, as the engine shows them
    cleaned: dict[str, Any] = {
        steps.source_key(flow_id, step_id): data
        for flow_id, by_step in sources.items()
        for step_id, data in by_step.items()
    }
    for step in flow.steps:
        if step.is_terminal:
            break
        if step.when is not None and not step.when(Answers(cleaned)):
            continue
        raw = raw_by_step.get(step.id)
        if isinstance(step, FormStep) and raw is not None:
            context = StepContext(
                catalogue=default_catalogue(), effective_date=current_app.config["DEFAULT_EFFECTIVE_DATE"],
                answers=Answers(cleaned), prefill=prefill, sources=sources, is_preview=True,
            )  # fmt: skip
            form = steps.build_form(step, context, raw)
            if form.validate():
                cleaned[step.id] = form.cleaned_data()
    return Answers(cleaned)


# --- what HR sees and what is deleted ----------------------------------------------------------------------


def current_preview(session: Session, hr_user: User) -> Journey | None:
    query = select(Journey).where(Journey.owner_id == hr_user.id, Journey.is_preview.is_(True))
    return session.scalars(query.order_by(Journey.id.desc()).limit(1)).first()


def purge_previews(session: Session, *, owner: User | None = None, idle_for: timedelta | None = None) -> int:
    """Delete preview journeys (of ``owner``, or idle for longer than ``idle_for``) and every row they made.

    Documents and signature requests are deleted explicitly, then the journeys (their answers and events go
    with them by ``ON DELETE CASCADE``). The caller's unit of work commits.
    """
    query = select(Journey.id).where(Journey.is_preview.is_(True))
    if owner is not None:
        query = query.where(Journey.owner_id == owner.id)
    if idle_for is not None:
        query = query.where(Journey.updated_at < utcnow() - idle_for)
    ids = list(session.scalars(query))
    if ids:
        session.execute(delete(Document).where(Document.journey_id.in_(ids)))
        session.execute(delete(SignatureRequest).where(SignatureRequest.journey_id.in_(ids)))
        session.execute(delete(Journey).where(Journey.id.in_(ids)), execution_options={"synchronize_session": False})
        session.expire_all()
    return len(ids)


@click.group("preview", cls=AppGroup, help="HR previews (aperçus).")
def cli_group() -> None:
    """Preview commands."""


@cli_group.command("purge", help="Delete HR previews idle for more than --hours hours (default 2).")
@click.option("--hours", default=DEFAULT_MAX_AGE_HOURS, type=click.FloatRange(min=0), show_default=True)
def purge_command(hours: float) -> None:
    from wizard.db import db_session  # noqa: PLC0415 - the session exists only inside the CLI's app context
    from wizard.hr.preview_sandbox import purge_snapshots  # noqa: PLC0415 - the sandbox imports this module's users

    session = db_session()
    idle_for = timedelta(hours=hours)
    count = purge_snapshots(session, idle_since=utcnow() - idle_for) + purge_previews(session, idle_for=idle_for)
    session.flush()
    click.echo(f"{count} aperçu(s) supprimé(s).")
