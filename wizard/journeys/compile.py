"""Flow → transitions machine definition, and the checks every flow must pass.

Triggers: ``next`` (to the first following step whose ``when`` holds), ``back`` (to the previous visited
step, given as ``previous=`` when triggering), ``edit_<step>`` (from any later non-terminal step, used by the
review's « Modifier » links and the stepper), ``signature_completed`` / ``signature_declined`` around
signing steps. Conditions are wrappers that keep the predicate's name, so diagrams show it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from wizard.journeys.flow import Flow, FormStep, Predicate, SigningStep, Step


class FlowError(ValueError):
    """A flow definition breaks a rule; the message names the flow and every problem."""


class Condition:
    """A transitions condition calling a flow predicate on the journey's answers, under its own name."""

    def __init__(self, predicate: Predicate) -> None:
        self.predicate = predicate
        self.__name__ = predicate.__name__

    def __call__(self, event: Any) -> bool:
        return bool(self.predicate(event.model.answers))

    def __repr__(self) -> str:
        return self.__name__


class CameFrom:
    """Condition of a ``back`` transition: true when the engine says ``previous`` is this state."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.__name__ = f"previous_is_{state}"

    def __call__(self, event: Any) -> bool:
        return bool(event.kwargs.get("previous") == self.state)


@dataclass(frozen=True)
class MachineDefinition:
    states: list[str]
    transitions: list[dict[str, Any]]


def compile_flow(flow: Flow) -> MachineDefinition:
    """The transitions configuration of a flow (states are step ids)."""
    transitions: list[dict[str, Any]] = []
    for index, step in enumerate(flow.steps):
        if step.is_terminal:
            continue
        transitions += _next_transitions(step, flow.steps[index + 1 :])
        transitions += _back_and_edit_transitions(step, flow.steps[:index])
        if isinstance(step, SigningStep):
            transitions.append({"trigger": "signature_declined", "source": step.id, "dest": step.id})
    return MachineDefinition(states=[s.id for s in flow.steps], transitions=transitions)


def _next_transitions(step: Step, following: Iterable[Step]) -> list[dict[str, Any]]:
    """One ``next`` per candidate, conditional ones first; the first unconditional candidate ends the list."""
    trigger = "signature_completed" if isinstance(step, SigningStep) else "next"
    result: list[dict[str, Any]] = []
    for candidate in following:
        conditions = [Condition(candidate.when)] if candidate.when else []
        result.append({"trigger": trigger, "source": step.id, "dest": candidate.id, "conditions": conditions})
        if candidate.when is None:
            break
    return result


def _back_and_edit_transitions(step: Step, earlier: Iterable[Step]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for previous in earlier:
        result.append(
            {"trigger": "back", "source": step.id, "dest": previous.id, "conditions": [CameFrom(previous.id)]}
        )
        result.append({"trigger": f"edit_{previous.id}", "source": step.id, "dest": previous.id})
    return result


def validate_flow(flow: Flow, known_flows: Iterable[str] | None = None) -> None:
    """Refuse a flow that could strand someone; raises :class:`FlowError` listing every problem."""
    problems = _check_ids(flow) + _check_steps(flow, known_flows)
    if not problems:
        problems += _check_graph(flow)
    if problems:
        raise FlowError(f"flow {flow.id!r} v{flow.version}: " + "; ".join(problems))


def _check_ids(flow: Flow) -> list[str]:
    ids = [s.id for s in flow.steps]
    problems = [f"step id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"step id {i!r} is not snake_case" for i in ids if not i.isidentifier() or i != i.lower()]
    if not flow.steps:
        problems.append("it has no step")
    elif flow.steps[0].when is not None:
        problems.append("the first step cannot be conditional")
    return problems


def _check_steps(flow: Flow, known_flows: Iterable[str] | None) -> list[str]:
    problems: list[str] = []
    known = set(known_flows) if known_flows is not None else None
    for step in flow.steps:
        if isinstance(step, FormStep) and not isinstance(step.form, type):
            problems.append(f"step {step.id!r} has no form class")
        if step.when is not None and getattr(step.when, "__name__", "<lambda>") == "<lambda>":
            problems.append(f"step {step.id!r} uses an unnamed predicate (name it: diagrams show it)")
        then = getattr(step, "then", None)
        if then and known is not None and then not in known:
            problems.append(f"terminal {step.id!r} opens unknown flow {then!r}")
    return problems


def _check_graph(flow: Flow) -> list[str]:
    edges = _forward_edges(flow)
    reachable = _reachable(flow.steps[0].id, edges)
    problems = [f"step {s.id!r} is unreachable" for s in flow.steps if s.id not in reachable]
    terminals = {s.id for s in flow.steps if s.is_terminal}
    if not terminals:
        problems.append("no terminal step")
    for step in flow.steps:
        if step.id in reachable and not _reachable(step.id, edges) & terminals:
            problems.append(f"no terminal can be reached from step {step.id!r}")
    return problems


def _forward_edges(flow: Flow) -> dict[str, set[str]]:
    definition = compile_flow(flow)
    edges: dict[str, set[str]] = {s: set() for s in definition.states}
    for t in definition.transitions:
        if t["trigger"] in ("next", "signature_completed"):
            edges[t["source"]].add(t["dest"])
    return edges


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for dest in edges[queue.popleft()] - seen:
            seen.add(dest)
            queue.append(dest)
    return seen


def predicate_names(flow: Flow) -> list[str]:
    """Every predicate a flow branches on, in step order (diagrams and tests list them)."""
    return [p.__name__ for p in _predicates(flow.steps)]


def _predicates(steps: Iterable[Step]) -> list[Callable[..., bool]]:
    return [s.when for s in steps if s.when is not None]
