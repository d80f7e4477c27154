"""Member documents (owner only), the confirmation page with its satisfaction question, the email."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, text_of
from tests.subscription.conftest import FAMILY
from wizard.db import db_session
from wizard.models import Document, Journey, JourneyStatus, OutboxMessage, SatisfactionAnswer, utcnow
from wizard.subscription.service import on_subscription_completed


def _complete(app: Flask, public_id: str) -> int:
    """What the signing service leaves behind: a completed journey with its signed document."""
    with app.app_context():
        session = db_session()
        journey = session.scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        journey.status, journey.state, journey.completed_at = JourneyStatus.COMPLETED, "confirmation", utcnow()
        journey.path = [*journey.path, "confirmation"]
        document = Document(
            public_id=secrets.token_urlsafe(16), journey=journey, kind="bulletin", title="Bulletin d'adhésion signé",
            filename="bulletin-adhesion.pdf", template_version="2026.1", sha256="0" * 64,
            content=b"%PDF-1.7 signed bulletin", signed=True,
        )  # fmt: skip
        session.add(document)
        session.commit()
        return document.id


def _document_public_id(app: Flask) -> str:
    with app.app_context():
        return str(db_session().scalar(select(Document.public_id)))


def test_documents_are_downloadable_by_their_owner_only(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    owner = make_user("helene@example.fr")
    make_user("intrus@example.fr")
    _complete(app, open_subscription(owner, FAMILY))
    document_id = _document_public_id(app)

    login(client, "helene@example.fr")
    page = text_of(client.get("/mes-documents"))
    assert "Mes documents" in page and "Bulletin d'adhésion signé" in page
    response = client.get(f"/mes-documents/{document_id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.7 signed bulletin"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/mes-documents/{document_id[:-1]}x").status_code == 404  # tampered id

    client.post("/deconnexion", data={"csrf_token": hidden_fields(text_of(client.get("/mes-demarches")))["csrf_token"]})
    login(client, "intrus@example.fr")
    assert client.get(f"/mes-documents/{document_id}").status_code == 404
    assert "Bulletin d'adhésion signé" not in text_of(client.get("/mes-documents"))


def test_devis_of_someone_else_or_of_an_unfinished_journey_is_404(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    public_id = open_subscription(make_user("helene@example.fr"), FAMILY)
    make_user("intrus@example.fr")
    login(client, "helene@example.fr")
    assert client.get(f"/j/{public_id}/devis.pdf").status_code == 404  # a subscription has no devis
    login(client, "intrus@example.fr")
    assert client.get(f"/j/{public_id}/devis.pdf").status_code == 404


def test_confirmation_page_asks_satisfaction_and_stores_the_answer(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    public_id = open_subscription(make_user("helene@example.fr"), FAMILY)
    _complete(app, public_id)
    login(client, "helene@example.fr")
    page = text_of(client.get(f"/j/{public_id}/confirmation"))
    assert "Votre demande d'adhésion à la complémentaire santé a bien été prise en compte." in page
    assert "Comment décririez-vous votre expérience avec Horizon Publique ?" in page
    for label in ("Décevante", "Correcte", "Très bonne"):
        assert label in page
    token = hidden_fields(page)["csrf_token"]
    response = client.post(f"/j/{public_id}/satisfaction", data={"csrf_token": token}, follow_redirects=True)
    assert "Choisissez une réponse avant de valider." in text_of(response)
    response = client.post(
        f"/j/{public_id}/satisfaction", data={"csrf_token": token, "answer": "happy"}, follow_redirects=True
    )
    assert "Merci pour votre réponse" in text_of(response)
    assert 'value="happy" checked' in text_of(response)
    with app.app_context():
        assert [a.answer for a in db_session().scalars(select(SatisfactionAnswer))] == ["happy"]
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Adhésion enregistrée — contrat effectif le" in dashboard and "Voir mes documents signés" in dashboard


def test_completion_queues_one_confirmation_email(
    app: Flask, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    public_id = open_subscription(make_user("helene@example.fr", first_name="Hélène"), FAMILY)
    with app.app_context():
        session = db_session()
        journey = session.scalar(select(Journey).where(Journey.public_id == public_id))
        assert journey is not None
        on_subscription_completed(session, journey)
        session.commit()
        messages = list(session.scalars(select(OutboxMessage)))
    assert len(messages) == 1
    message = messages[0]
    assert message.to_address == "helene@example.fr" and message.kind == "subscription_confirmation"
    assert message.subject == "Nous avons bien reçu votre demande d'adhésion"
    for expected in ("Bonjour Hélène", "Nous avons bien reçu votre demande d'adhésion en date du",
                     "Si vous n'êtes pas à l'origine de cette demande, veuillez nous contacter.",
                     "Suivre mon dossier : http", "/mes-documents", "01 23 45 67 89",
                     "contact@horizon-publique.example"):  # fmt: skip
        assert expected in message.text_body, expected
    assert "Suivre mon dossier</a>" in message.html_body and "Gardons contact" in message.html_body
