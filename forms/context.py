"""What a step's form may know: the answers so far and the context of the journey (forms stay pure).

The engine builds a :class:`StepContext` for every form; forms never read the database or the session.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.catalogue import Catalogue


class Answers(Mapping[str, Mapping[str, Any]]):
    """The cleaned data of every validly answered step, read-only (``answers["household"]["cover_partner"]``)."""

    def __init__(self, by_step: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._by_step = dict(by_step or {})

    def __getitem__(self, step_id: str) -> Mapping[str, Any]:
        return self._by_step[step_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_step)

    def __len__(self) -> int:
        return len(self._by_step)

    def value(self, step_id: str, field_name: str, default: Any = None) -> Any:
        """One answer, or ``default`` when the step or the field was never validly answered."""
        return self._by_step.get(step_id, {}).get(field_name, default)


@dataclass(frozen=True)
class StepContext:
    """What a step's form may know besides the submitted data (forms stay pure: no DB, no current_user)."""

    catalogue: Catalogue
    effective_date: date
    answers: Answers
    #: identity and contact data prefilled by HR, or by the journey this one came from
    prefill: Mapping[str, Any] = field(default_factory=dict)
    #: effective answers of the journeys this one came from, by flow id (subscription reads affiliation's)
    sources: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    is_preview: bool = False
