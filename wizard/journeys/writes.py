"""A step submit's writes as plain statements instead of the ORM's unit of work.

A step submit changes a few columns of one journey row, its answers included (they are a value of the row:
:class:`wizard.models.StepAnswer`). Through the unit of work that cost more than the rest of the POST: every
flush sorts the mappers, walks the journey's relationships and cascades and compares every loaded attribute
(docs/PERFORMANCE.md). While :func:`staged` is active for a journey, the engine hands its changes here instead
of setting the attributes:

- the in-memory journey takes the new values as if they had been loaded (``set_committed_value``,
  SQLAlchemy's public API for that), so the session stays clean and its flush costs nothing;
- :meth:`StagedWrites.write` sends them as **one UPDATE that keeps the optimistic lock** (``WHERE revision =
  :seen``, ``revision = :seen + 1``; no row updated raises ``StaleDataError``, exactly as the ORM's versioning
  does). Two submits of the same journey at the same time (two tabs, a double click on two workers) read the
  same revision: only the first one's UPDATE matches, whichever steps they answered.

Everything runs in the request's transaction: a refused or failed submit rolls all of it back, and the
rollback expires the in-memory values. Outside :func:`staged` (cancel, expiry, signature callbacks) the same
helpers set the attributes and the unit of work writes them as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from wizard.models import Journey, StepAnswer

#: ``session.info`` key of the writes being staged in that session
STAGED_KEY = "journeys.staged_writes"

_JOURNEYS = cast(Table, Journey.__table__)
# built once (building a statement per request cost as much as running it); the columns to set are the keys of
# the parameters given to ``execute``, the WHERE clause's are named ``b_*`` so as not to clash with them
_UPDATE_JOURNEY = update(_JOURNEYS).where(
    _JOURNEYS.c.id == bindparam("b_id"), _JOURNEYS.c.revision == bindparam("b_seen")
)


@dataclass
class StagedWrites:
    """The column changes of one journey, not yet sent to the database."""

    session: Session
    journey: Journey
    journey_values: dict[str, Any] = field(default_factory=dict)

    def write(self) -> None:
        """Send what is staged, as one UPDATE guarded by the revision the journey was read at."""
        if not self.journey_values:
            return
        seen = self.journey.revision
        result = self.session.connection().execute(
            _UPDATE_JOURNEY, {**self.journey_values, "revision": seen + 1, "b_id": self.journey.id, "b_seen": seen}
        )
        if result.rowcount != 1:
            raise StaleDataError(f"journey {self.journey.id} changed since revision {seen}")
        set_committed_value(self.journey, "revision", seen + 1)
        self.journey_values.clear()


@contextmanager
def staged(session: Session, journey: Journey) -> Iterator[StagedWrites]:
    """Stage the journey's changes made inside the block; written when it ends without an error."""
    writes = StagedWrites(session, journey)
    session.info[STAGED_KEY] = writes
    try:
        yield writes
        writes.write()
    finally:
        session.info.pop(STAGED_KEY, None)


def _staging(journey: Journey) -> StagedWrites | None:
    session = object_session(journey)
    writes = session.info.get(STAGED_KEY) if session is not None else None
    return writes if isinstance(writes, StagedWrites) and writes.journey is journey else None


def set_journey(journey: Journey, **values: Any) -> None:
    """Change the journey's columns: staged inside :func:`staged`, else set for the unit of work."""
    writes = _staging(journey)
    for key, value in values.items():
        if writes is None:
            setattr(journey, key, value)
        else:
            set_committed_value(journey, key, value)
    if writes is not None:
        writes.journey_values.update(values)


def write_now(journey: Journey) -> None:
    """Send what is staged for the journey now (before a query that must see it)."""
    writes = _staging(journey)
    if writes is not None:
        writes.write()


def save_answer(journey: Journey, step_id: str, **values: Any) -> StepAnswer:
    """Change (or create) the journey's answer to ``step_id``: a new answers value, staged like any column."""
    current = journey.answer_for(step_id)
    if current is None:
        answer = StepAnswer(step_id=step_id, **values)
        answers = (*journey.answers, answer)
    else:
        answer = replace(current, **values)
        answers = tuple(answer if a.step_id == step_id else a for a in journey.answers)
    set_journey(journey, answers=answers)
    return answer
