"""HR preview: the real pages with a banner, the same branches as agents, and no trace left behind."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.conftest import hidden_fields, login, submit, text_of
from tests.hr.conftest import follow_to_step, invite, row_counts, start_preview
from wizard.db import db_session
from wizard.hr import preview, preview_sandbox
from wizard.mail.queue import queue_email
from wizard.models import Invitation, Journey, OutboxMessage, PreviewSnapshot, Role, SignatureRequest, utcnow

BANNER = "Aperçu — aucune donnée n'est enregistrée"


def persona_answers(persona_id: str, flow_id: str = "affiliation") -> dict[str, dict[str, list[str]]]:
    persona = preview.find_persona(persona_id)
    assert persona is not None
    return {step: dict(raw) for step, raw in persona.answers_for(flow_id).items()}


def walk(client: FlaskClient, url: str, answers: dict[str, dict[str, list[str]]]) -> list[str]:
    """Open each page and submit the given answers (an empty form for review) until a terminal page."""
    pages: list[str] = []
    for _ in range(20):
        page = text_of(client.get(url))
        pages.append(page)
        if 'name="_step"' not in page:
            return pages
        response = submit(client, url, answers.get(url.rsplit("/", 1)[1], {}))
        assert response.status_code == 302, text_of(response)
        url = response.headers["Location"]
    raise AssertionError("the journey never reached a terminal page")


def start_real_affiliation(client: FlaskClient) -> str:
    token = hidden_fields(text_of(client.get("/demarches/affiliation")))["csrf_token"]
    return follow_to_step(client, client.post("/demarches/affiliation", data={"csrf_token": token}))


def paths(app: Flask, flow_id: str = "affiliation") -> dict[bool, list[str]]:
    """The visited steps of the preview (True) and of the real journey (False) of a flow."""
    with app.app_context():
        journeys = db_session().scalars(select(Journey).where(Journey.flow_id == flow_id))
        found = {j.is_preview: list(j.path) for j in journeys}
        snapshots = db_session().scalars(select(PreviewSnapshot).where(PreviewSnapshot.flow_id == flow_id))
        for snapshot in snapshots:
            found[True] = list(snapshot.payload["path"])
        return found


def test_preview_walk_shows_banner_everywhere_and_leaves_no_trace(
    app: Flask, hr_client: FlaskClient, make_user: Any
) -> None:
    make_user("agent@example.fr")
    agent = app.test_client()
    login(agent, "agent@example.fr")
    submit(agent, start_real_affiliation(agent), {"regime": "general"})
    before = row_counts(app)

    url = follow_to_step(hr_client, start_preview(hr_client, "affiliation", "family_of_four", apply=False))
    pages = walk(hr_client, url, persona_answers("family_of_four"))
    assert len(pages) == 6  # regime, household, children, formula, review, done
    for page in pages:
        assert BANNER in page
        assert "les documents portent la mention SPECIMEN" in page
    assert "Affiliation validée" in pages[-1]
    assert "Base + Option 1 — 46,00 € par mois" in pages[-2]  # the review shows the persona's answers

    # the members' tables hold exactly what they held: the preview lives in its own store only
    assert row_counts(app) == {**before, "preview_snapshots": 1}
    with app.app_context():
        # the terminal's « then » (subscription) is not opened for a preview, nor is the preview in journeys
        assert db_session().scalars(select(Journey.flow_id)).all() == ["affiliation"]
        assert db_session().scalar(select(func.count()).select_from(PreviewSnapshot)) == 1
        assert db_session().scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db_session().scalar(select(func.count()).select_from(SignatureRequest)) == 0
    result = app.test_cli_runner().invoke(args=["preview", "purge", "--hours", "0"])
    assert "1 aperçu(s) supprimé(s)." in result.output
    assert row_counts(app) == before


@pytest.mark.parametrize("persona_id", ["single", "family_of_four", "large_family"])
def test_preview_follows_the_same_branches_as_a_real_journey(
    app: Flask, hr_client: FlaskClient, make_user: Any, persona_id: str
) -> None:
    answers = persona_answers(persona_id)
    make_user("agent@example.fr")
    agent = app.test_client()
    login(agent, "agent@example.fr")
    real_pages = walk(agent, start_real_affiliation(agent), answers)
    assert BANNER not in real_pages[0]

    url = follow_to_step(hr_client, start_preview(hr_client, "affiliation", persona_id, apply=True))
    assert url.endswith("/review")  # every page the persona answered was submitted through the engine
    walk(hr_client, url, {})
    by_kind = paths(app)
    assert by_kind[True] == by_kind[False]
    expected_branch = "no_cover" if persona_id == "single" else "children"
    assert expected_branch in by_kind[True]


def test_refused_persona_answer_is_shown_as_a_draft_with_its_error(app: Flask, hr_client: FlaskClient) -> None:
    url = follow_to_step(hr_client, start_preview(hr_client, "affiliation", "ineligible_partner", apply=True))
    assert url.endswith("/household")
    page = text_of(hr_client.get(url))
    assert BANNER in page and re.search(r'<option selected[^>]*value="cps"', page)
    refused = submit(hr_client, url, persona_answers("ineligible_partner")["household"])
    assert refused.status_code == 422
    assert "ne relève pas de la Sécurité sociale française" in text_of(refused)
    assert BANNER in text_of(refused)


def test_preview_from_an_invitation_prefills_it_and_never_changes_it(
    app: Flask, hr_client: FlaskClient, campaign: Any
) -> None:
    invitation_id = invite(app, campaign.id, "agent.msa@example.fr", regime="msa")
    with app.app_context():
        before = {c.name: getattr(db_session().get(Invitation, invitation_id), c.name) for c in Invitation.__table__.c}
    response = start_preview(hr_client, "affiliation", "single", apply=False, email="Agent.MSA@example.fr")
    page = text_of(hr_client.get(follow_to_step(hr_client, response)))
    assert re.search(r'<input checked[^>]*value="msa"', page) and BANNER in page
    with app.app_context():
        after = {c.name: getattr(db_session().get(Invitation, invitation_id), c.name) for c in Invitation.__table__.c}
    assert after == before
    unknown = start_preview(hr_client, "affiliation", "single", apply=False, email="inconnu@example.fr")
    assert unknown.status_code == 422
    assert "Aucun agent invité n'a cette adresse e-mail." in text_of(unknown)


def test_agents_never_see_preview_journeys(app: Flask, hr_client: FlaskClient, make_user: Any) -> None:
    url = follow_to_step(hr_client, start_preview(hr_client, "affiliation", "single", apply=False))
    assert hr_client.get("/mes-demarches").headers["Location"].endswith("/rh")  # HR have no agent dashboard
    make_user("agent@example.fr")
    agent = app.test_client()
    login(agent, "agent@example.fr")
    assert "Vous n'avez pas encore de démarche en cours." in text_of(agent.get("/mes-demarches"))
    assert agent.get(url).status_code == 404


def test_a_new_preview_replaces_the_previous_one(app: Flask, hr_client: FlaskClient) -> None:
    start_preview(hr_client, "affiliation", "single", apply=True)
    first = paths(app)
    start_preview(hr_client, "affiliation", "family_of_four", apply=False)
    with app.app_context():
        snapshots = list(db_session().scalars(select(PreviewSnapshot)))
        assert db_session().scalar(select(func.count()).select_from(Journey)) == 0
    assert len(snapshots) == 1 and snapshots[0].payload["path"] == ["regime"] and first[True] != ["regime"]
    assert "Reprendre cet aperçu" in text_of(hr_client.get("/rh/apercu"))


def test_purge_deletes_only_idle_previews(app: Flask, hr_client: FlaskClient, make_user: Any) -> None:
    start_preview(hr_client, "affiliation", "single", apply=True)
    with app.app_context():
        session = db_session()
        session.execute(update(PreviewSnapshot).values(updated_at=utcnow() - timedelta(hours=3)))
        session.commit()
    other = app.test_client()
    make_user("rh2@example.fr", role=Role.HR)
    login(other, "rh2@example.fr")
    start_preview(other, "affiliation", "single", apply=False)
    result = app.test_cli_runner().invoke(args=["preview", "purge"])
    assert "1 aperçu(s) supprimé(s)." in result.output
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(PreviewSnapshot)) == 1


def test_preview_queues_no_email(app: Flask, hr_client: FlaskClient) -> None:
    start_preview(hr_client, "affiliation", "single", apply=False)
    with app.app_context(), app.test_request_context():
        session = db_session()
        journey = preview_sandbox.restore(session, session.scalars(select(PreviewSnapshot)).one().payload)
        queued = queue_email(session, to="x@example.fr", subject="Test", template="base", journey=journey)
        session.commit()
        assert queued is None
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_hr_pages_are_404_for_members_and_need_a_login(app: Flask, client: FlaskClient, make_user: Any) -> None:
    urls = ["/rh/apercu", "/rh/apercu/affiliation", "/rh/parcours", "/rh/parcours/affiliation",
            "/rh/campagnes/1/entonnoir", "/rh/campagnes/1/entonnoir.csv"]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code in (302, 401), url
    make_user("agent@example.fr")
    login(client, "agent@example.fr")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in text_of(response)
