"""Open journeys of every registered flow, positioned so that each of their form steps can be posted to.

A member completes the affiliation through the pages (which starts the journeys that follow it, with real
answers as their sources); every other flow is started by the engine with those sources. Each journey is
then placed on its last form step, every earlier step visited, so that any form step can be submitted (as
from the stepper or a « Modifier » link). ``restore`` puts a journey back as seeded between examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import FAMILY_HOUSEHOLD, PASSWORD, hidden_fields, login, start_from_home, submit, text_of
from wizard.db import db_session
from wizard.journeys import engine, steps
from wizard.journeys.flow import FormStep, SigningStep, entered_steps
from wizard.journeys.registry import registry
from wizard.models import Actor, Journey, JourneyStatus, StepAnswer, User

FUZZ_EMAIL = "alea@example.fr"
REAUTH_URL = "/mon-contrat/identification"
AFFILIATION_ANSWERS: list[tuple[str, dict[str, str]]] = [
    ("regime", {"regime": "general"}),
    ("household", FAMILY_HOUSEHOLD),
    ("children", {
        "children-0-birth_date": "2015-09-01", "children-0-situation": "none",
        "children-1-birth_date": "2004-01-15", "children-1-situation": "student",
    }),
    ("formula", {"level": "option1"}),
    ("review", {}),
]  # fmt: skip


#: steps only entered on another branch than the seeded member's: a second journey of that flow gets these
#: answers (step → raw input, as the pages would have stored it) so the step is on its path too
BRANCH_VARIANTS: dict[tuple[str, str], dict[str, dict[str, str]]] = {
    ("affiliation", "no_cover"): {
        "regime": {"regime": "general"},
        "household": {"cover_partner": "no", "cover_children": "no"},
    },
    ("designation", "beneficiaries"): {
        "choice": {"mode": "particular", "beneficiary_count": "2", "birth_date": "1985-03-04", "place": "Papeete"},
    },
}


@dataclass(frozen=True)
class Snapshot:
    state: str
    path: list[str]
    answers: dict[str, tuple[dict[str, list[str]], dict[str, Any] | None, bool]]


@dataclass
class SeededJourneys:
    #: flow id → public id of an open journey of that flow
    by_flow: dict[str, str]
    snapshots: dict[str, Snapshot]
    #: (flow id, step id) → public id of a journey on another branch, for steps the main one does not enter
    by_step: dict[tuple[str, str], str] = field(default_factory=dict)


def complete_affiliation(client: FlaskClient) -> None:
    base = start_from_home(client)
    for step_id, data in AFFILIATION_ANSWERS:
        response = submit(client, f"{base}/{step_id}", data)
        assert response.status_code == 302, (step_id, text_of(response)[:2000])


def reauthenticate(client: FlaskClient) -> None:
    """Confidential steps (the beneficiary designation) ask for the password again first."""
    page = client.get(REAUTH_URL)
    if page.status_code == 200:
        response = client.post(REAUTH_URL, data={**hidden_fields(text_of(page)), "password": PASSWORD})
        assert response.status_code == 302, text_of(response)[:2000]


def seed_journeys(app: Flask, client: FlaskClient) -> SeededJourneys:
    login(client, FUZZ_EMAIL)
    reauthenticate(client)
    complete_affiliation(client)
    with app.test_request_context():
        session = db_session()
        owner = session.scalars(select(User).where(User.email == FUZZ_EMAIL)).one()
        done = session.scalars(select(Journey).where(Journey.flow_id == "affiliation")).one()
        sources = {"affiliation": {k: dict(v) for k, v in steps.effective_answers(done).items()}}
        actor = Actor(user_id=owner.id)
        by_flow: dict[str, str] = {}
        for flow in registry().latest():
            journey = engine.find_open_journey(session, owner, flow.id)
            if journey is None:
                journey = engine.start_journey(session, owner, flow.id, actor, prefill=_prefill(), sources=sources)
                session.flush()
            if flow.id == done.flow_id:
                _copy_answers(done, journey)
            _open_every_form_step(journey)
            by_flow[flow.id] = journey.public_id
        by_step = {key: _branch_variant(session, owner, key[0], raw, sources) for key, raw in BRANCH_VARIANTS.items()}
        session.commit()
        snapshots = {pid: snapshot(session, pid) for pid in [*by_flow.values(), *by_step.values()]}
    return SeededJourneys(by_flow=by_flow, snapshots=snapshots, by_step=by_step)


def _branch_variant(
    session: Any, owner: User, flow_id: str, raw_answers: dict[str, dict[str, str]], sources: dict[str, Any]
) -> str:
    """A second journey of the flow whose earlier answers take the other branch, validated by the real forms."""
    journey = engine.start_journey(session, owner, flow_id, Actor(owner.id), prefill=_prefill(), sources=sources)
    session.flush()
    flow = steps.flow_of(journey)
    for step_id, values in raw_answers.items():
        step = flow.step(step_id)
        assert isinstance(step, FormStep)
        raw = {name: [value] for name, value in values.items()}
        form = steps.build_form(step, steps.step_context(journey), raw)
        assert form.validate(), (flow_id, step_id, form.errors)
        journey.answers = (*journey.answers, StepAnswer(step_id=step_id, raw=raw, data=form.cleaned_data()))
    _open_every_form_step(journey)
    return journey.public_id


def _prefill() -> dict[str, Any]:
    return {"first_name": "Alex", "last_name": "Aléa", "birth_date": "1985-03-04", "regime": "general"}


def _copy_answers(source: Journey, target: Journey) -> None:
    for answer in source.answers:
        target.answers = (*target.answers, StepAnswer(step_id=answer.step_id, raw=dict(answer.raw), data=answer.data))


def _open_every_form_step(journey: Journey) -> None:
    """Visit every entered step up to the last form step before any signature."""
    flow = steps.flow_of(journey)
    reachable = []
    for step in entered_steps(flow, steps.all_answers(journey)):
        if isinstance(step, SigningStep) or step.is_terminal:
            break
        reachable.append(step)
    last_form = max(i for i, s in enumerate(reachable) if isinstance(s, FormStep))
    journey.path = [s.id for s in reachable[: last_form + 1]]
    journey.state = journey.path[-1]
    journey.status = JourneyStatus.IN_PROGRESS
    assert flow.step(journey.state) is not None


def form_steps(journey: Journey) -> list[FormStep]:
    return [s for s in steps.visited_steps(journey, steps.flow_of(journey)) if isinstance(s, FormStep)]


def snapshot(session: Any, public_id: str) -> Snapshot:
    journey = session.scalars(select(Journey).where(Journey.public_id == public_id)).one()
    answers = {a.step_id: (dict(a.raw), a.data, a.is_draft) for a in journey.answers}
    return Snapshot(state=journey.state, path=list(journey.path), answers=answers)


def restore(session: Any, public_id: str, saved: Snapshot) -> None:
    """Put the journey back as seeded: a previous example may have moved it on or left it."""
    journey = session.scalars(select(Journey).where(Journey.public_id == public_id)).one()
    journey.state, journey.path, journey.status = saved.state, list(saved.path), JourneyStatus.IN_PROGRESS
    journey.completed_at = None
    journey.answers = tuple(
        StepAnswer(step_id=step_id, raw=dict(raw), data=data, is_draft=is_draft)
        for step_id, (raw, data, is_draft) in saved.answers.items()
    )
    session.commit()
