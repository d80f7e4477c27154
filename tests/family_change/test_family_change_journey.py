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

from config.formats import long_date as french_date
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
from wizard.family_change.service import current_cover
from wizard.models import FamilyChange, FamilyChangeStatus, Proof, ProofStatus, User
from wizard.signatures.providers import organisation_pki
from wizard.subscription.service import paris_today

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
    assert "Acte de naissance de l'enfant 1 fichier joint" in review

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


NO_PARTNER = {
    "regime": {"regime": "general"},
    "household": {"cover_partner": "no", "cover_children": "yes", "children_count": 2},
    "children": {"children": [
        {"birth_date": date(2015, 9, 1), "situation": "none"},
        {"birth_date": date(2019, 9, 9), "situation": "none"},
    ]},
    "formula": {"level": "option1"},
}  # fmt: skip


def test_pacs_declared_after_the_period_adds_the_partner_from_the_month_after_the_declaration(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    user = make_user(EMAIL)
    signed_contract(app, user, NO_PARTNER, partner=False)
    login(client, EMAIL)
    union = paris_today() - timedelta(days=60)
    base = start_change(client)
    event = {"event": "union", "union_kind": "pacs", "event_date": union.isoformat()}
    assert declare(client, base, event).headers["Location"].endswith("/partner")
    assert submit(client, f"{base}/partner", NEW_PARTNER).headers["Location"].endswith("/proofs")
    assert "Attestation d'enregistrement du PACS" in text_of(client.get(f"{base}/proofs"))
    response = upload(client, f"{base}/proofs", {"files-pacs_certificate": [(jpeg_bytes(), "pacs.jpg")]})
    assert response.headers["Location"].endswith("/review")

    effective = first_of_next_month(paris_today())
    review = words(client.get(f"{base}/review"))
    assert "Ajout : Paul PETIT, à compter du " + french_date(effective) in review
    assert "passe de 32,00 € à 46,00 €" in review
    assert "Déclaré plus de 30 jours après l'événement" in review
    text = sign_and_read(client, app, base)
    assert "Ajout du bénéficiaire Paul PETIT (conjoint(e)" in text and "Conjoint(e) — 14,00 €" in text
    assert f"Nouvelle cotisation mensuelle : 46,00 € à compter du {effective:%d/%m/%Y} (auparavant 32,00 €)" in text
    assert "plus de 30 jours après l'événement" in text
    (change,) = _changes(app)
    assert change.person["first_name"] == "Paul" and change.effective_date == effective


def test_divorce_removes_the_partner_and_the_proof_may_follow_later(
    client: FlaskClient, app: Flask, member: User
) -> None:
    judged = paris_today() - timedelta(days=3)
    base = start_change(client)
    event = {"event": "separation", "separation_kind": "divorce", "event_date": judged.isoformat()}
    assert declare(client, base, event).headers["Location"].endswith("/proofs")
    missing = upload(client, f"{base}/proofs", {})
    assert missing.status_code == 422
    divorce = "Jugement ou convention de divorce (ou de séparation de corps)"
    assert f"Joignez « {divorce} » ou cochez « Envoyer plus tard »." in text_of(missing)
    later = upload(client, f"{base}/proofs", {}, later="divorce_certificate")
    assert later.headers["Location"].endswith("/review")
    review = words(client.get(f"{base}/review"))
    assert "Retrait : Marc DUPRÉ" in review and "passe de 46,00 € à 32,00 €" in review
    assert f"{divorce} À envoyer plus tard, depuis « Mes documents »" in review
    text = sign_and_read(client, app, base)
    assert "Retrait du bénéficiaire Marc DUPRÉ (conjoint(e), né(e) le 2 juin 1987)" in text
    assert "Conjoint(e) 14,00 € —" in text
    with app.app_context():
        (proof,) = db_session().scalars(select(Proof))
        assert proof.status == ProofStatus.DUE and not proof.files
    dashboard = words(client.get("/mes-demarches"))
    assert "Justificatif à envoyer : Jugement ou convention de divorce" in dashboard
    documents = text_of(client.get("/mes-documents"))
    assert "À envoyer" in documents and "Envoyer le document" in documents


def test_death_of_a_child_after_the_period_and_a_child_no_longer_dependant(
    client: FlaskClient, app: Flask, member: User
) -> None:
    died = paris_today() - timedelta(days=45)
    base = start_change(client)
    page = text_of(client.get(f"{base}/event"))
    assert "Carla DUPRÉ (enfant, né(e) le 1er septembre 2015)" in page
    event = {"event": "death", "person": "child-2", "event_date": died.isoformat()}
    assert declare(client, base, event).headers["Location"].endswith("/proofs")
    upload(client, f"{base}/proofs", {"files-death_certificate": [(pdf_bytes(), "deces.pdf")]})
    text = sign_and_read(client, app, base)
    effective = first_of_next_month(paris_today())
    assert "Retrait du bénéficiaire Léo DUPRÉ (enfant" in text
    assert f"Nouvelle cotisation mensuelle : 36,00 € à compter du {effective:%d/%m/%Y} (auparavant 46,00 €)" in text

    base = start_change(client)  # the next change starts from the cover the first one left
    page = text_of(client.get(f"{base}/event"))
    assert "Léo DUPRÉ" not in page and "Carla DUPRÉ" in page
    left = paris_today() - timedelta(days=1)
    event = {"event": "child_not_dependant", "person": "child-1", "event_date": left.isoformat()}
    assert declare(client, base, event).headers["Location"].endswith("/proofs")
    assert "Aucun justificatif n'est demandé pour votre situation" in text_of(client.get(f"{base}/proofs"))
    assert upload(client, f"{base}/proofs", {}).headers["Location"].endswith("/review")
    assert "passe de 36,00 € à 26,00 €" in words(client.get(f"{base}/review"))
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    assert sign_locally(client, app, f"{base}/signature").headers["Location"].endswith("/done")
    changes = _changes(app)
    assert [(c.event, c.action, c.monthly_after_cents) for c in changes] == [
        ("death", "remove", 3600), ("child_not_dependant", "remove", 2600),
    ]  # fmt: skip


def test_adoption_proof_cannot_wait_and_an_older_student_needs_a_schooling_certificate(
    client: FlaskClient, app: Flask, member: User
) -> None:
    adopted = paris_today() - timedelta(days=5)
    base = start_change(client)
    declare(client, base, {"event": "birth_adoption", "birth_kind": "adoption", "event_date": adopted.isoformat()})
    too_old = {**CHILD, "birth_date": "2004-01-15"}
    response = submit(client, f"{base}/child", too_old)
    assert response.status_code == 422 and "Cet enfant a 22 ans" in text_of(response)
    assert submit(client, f"{base}/child", {**too_old, "situation": "student"}).headers["Location"].endswith("/proofs")
    page = text_of(client.get(f"{base}/proofs"))
    assert "Jugement d'adoption" in page and "Certificat de scolarité" in page
    response = upload(client, f"{base}/proofs", {}, later="adoption_certificate")
    assert response.status_code == 422
    body = text_of(response)
    adoption = "Jugement d'adoption ou attestation de placement en vue d'adoption"
    assert f"Joignez « {adoption} » : ce document est nécessaire" in body
    response = upload(
        client, f"{base}/proofs",
        {"files-adoption_certificate": [(pdf_bytes(3), "jugement.pdf")]}, later="schooling_certificate",
    )  # fmt: skip
    assert response.headers["Location"].endswith("/review")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"event": "birth_adoption", "birth_kind": "birth", "event_date": "2099-01-01"},
         "La date de l'événement ne peut pas être dans le futur."),
        ({"event": "death", "person": "child-1", "event_date": "2026-03-01"},
         "La date de l'événement ne peut pas être antérieure au début de votre contrat (1er mai 2026)."),
        ({"event": "union", "union_kind": "marriage", "event_date": "2026-06-01"},
         "Un(e) conjoint(e) est déjà couvert(e) par votre contrat : déclarez d'abord la séparation."),
        ({"event": "death", "person": "child-9", "event_date": "2026-06-01"},
         "Cette personne n'est pas couverte par votre contrat : choisissez-en une dans la liste."),
        ({"event": "child_not_dependant", "person": "partner", "event_date": "2026-06-01"},
         "Cette personne n'est pas couverte par votre contrat : choisissez-en une dans la liste."),
        ({"event": "death", "event_date": "2026-06-01"}, "Choisissez la personne concernée."),
        ({"event": "union", "event_date": "pas une date"}, "Indiquez une date valide au format jj/mm/aaaa."),
    ],
)  # fmt: skip
def test_bad_declarations_are_refused_in_french(
    client: FlaskClient, app: Flask, member: User, event: dict[str, str], message: str
) -> None:
    base = start_change(client)
    response = declare(client, base, event)
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'class="error-summary"' in text_of(response)


