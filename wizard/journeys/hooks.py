"""Where features plug into the engine without the engine importing them.

A step kind whose « Suivant » is not a form submission (a signing step opens a ceremony, a proof step
receives files) registers at start-up:

- a *submitter*: the step view calls it once the engine's freshness check has passed (for « Suivant » only,
  or for every action when it was registered with ``all_actions=True``);
- a *checker*: the engine asks it, on « Suivant » and again before a review is validated, what still blocks
  the step (a proof step: the documents neither sent nor deferred) and what the step stores as its answer;
- a *page*: the extra template context the step page shows for that kind (:func:`wizard.journeys.pages.render_step`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from wizard.journeys.flow import Step
from wizard.models import Journey

SUBMITTERS_KEY = "wizard.step_submitters"
CHECKERS_KEY = "wizard.step_checkers"
PAGES_KEY = "wizard.step_pages"

#: handles « Suivant » on a step of a given kind, once the engine found the submission fresh
StepSubmitter = Callable[[Journey, Step], Response | tuple[str, int]]


@dataclass(frozen=True)
class StepCheck:
    """What a step's checker found: per field, what blocks « Suivant » (empty: nothing); the answer's data."""

    problems: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


#: ``checker(session, journey, step, raw, submitting)``: ``raw`` is the submitted input on « Suivant »
#: (``submitting`` True: the checker may tidy what the answers no longer call for), the stored answer's data
#: when a review re-checks the step (``submitting`` False: no side effect on the member's documents)
StepChecker = Callable[[Session, Journey, Step, Mapping[str, Sequence[str]], bool], StepCheck]
#: the extra template context of a step of a given kind, as its page shows it on GET
StepPage = Callable[[Journey, Step], dict[str, Any]]


def register_step_submitter(
    app: Flask, kind: type[Step], submitter: StepSubmitter, *, all_actions: bool = False
) -> None:
    app.extensions.setdefault(SUBMITTERS_KEY, {})[kind] = (submitter, all_actions)


def submitter_for(step: Step | None, action: str = "next") -> StepSubmitter | None:
    submitters: dict[type[Step], tuple[StepSubmitter, bool]] = current_app.extensions.get(SUBMITTERS_KEY, {})
    return next(
        (s for kind, (s, every) in submitters.items() if isinstance(step, kind) and (every or action == "next")),
        None,
    )


def register_step_checker(app: Flask, kind: type[Step], checker: StepChecker) -> None:
    app.extensions.setdefault(CHECKERS_KEY, {})[kind] = checker


def checker_for(step: Step | None) -> StepChecker | None:
    if step is None or not has_app_context():
        return None
    checkers: dict[type[Step], StepChecker] = current_app.extensions.get(CHECKERS_KEY, {})
    return next((c for kind, c in checkers.items() if isinstance(step, kind)), None)


def register_step_page(app: Flask, kind: type[Step], page: StepPage) -> None:
    app.extensions.setdefault(PAGES_KEY, {})[kind] = page


def page_for(step: Step) -> StepPage | None:
    pages: dict[type[Step], StepPage] = current_app.extensions.get(PAGES_KEY, {})
    return next((p for kind, p in pages.items() if isinstance(step, kind)), None)
