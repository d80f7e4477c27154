"""The stepper above every step page (wizard.journeys.pages.stepper_markup), and as a member sees it."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.conftest import login, start_from_home, submit, text_of
from wizard.journeys.pages import stepper_markup
from wizard.journeys.steps import StepperItem
from wizard.models import Journey, JourneyStatus

ITEMS = [
    StepperItem("Mon régime <Sécu> & co", "done", "regime"),
    StepperItem("Les personnes à couvrir", "current", None),
    StepperItem("Ma formule", "todo", None),
]


def _items(markup: str) -> list[str]:
    return re.findall(r"<li .*?</li>", markup, flags=re.DOTALL)


def test_done_stages_link_back_the_current_one_is_announced_labels_are_escaped(app: Flask) -> None:
    with app.test_request_context():
        journey = Journey(public_id="abc123", status=JourneyStatus.IN_PROGRESS)
        markup = str(stepper_markup(journey, ITEMS))
        done, current, todo = _items(markup)
        href = url_for("journeys.step", public_id="abc123", step_id="regime")
    assert markup.startswith('<nav class="stepper" aria-label="Étapes du parcours">')
    assert "Je prends connaissance des étapes restantes" in markup
    assert f'<a href="{href}">Mon régime &lt;Sécu&gt; &amp; co</a>' in done
    assert "(terminée)" in done and 'class="stepper-item stepper-done"' in done
    assert 'aria-current="step"' in current and "(étape en cours)" in current and "<a " not in current
    assert "(à venir)" in todo and "aria-current" not in todo and "<a " not in todo
    numbers = re.findall(r'<span class="stepper-number" aria-hidden="true">(\d+)</span>', markup)
    assert numbers == ["1", "2", "3"]


def test_a_closed_journey_links_nowhere(app: Flask) -> None:
    with app.test_request_context():
        for status in (JourneyStatus.COMPLETED, JourneyStatus.CANCELLED):
            markup = str(stepper_markup(Journey(public_id="abc123", status=status), ITEMS))
            assert "<a " not in markup
            assert "Mon régime &lt;Sécu&gt; &amp; co" in _items(markup)[0]


def test_a_step_page_shows_the_stepper_with_a_link_back(client: FlaskClient, make_user: Any) -> None:
    make_user("etapes@example.fr")
    login(client, "etapes@example.fr")
    prefix = start_from_home(client)
    assert submit(client, f"{prefix}/regime", {"regime": "general"}).status_code == 302
    page = text_of(client.get(f"{prefix}/household"))
    assert page.count('class="stepper"') == 1
    assert f'href="{prefix}/regime"' in page and "(terminée)" in page
    assert 'aria-current="step"' in page and "(étape en cours)" in page and "(à venir)" in page
