"""Preview of a signing journey (subscription): sources from the persona, SPECIMEN documents, nothing signed."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import submit, text_of
from tests.hr.conftest import follow_to_step, row_counts, start_preview
from wizard.db import db_session
from wizard.hr.preview import load_personas
from wizard.journeys.registry import registry
from wizard.models import Journey, OutboxMessage, PreviewSnapshot, SignatureRequest

BANNER = "Aperçu — aucune donnée n'est enregistrée"


def first_page(client: FlaskClient, persona: str) -> str:
    return text_of(client.get(follow_to_step(client, start_preview(client, "subscription", persona, apply=False))))


def test_subscription_preview_reads_the_personas_affiliation(app: Flask, hr_client: FlaskClient) -> None:
    family = first_page(hr_client, "family_of_four")
    assert BANNER in family and 'value="Dubois"' in family
    assert "Infos foyer" in family  # partner and children pages come from the persona's affiliation
    single = first_page(hr_client, "single")
    assert 'value="Fontaine"' in single and "Infos foyer" not in single


def test_subscription_preview_signs_nothing_and_leaves_no_trace(app: Flask, hr_client: FlaskClient) -> None:
    before = row_counts(app)
    url = follow_to_step(hr_client, start_preview(hr_client, "subscription", "family_of_four", apply=True))
    assert url.endswith("/review"), url
    review = text_of(hr_client.get(url))
    assert BANNER in review and "Claire" in review and "Jeanne" in review
    signing_url = submit(hr_client, url, {}).headers["Location"]
    page = text_of(hr_client.get(signing_url))
    assert BANNER in page and "les documents portent la mention SPECIMEN" in page
    pdf_link = next(part.split('"')[0] for part in page.split('href="')[1:] if ".pdf" in part.split('"')[0])
    pdf = hr_client.get(pdf_link).get_data()
    assert "SPECIMEN" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    done = submit(hr_client, signing_url, {"consent": "y"})
    assert done.status_code == 302, text_of(done)
    final = text_of(hr_client.get(done.headers["Location"]))
    assert BANNER in final and "Merci d'avoir choisi notre mutuelle !" in final
    # nothing was sent and nothing is stored: the preview's confirmation page does not pretend otherwise
    assert "courriel de confirmation vous a été envoyé" not in final and "Vos documents signés sont" not in final
    assert "aucun e-mail n'a été envoyé et aucun document n'a été enregistré" in final
    with app.app_context():
        session = db_session()
        assert session.scalar(select(func.count()).select_from(Journey)) == 0
        snapshot = session.scalars(select(PreviewSnapshot)).one()
        assert snapshot.payload["status"] == "completed"
        assert session.scalar(select(func.count()).select_from(SignatureRequest)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert row_counts(app, without_previews=True) == before
    app.test_cli_runner().invoke(args=["preview", "purge", "--hours", "0"])
    assert row_counts(app) == before


def test_every_flow_can_be_previewed_with_every_persona(app: Flask, hr_client: FlaskClient) -> None:
    """New flows appear with no edit here; a persona with answers for a flow fast-forwards to its review."""
    with app.app_context():
        flows = registry().latest()
    assert "Prévisualiser" in text_of(hr_client.get("/rh/apercu"))
    for flow in flows:
        assert flow.title in text_of(hr_client.get("/rh/apercu"))
        for persona in load_personas():
            url = follow_to_step(hr_client, start_preview(hr_client, flow.id, persona.id, apply=True))
            page = text_of(hr_client.get(url))
            assert BANNER in page, (flow.id, persona.id)
            if persona.answers_for(flow.id) and persona.id != "ineligible_partner":
                assert url.endswith("/review"), (flow.id, persona.id, url)


def test_dispense_preview_confirmation_does_not_claim_an_email_or_documents(app: Flask, hr_client: FlaskClient) -> None:
    before = row_counts(app)
    url = follow_to_step(hr_client, start_preview(hr_client, "dispense", "dispense_individual_contract", apply=True))
    assert url.endswith("/review"), url
    signing_url = submit(hr_client, url, {}).headers["Location"]
    done = submit(hr_client, signing_url, {"consent": "y"})
    assert done.status_code == 302, text_of(done)
    final = text_of(hr_client.get(done.headers["Location"]))
    assert BANNER in final and "Votre demande de dispense est enregistrée" in final
    assert "Un courriel de confirmation vous a été envoyé" not in final
    assert "disponible dans vos documents" not in final
    assert "aucun e-mail n'a été envoyé et aucun document n'a été enregistré" in final
    assert row_counts(app, without_previews=True) == before
