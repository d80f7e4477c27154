"""The subscription's proof step: asked only when the household calls for a document (a PACS partner, a
child covered past 21), each may be sent later, real files are kept; journeys started before keep v1."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, submit, text_of
from tests.family_change.helpers import pdf_bytes
from tests.subscription.conftest import (
    BANK,
    CHILDREN,
    CONTACTS,
    FAMILY,
    PARTNER,
    PERSONAL,
    SOCIAL,
    SOLO,
    send_proofs_later,
)
from wizard.db import db_session
from wizard.models import Journey, Proof, ProofStatus

STUDENT = {
    "regime": {"regime": "general"},
    "household": {"cover_partner": "no", "cover_children": "yes", "children_count": 1},
    "children": {"children": [{"birth_date": date(2004, 1, 15), "situation": "student"}]},
    "formula": {"level": "option1"},
}  # fmt: skip
STUDENT_CHILD = {
    "children-0-birth_date": "2004-01-15", "children-0-civilite": "Mme", "children-0-first_name": "Carla",
    "children-0-last_name": "Dupré", "children-0-birth_country": "France", "children-0-birth_city": "Paris",
    "children-0-nir_choice": "own", "children-0-nir": "253072A07300443", "children-0-code_organisme": "",
}  # fmt: skip
SCHOOLING = "Certificat de scolarité, contrat d'apprentissage ou attestation France Travail (Carla)"


def _start(client: FlaskClient, make_user: Any, open_subscription: Callable[..., str], household: Any) -> str:
    user = make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    public_id = open_subscription(user, household)
    login(client, "helene@example.fr")
    return f"/j/{public_id}"


def _walk(client: FlaskClient, base: str, pages: list[tuple[str, Any]]) -> str:
    location = ""
    for step, data in pages:
        response = submit(client, f"{base}/{step}", data)
        assert response.status_code == 302, (step, text_of(response)[:2000])
        location = str(response.headers["Location"])
    return location


def _proofs(app: Flask) -> list[Proof]:
    with app.app_context():
        found = list(db_session().scalars(select(Proof).order_by(Proof.id)))
        for proof in found:
            _ = list(proof.files)
            db_session().expunge(proof)
        return found


def test_no_proof_step_when_the_household_calls_for_none(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, SOLO)
    pages = [("personal", PERSONAL), ("social_security", SOCIAL), ("contacts", CONTACTS), ("bank", BANK)]
    assert _walk(client, base, pages).endswith("/review")
    assert "Justificatifs" not in text_of(client.get(f"{base}/review"))
    assert client.get(f"{base}/proofs").status_code in (302, 404)


def test_a_pacs_partner_is_asked_for_the_attestation_which_may_follow_later(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    pages = [
        ("personal", PERSONAL), ("social_security", SOCIAL), ("partner", PARTNER),
        ("children", CHILDREN),
        ("contacts", CONTACTS), ("bank", BANK),
    ]  # fmt: skip
    assert _walk(client, base, pages).endswith("/proofs")
    page = text_of(client.get(f"{base}/proofs"))
    assert "Je joins mes justificatifs" in page and "Justificatifs" in page
    assert "Attestation d'enregistrement du PACS" in page and "Envoyer plus tard" in page
    assert "Certificat de scolarité" not in page  # both children are under 21
    missing = client.post(
        f"{base}/proofs", data={**hidden_fields(page), "action": "next"}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422
    assert "Joignez « Attestation d'enregistrement du PACS » ou cochez « Envoyer plus tard »." in text_of(missing)
    assert send_proofs_later(client, base).headers["Location"].endswith("/review")
    (proof,) = _proofs(app)
    assert (proof.code, proof.later_allowed, proof.files) == ("pacs_certificate", True, [])
    assert proof.status == ProofStatus.DUE
    documents = text_of(client.get("/mes-documents"))
    assert "Attestation d'enregistrement du PACS" in documents


def test_a_student_over_21_sends_the_schooling_certificate(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, STUDENT)
    pages = [
        ("personal", PERSONAL), ("social_security", SOCIAL), ("children", STUDENT_CHILD), ("contacts", CONTACTS),
        ("bank", BANK),
    ]  # fmt: skip
    assert _walk(client, base, pages).endswith("/proofs")
    page = text_of(client.get(f"{base}/proofs"))
    assert SCHOOLING in page and "Attestation d'enregistrement du PACS" not in page
    data: dict[str, Any] = {
        **hidden_fields(page), "action": "next",
        "files-schooling_certificate_1": [(io.BytesIO(pdf_bytes(1, "Certificat de scolarité")), "scolarite.pdf")],
    }  # fmt: skip
    response = client.post(f"{base}/proofs", data=data, content_type="multipart/form-data")
    assert response.headers["Location"].endswith("/review"), text_of(response)[:2000]
    (proof,) = _proofs(app)
    assert proof.code == "schooling_certificate_1" and proof.label == SCHOOLING
    assert [f.filename for f in proof.files] == ["scolarite.pdf"] and proof.status == ProofStatus.SUBMITTED
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == base.rsplit("/", 1)[-1]))
        assert journey is not None and journey.flow_version == 2


def test_a_journey_started_before_the_proof_step_keeps_its_pages(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == base.rsplit("/", 1)[-1]))
        assert journey is not None
        journey.flow_version = 1
        db_session().commit()
    pages = [
        ("personal", PERSONAL), ("social_security", SOCIAL), ("partner", PARTNER), ("children", CHILDREN),
        ("contacts", CONTACTS), ("bank", BANK),
    ]  # fmt: skip
    assert _walk(client, base, pages).endswith("/review")
    assert _proofs(app) == []
