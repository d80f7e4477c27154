"""Every form step of every registered flow, fuzzed through HTTP with a valid CSRF token.

Whatever arrives — random or huge text, unicode, missing or repeated fields, unknown fields, a tampered
action, step or revision, a wrong method — the answer is never a 5xx, and a rejected post changes nothing
that was saved.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from flows import all_flows
from tests.conftest import hidden_fields, text_of
from tests.fuzz.journeys import SeededJourneys, restore, snapshot
from tests.fuzz.strategies import expand, field_names, payloads, text_values
from wizard.db import db_session
from wizard.journeys import steps
from wizard.journeys.flow import FormStep
from wizard.models import Journey

FORM_STEPS = sorted({(f.id, s.id) for f in all_flows() for s in f.steps if isinstance(s, FormStep)})
EXAMPLES = 20
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
    # no shrinking: a failure is reported as generated (with the server's traceback in the captured log)
    # instead of spending minutes minimising multi-megabyte posts
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


def _names(app: Flask, public_id: str, step_id: str) -> dict[str, list[str]] | None:
    with app.test_request_context():
        journey = db_session().scalars(select(Journey).where(Journey.public_id == public_id)).one()
        step = steps.flow_of(journey).step(step_id)
        if step is None or step.id not in journey.path:
            return None
        assert isinstance(step, FormStep)
        return field_names(steps.stored_form(journey, step, steps.step_context(journey)))


def _post(app: Flask, client: FlaskClient, seeded: SeededJourneys, url: str, body: Any) -> None:
    public_id = url.split("/")[2]
    with app.test_request_context():
        restore(db_session(), public_id, seeded.snapshots[public_id])
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code, page.headers.get("Location"))
    form = hidden_fields(text_of(page))
    with app.test_request_context():
        before = snapshot(db_session(), public_id)
    response = client.post(url, data={**body(form)})
    assert response.status_code < 500, text_of(response)[:3000]
    assert response.status_code in (302, 400, 413, 422), response.status_code
    if response.status_code != 302:
        with app.test_request_context():
            assert snapshot(db_session(), public_id) == before, "a rejected post changed saved answers"
        assert "Traceback" not in text_of(response)


@pytest.mark.parametrize(("flow_id", "step_id"), FORM_STEPS, ids=[f"{f}-{s}" for f, s in FORM_STEPS])
def test_step_form_survives_hostile_input(
    app: Flask, client: FlaskClient, seeded: SeededJourneys, flow_id: str, step_id: str
) -> None:
    public_id = seeded.by_step.get((flow_id, step_id)) or seeded.by_flow.get(flow_id)
    names = _names(app, public_id, step_id) if public_id else None
    if names is None:
        pytest.skip(f"{flow_id}/{step_id} is not on the seeded member's path (its condition does not hold)")
    url = f"/j/{public_id}/{step_id}"

    @FUZZ
    @given(data=payloads(names), action=st.sampled_from(["next", "next", "save", "back"]))
    def fuzz(data: dict[str, list[str]], action: str) -> None:
        _post(app, client, seeded, url, lambda hidden: {**expand(data), **hidden, "action": action})

    @FUZZ
    @given(tamper=st.sampled_from(["action", "_step", "_revision"]), value=text_values())
    def fuzz_management(tamper: str, value: str) -> None:
        posted = expand({"v": [value]})["v"]
        _post(app, client, seeded, url, lambda hidden: {"action": "next", **hidden, tamper: posted})

    fuzz()
    fuzz_management()
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.open(url, method=method)
        assert response.status_code in (400, 405)
