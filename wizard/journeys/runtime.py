"""The only module importing ``transitions``: builds a machine around a journey for one operation.

The machine is rebuilt on every request with ``initial=journey.state`` (omitting it would silently reset
the journey to the first step) and ``auto_transitions=False`` (no ``to_<state>`` shortcuts around the
flow's rules). Callbacks never write: the engine records the move once the machine has moved.
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


@dataclass
class MachineModel:
    """What the machine moves: a state and the answers its conditions read."""

    state: str
    answers: Answers = field(default_factory=Answers)


@lru_cache(maxsize=64)
def _definition(flow: Flow) -> MachineDefinition:
    return compile_flow(flow)


def fire(flow: Flow, state: str, answers: Answers, trigger: str, **kwargs: Any) -> str:
    """Apply ``trigger`` from ``state``; return the new state or raise :class:`TransitionRefused`."""
    definition = _definition(flow)
    model = MachineModel(state=state, answers=answers)
    Machine(
        model=model,
        states=definition.states,
        transitions=definition.transitions,
        initial=state,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
        model_override=False,
    )
    try:
        moved = model.trigger(trigger, **kwargs)  # type: ignore[attr-defined]
    except (MachineError, AttributeError) as exc:
        raise TransitionRefused(f"{trigger!r} is not allowed from {state!r}") from exc
    if not moved:
        raise TransitionRefused(f"no condition of {trigger!r} holds from {state!r}")
    return model.state


def available_triggers(flow: Flow, state: str) -> list[str]:
    """Triggers defined from a state (for diagrams and tests)."""
    return sorted({t["trigger"] for t in _definition(flow).transitions if t["source"] == state})
