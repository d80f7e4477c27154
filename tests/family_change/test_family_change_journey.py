"""« Changement de situation familiale » end to end, with CSRF on: each event, the declaration period, the
amounts read back from the signed avenant, bad input, two tabs."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forms.base import french_date
from signing.seal import validate_sealed_pdf
from tests.conftest import hidden_fields, login, submit, text_of
from tests.dispense.helpers import outbox, pdf_text, sign_locally, signed_documents
from tests.family_change.helpers import (
    CHANGE_START,
    EMAIL,
    change_journey,
    jpeg_bytes,
    pdf_bytes,
    signed_contract,
    start_change,
    words,
)
from wizard.db import db_session
from wizard.family_change import current_cover
from wizard.models import FamilyChange, FamilyChangeStatus, Proof, ProofStatus, User
from wizard.signing import organisation_pki
from wizard.subscription import paris_today

CHILD = {
    "civilite": "Mme", "first_name": "Léa", "last_name": "Dupré", "birth_country": "France", "birth_city": "Lyon",
    "nir_choice": "attached", "nir": "", "code_organisme": "", "situation": "none",
}  # fmt: skip
NEW_PARTNER = {
    "civilite": "M", "usage_name": "Petit", "birth_name": "Petit", "first_name": "Paul", "birth_date": "1986-02-03",
    "birth_country": "France", "birth_city": "Brest", "regime": "general", "nir": "253072B07300470",
    "code_organisme": "",
}  # fmt: skip


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def upload(client: FlaskClient, url: str, files: dict[str, list[tuple[bytes, str]]], **extra: Any) -> Any:
    """Post the proof page as a browser does: multipart, with its hidden fields."""
    fields = hidden_fields(text_of(client.get(url)))
    data: dict[str, Any] = {**fields, "action": "next", **extra}
    for name, items in files.items():
        data[name] = [(io.BytesIO(content), filename) for content, filename in items]
    return client.post(url, data=data, content_type="multipart/form-data")


def declare(client: FlaskClient, base: str, event: dict[str, str]) -> Any:
    return submit(client, f"{base}/event", {"place": "Lyon", **event})


def sign_and_read(client: FlaskClient, app: Flask, base: str) -> str:
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    done = sign_locally(client, app, f"{base}/signature")
    assert done.headers["Location"].endswith("/done"), done.headers.get("Location")
    (signed,) = signed_documents(app, "amendment")
    with app.app_context():
        check = validate_sealed_pdf(signed.content, organisation_pki(app).root_cert)
    assert check.intact and check.valid and check.trusted, check
    return pdf_text(signed.content)


@pytest.fixture
def member(app: Flask, make_user: Any, client: FlaskClient) -> User:
    user = make_user(EMAIL)
    signed_contract(app, user)
    login(client, EMAIL)
    return user  # type: ignore[no-any-return]


def _changes(app: Flask) -> list[FamilyChange]:
    with app.app_context():
        found = list(db_session().scalars(select(FamilyChange).order_by(FamilyChange.id)))
        for change in found:
            db_session().expunge(change)
        return found


def test_birth_declared_within_the_period_adds_the_child_from_the_next_month(
    client: FlaskClient, app: Flask, member: User
) -> None:
    born = paris_today() - timedelta(days=10)
    base = start_change(client)
    page = text_of(client.get(f"{base}/event"))
    assert "Que s'est-il passé ?" in page and "Naissance ou adoption d'un enfant" in page
    response = declare(client, base, {"event": "birth_adoption", "birth_kind": "birth", "event_date": born.isoformat()})
    assert response.headers["Location"].endswith("/child")
    child_page = text_of(client.get(f"{base}/child"))
    assert born.isoformat() in child_page  # the birth date is prefilled from the event
    response = submit(client, f"{base}/child", {**CHILD, "birth_date": born.isoformat()})
    assert response.headers["Location"].endswith("/proofs"), text_of(response)[:3000]

    proofs_page = text_of(client.get(f"{base}/proofs"))
    assert "Acte de naissance de l'enfant" in proofs_page and "Envoyer plus tard" in proofs_page
    response = upload(client, f"{base}/proofs", {"files-birth_certificate": [(pdf_bytes(2), "acte.pdf")]})
    assert response.headers["Location"].endswith("/review"), text_of(response)[:3000]

    effective = first_of_next_month(born)
    review = words(client.get(f"{base}/review"))
    assert "L'effet sur ma cotisation" in review
    assert f"à compter du {french_date(effective)}" in review
    assert "passe de 46,00 € à 56,00 €" in review
    assert "Déclaré dans les 30 jours suivant l'événement" in review

    text = sign_and_read(client, app, base)
    assert "Ajout du bénéficiaire Léa DUPRÉ (enfant, né(e) le" in text
    assert f"Date d'effet {effective:%d/%m/%Y}" in text
    assert f"Nouvelle cotisation mensuelle : 56,00 € à compter du {effective:%d/%m/%Y} (auparavant 46,00 €)" in text
    assert "Enfant 3 — 10,00 €" in text and "Cotisation mensuelle totale 46,00 € 56,00 €" in text

    (change,) = _changes(app)
    assert change.action == "add" and change.status == FamilyChangeStatus.ACTIVE
    assert (change.monthly_before_cents, change.monthly_after_cents) == (4600, 5600)
    assert change.effective_date == effective and change.document_id is not None
    with app.app_context():
        cover = current_cover(db_session(), db_session().get(User, member.id))  # type: ignore[arg-type]
        assert cover is not None and [c["first_name"] for c in cover.children] == ["Carla", "Léo", "Léa"]
    (email,) = outbox(app, "family_change_confirmation")
    assert "Cotisation mensuelle : 56,00 € (auparavant 46,00 €)" in email.text_body
    assert "/mon-contrat/beneficiaires" in email.text_body
    done_page = client.get(f"{base}/done")
    done = words(done_page)
    assert "pensez à mettre à jour votre désignation de bénéficiaires" in done
    assert 'href="/mon-contrat/beneficiaires"' in text_of(done_page)
    dashboard = words(client.get("/mes-demarches"))
    assert "Changement de situation enregistré — avenant signé" in dashboard
    assert "Vérifier ma désignation de bénéficiaires" in dashboard
    documents = words(client.get("/mes-documents"))
    assert "Avenant — changement de situation familiale" in documents
    assert "Acte de naissance de l'enfant" in documents and "Envoyé, en cours de vérification" in documents
