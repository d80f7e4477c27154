"""Helpers of the family change tests: a member whose subscription is signed, real sample files, page walks."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from tests.conftest import hidden_fields, text_of
from tests.subscription.conftest import FAMILY, PREFILL, make_campaign
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import Journey, JourneyStatus, StepAnswer, User

EMAIL = "camille.martin@example.fr"
CHANGE_START = "/mon-contrat/changement-de-situation"
#: what the member and their family signed (FAMILY affiliation: partner + 2 children, option 1 = 46,00 €)
PARTNER = {
    "civilite": "M", "usage_name": "Dupré", "birth_name": "Dupré", "first_name": "Marc",
    "birth_date": date(1987, 6, 2), "birth_country": "France", "birth_city": "Paris", "regime": "general",
    "nir": "253072B07300470", "code_organisme": "017510000",
}  # fmt: skip
CHILDREN = {"children": [
    {"birth_date": date(2015, 9, 1), "civilite": "Mme", "first_name": "Carla", "last_name": "Dupré",
     "birth_country": "France", "birth_city": "Paris", "nir_choice": "attached", "nir": "", "code_organisme": ""},
    {"birth_date": date(2019, 9, 9), "civilite": "M", "first_name": "Léo", "last_name": "Dupré",
     "birth_country": "France", "birth_city": "Papeete", "nir_choice": "attached", "nir": "", "code_organisme": ""},
]}  # fmt: skip


def signed_contract(app: Flask, user: User, affiliation: dict[str, Any] | None = None, *, partner: bool = True) -> str:
    """A subscription signed before the campaign's effective date (1 May 2026): the contract starts then."""
    with app.app_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        chosen = dict(affiliation or FAMILY)
        journey = engine.start_journey(
            session, owner, "subscription", engine.Actor(owner.id), campaign=make_campaign(session),
            prefill=PREFILL, sources={"affiliation": chosen},
        )  # fmt: skip
        answers = {"children": CHILDREN, **({"partner": PARTNER} if partner else {})}
        for step_id, data in answers.items():
            journey.answers = (*journey.answers, StepAnswer(step_id=step_id, raw={}, data=data))
        journey.path = ["personal", "social_security", *answers, "contacts", "bank", "review", "signature"]
        journey.state = "confirmation"
        journey.status = JourneyStatus.COMPLETED
        journey.completed_at = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
        session.commit()
        return journey.public_id


def start_change(client: FlaskClient) -> str:
    """Press « Déclarer un changement de situation » on the dashboard; returns the journey's base URL."""
    token = hidden_fields(text_of(client.get("/mes-demarches")))["csrf_token"]
    response = client.post(CHANGE_START, data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    location = str(response.headers["Location"])
    assert location.startswith("/j/"), location
    return location.rstrip("/")


def words(response: Any) -> str:
    """A page's text as read: tags removed, whitespace collapsed (« passe de 46,00 € à 56,00 € »)."""
    blocks = re.sub(r"</(?:p|dt|dd|li|h\d|div|td|th|legend)>", " ", text_of(response))
    return " ".join(re.sub(r"<[^>]+>", "", blocks).split())


def change_journey(app: Flask, base: str) -> Journey:
    with app.app_context():
        found = db_session().scalar(select(Journey).where(Journey.public_id == base.rsplit("/", 1)[-1]))
        assert found is not None
        db_session().expunge(found)
        return found


# --- real sample files -------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, text: str = "Acte de naissance") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(pages):
        canvas.drawString(72, 760, f"{text} — page {number + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 180, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pageless_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def windows_executable() -> bytes:
    """The first bytes of a PE executable (MZ header, PE signature), as a file renamed to .pdf carries them."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    header[0x80:0x84] = b"PE\0\0"
    return bytes(header) + b"\x90" * 2048


#: the EICAR anti-virus test string (harmless by design; every scanner reports it)
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