def test_removing_a_partner_nobody_covers_is_refused(client: FlaskClient, app: Flask, make_user: Any) -> None:
    user = make_user(EMAIL)
    signed_contract(app, user, NO_PARTNER, partner=False)
    login(client, EMAIL)
    base = start_change(client)
    response = declare(client, base, {"event": "separation", "separation_kind": "pacs_end", "event_date": "2026-06-01"})
    assert response.status_code == 422
    assert "Aucun(e) conjoint(e) n'est couvert(e) par votre contrat : il n'y a personne à retirer." in text_of(response)


def test_birth_date_must_be_the_event_date(client: FlaskClient, app: Flask, member: User) -> None:
    born = paris_today() - timedelta(days=2)
    base = start_change(client)
    declare(client, base, {"event": "birth_adoption", "birth_kind": "birth", "event_date": born.isoformat()})
    response = submit(client, f"{base}/child", {**CHILD, "birth_date": (born - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert f"Pour une naissance, la date de naissance est la date de l'événement ({french_date(born)})." in text_of(
        response
    )


def test_two_tabs_share_one_change_and_a_stale_page_loses_nothing(
    client: FlaskClient, app: Flask, member: User
) -> None:
    first = start_change(client)
    second = start_change(client)
    assert first == second  # one change at a time: the second tab resumes the first
    old_page = hidden_fields(text_of(client.get(f"{first}/event")))
    event = {"event": "death", "person": "child-1", "event_date": "2026-06-01", "place": "Lyon"}
    assert submit(client, f"{first}/event", event).headers["Location"].endswith("/proofs")
    stale = client.post(
        f"{first}/event", data={**old_page, **event, "person": "child-2", "action": "next"}
    )
    assert stale.status_code == 302
    assert "Cette page n'était plus à jour" in text_of(client.get(stale.headers["Location"]))
    journey = change_journey(app, first)
    with app.app_context():
        answers = db_session().merge(journey).answer_for("event")
        assert answers is not None and answers.data is not None and answers.data["person"] == "child-1"


def test_no_change_before_the_subscription_is_signed(client: FlaskClient, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    assert "Un changement de situation ?" not in text_of(client.get("/mes-demarches"))
    token = hidden_fields(text_of(client.get("/mes-demarches")))["csrf_token"]
    response = client.post(CHANGE_START, data={"csrf_token": token})
    assert response.headers["Location"] == "/mes-demarches"
    assert "terminez d'abord votre adhésion" in text_of(client.get("/mes-demarches"))
    assert client.get("/demarches/family_change").status_code == 404
