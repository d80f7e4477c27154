"""HR preview of the family change: it has no contract, so its figures use a specimen cover; the avenant is a
SPECIMEN, nothing reaches operations' proof queue and nothing is signed."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import hidden_fields, login, submit, text_of
from tests.family_change.helpers import jpeg_bytes, words
from tests.hr.conftest import follow_to_step, start_preview
from wizard.db import db_session
from wizard.models import Role, SignatureRequest


def test_hr_previews_a_pacs_up_to_a_specimen_avenant(client: FlaskClient, app: Flask, make_user: Any) -> None:
    make_user("rh@example.fr", role=Role.HR)
    login(client, "rh@example.fr")
    url = follow_to_step(client, start_preview(client, "family_change", "single", apply=False))
    assert url.endswith("/event"), url
    base = url.rsplit("/", 1)[0]
    event = {"event": "union", "union_kind": "pacs", "event_date": "2026-06-15", "place": "Paris"}
    assert submit(client, url, event).headers["Location"].endswith("/partner")
    partner = {
        "civilite": "M", "usage_name": "Petit", "birth_name": "Petit", "first_name": "Paul",
        "birth_date": "1986-02-03", "birth_country": "France", "birth_city": "Brest", "regime": "general",
        "nir": "253072B07300470", "code_organisme": "",
    }  # fmt: skip
    assert submit(client, f"{base}/partner", partner).headers["Location"].endswith("/proofs")
    page = client.get(f"{base}/proofs")
    data = {**hidden_fields(text_of(page)), "action": "next",
            "files-pacs_certificate": [(io.BytesIO(jpeg_bytes()), "pacs.jpg")]}  # fmt: skip
    assert client.post(f"{base}/proofs", data=data, content_type="multipart/form-data").status_code == 302
    review = words(client.get(f"{base}/review"))
    assert "Ajout : Paul PETIT" in review and "passe de 16,00 € à 39,00 €" in review
    signing = submit(client, f"{base}/review", {}).headers["Location"]
    page_text = text_of(client.get(signing))
    assert "SPECIMEN" in page_text
    pdf_link = next(part.split('"')[0] for part in page_text.split('href="')[1:] if ".pdf" in part.split('"')[0])
    pdf = client.get(pdf_link).get_data()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "SPECIMEN" in text and "Ajout du bénéficiaire Paul PETIT" in text
    assert "Aucun justificatif n'attend de vérification." in text_of(client.get("/rh/justificatifs"))
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(SignatureRequest)) == 0
