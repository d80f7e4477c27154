"""Where features plug into the engine without the engine importing them.

A step kind whose « Suivant » is not a form submission (a signing step opens a ceremony) registers a
submitter at start-up; the step view calls it once the engine's freshness check has passed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from werkzeug.wrappers import Response

from wizard.journeys.flow import Step
from wizard.models import Journey

SUBMITTERS_KEY = "wizard.step_submitters"

#: handles « Suivant » on a step of a given kind, once the engine found the submission fresh
StepSubmitter = Callable[[Journey, Step], Response | tuple[str, int]]


def register_step_submitter(app: Flask, kind: type[Step], submitter: StepSubmitter) -> None:
    app.extensions.setdefault(SUBMITTERS_KEY, {})[kind] = submitter


def submitter_for(step: Step | None) -> StepSubmitter | None:
    submitters: dict[type[Step], StepSubmitter] = current_app.extensions.get(SUBMITTERS_KEY, {})
    return next((s for kind, s in submitters.items() if isinstance(step, kind)), None)
