"""The only module importing ``transitions``: moves a journey's state with its flow's machine.

One machine is compiled per flow version and process (``auto_transitions=False``: no ``to_<state>``
shortcuts around the flow's rules) and kept: building it adds every transition of the flow, which cost more
than the rest of a step submit's Python. Each operation fires one trigger's event on a fresh model holding
``journey.state``. The model is never attached to the machine (``add_model`` would bind a method per trigger
and per state to it, most of a move's cost), so no journey outlives its request in the machine. Callbacks
never write: the engine records the move once the machine has moved.

The shared machine holds no per-journey state: a trigger reads and writes only the model it is given, so
the threads of a worker may fire on it at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from transitions import Machine, MachineError

from forms.context import Answers
from wizard.journeys.compile import MachineDefinition, compile_flow
from wizard.journeys.flow import Flow


class TransitionRefused(Exception):
    """The trigger does not exist from this state, or none of its conditions held."""


@dataclass(eq=False)
class MachineModel:
    """What the machine moves: a state and the answers its conditions read."""

    state: str
    answers: Answers = field(default_factory=Answers)


@lru_cache(maxsize=64)
def _definition(flow: Flow) -> MachineDefinition:
    return compile_flow(flow)


@lru_cache(maxsize=64)
def machine_for(flow: Flow) -> Machine:
    """The flow version's compiled machine, without any model (built once per process)."""
    definition = _definition(flow)
    return Machine(
        model=None,
        states=definition.states,
        transitions=definition.transitions,
        initial=definition.states[0],  # required by the constructor; every model gets its own
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
        model_override=False,
    )


def fire(flow: Flow, state: str, answers: Answers, trigger: str, **kwargs: Any) -> str:
    """Apply ``trigger`` from ``state``; return the new state or raise :class:`TransitionRefused`."""
    machine = machine_for(flow)
    if state not in machine.states:
        raise TransitionRefused(f"{state!r} is not a step of {flow.id!r} v{flow.version}")
    event = machine.events.get(trigger)
    if event is None:
        raise TransitionRefused(f"{trigger!r} is not a trigger of {flow.id!r} v{flow.version}")
    model = MachineModel(state=state, answers=answers)
    try:
        # the event fired on the model directly: attaching it (add_model) would bind a method per trigger and
        # per state to it, and detaching it unbind them — most of a move's cost, for one trigger
        moved = event.trigger(model, **kwargs)
    except MachineError as exc:
        raise TransitionRefused(f"{trigger!r} is not allowed from {state!r}") from exc
    if not moved:
        raise TransitionRefused(f"no condition of {trigger!r} holds from {state!r}")
    return model.state


def available_triggers(flow: Flow, state: str) -> list[str]:
    """Triggers defined from a state (for diagrams and tests)."""
    return sorted({t["trigger"] for t in _definition(flow).transitions if t["source"] == state})
