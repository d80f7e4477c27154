"""The local ceremony end to end with CSRF on: consent box, emailed code, seal, evidence, idempotence."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select, update

from signing.seal import read_evidence, validate_sealed_pdf
from tests.conftest import hidden_fields, login, submit, text_of
from tests.signatures import testflow
from tests.signatures.conftest import emailed_codes, enter_signing, journey_of, post_code
from wizard.db import db_session
from wizard.models import Actor, Document, JourneyEvent, OutboxMessage, SignatureRequest, SigningCode, utcnow
from wizard.signatures.providers import organisation_pki


def _requests(app: Flask) -> list[SignatureRequest]:
    with app.app_context():
        return list(db_session().scalars(select(SignatureRequest).order_by(SignatureRequest.id)))


def _documents(app: Flask, *, signed: bool) -> list[Document]:
    with app.app_context():
        query = select(Document).where(Document.signed.is_(signed)).order_by(Document.id)
        return list(db_session().scalars(query))


def test_signing_page_shows_documents_amounts_and_unticked_box(client: FlaskClient, at_signing: str) -> None:
    page = text_of(client.get(at_signing))
    assert "Bulletin d'adhésion" in page and "Mandat de prélèvement SEPA" in page
    assert page.count(">Voir<") == 2 and page.count(">Télécharger<") == 2
    assert "Votre contrat prendra effet le 1er mai 2026." in page
    assert "Le montant de votre cotisation sera de 46,00 € par mois." in page
    assert testflow.CONSENT in page and "checked" not in page.split(testflow.CONSENT)[0].rsplit("<input", 1)[1]
    assert "J'accepte les conditions et je souscris" in page
    assert "conditions de la signature électronique" in page

    base = at_signing.rsplit("/", 1)[0]
    pdf = client.get(f"{base}/documents/mandate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    download = client.get(f"{base}/documents/mandate.pdf?telecharger=1")
    assert (
        "attachment" in download.headers["Content-Disposition"]
        and "mandat.pdf" in download.headers["Content-Disposition"]
    )
    assert client.get(f"{base}/documents/unknown.pdf").status_code == 404


def test_documents_are_for_the_owner_only(client: FlaskClient, app: Flask, at_signing: str, make_user: Any) -> None:
    base = at_signing.rsplit("/", 1)[0]
    ceremony = enter_signing(client, at_signing)
    make_user("intrus@example.fr")
    other = app.test_client()
    login(other, "intrus@example.fr")
    assert other.get(f"{base}/documents/bulletin.pdf").status_code == 404
    assert other.get(at_signing).status_code == 404
    assert other.get(ceremony).status_code == 404
    assert emailed_codes(app) == []  # the owner never opened the ceremony page: no code was sent


def test_consent_box_is_required(client: FlaskClient, app: Flask, at_signing: str) -> None:
    response = submit(client, at_signing, {})
    assert response.status_code == 422
    page = text_of(response)
    assert page.count("Cochez la case pour certifier l'exactitude de votre déclaration avant de signer.") == 2
    assert "Il y a 1 erreur à corriger" in page
    assert _requests(app) == []


def test_code_is_emailed_and_wrong_code_counts_attempts(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    assert ceremony.startswith("/signature/local-")
    page = text_of(client.get(ceremony))
    assert "h•••••••••••@example.fr" in page and "helene.dupre@example.fr" not in page
    codes = emailed_codes(app)
    assert len(codes) == 1
    client.get(ceremony)  # reloading sends nothing more
    assert len(emailed_codes(app)) == 1

    wrong = "000000" if codes[0] != "000000" else "111111"
    response = post_code(client, ceremony, wrong)
    assert response.status_code == 422
    assert "Ce code n'est pas le bon. Il vous reste 4 essais." in text_of(response)
    assert _documents(app, signed=True) == []


def test_expired_code_needs_a_new_one(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    client.get(ceremony)
    code = emailed_codes(app)[0]
    with app.app_context():
        session = db_session()
        past = utcnow() - timedelta(minutes=11)
        session.execute(update(SigningCode).values(sent_at=past, expires_at=past + timedelta(minutes=10)))
        session.commit()
    response = post_code(client, ceremony, code)
    assert "Ce code a expiré (il est valable 10 minutes). Demandez un nouveau code." in text_of(response)
    assert _documents(app, signed=True) == []

    token_page = client.get(ceremony)
    assert "Votre code a expiré" in text_of(token_page)
    token = hidden_fields(token_page.get_data(as_text=True))["csrf_token"]
    resent = client.post(f"{ceremony}/nouveau-code", data={"csrf_token": token}, follow_redirects=True)
    assert "Un nouveau code vient de vous être envoyé." in text_of(resent)
    new_code = emailed_codes(app)[-1]
    assert len(emailed_codes(app)) == 2
    response = post_code(client, ceremony, new_code)
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")


def test_resend_has_a_cooldown(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    page = client.get(ceremony)
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    again = client.post(f"{ceremony}/nouveau-code", data={"csrf_token": token}, follow_redirects=True)
    assert "Patientez quelques secondes" in text_of(again)
    assert len(emailed_codes(app)) == 1


def test_too_many_attempts_block_the_code(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    client.get(ceremony)
    code = emailed_codes(app)[0]
    wrong = "000000" if code != "000000" else "111111"
    messages = [text_of(post_code(client, ceremony, wrong)) for _ in range(5)]
    assert "Il vous reste 1 essai." in messages[3]
    assert "Vous avez saisi trop de codes erronés. Demandez un nouveau code pour signer." in messages[4]
    # even the right code is refused now
    assert "trop de codes erronés" in text_of(post_code(client, ceremony, code))
    assert _documents(app, signed=True) == []


def test_right_code_seals_every_pdf_with_its_evidence(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    client.get(ceremony, headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.2"})
    code = emailed_codes(app)[0]
    response = post_code(client, ceremony, f"{code[:3]} {code[3:]}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    done = text_of(client.get(response.headers["Location"]))
    assert "Votre demande a bien été prise en compte." in done
    assert [journey_of(app, at_signing).public_id] == testflow.COMPLETED

    with app.app_context():
        root = organisation_pki(app).root_cert
    shown = _documents(app, signed=False)
    signed = _documents(app, signed=True)
    assert [d.kind for d in signed] == ["bulletin", "mandate"]
    (request,) = _requests(app)
    assert request.status == "completed" and request.signed_at is not None
    recorded = {entry["kind"]: entry for entry in request.evidence["signed_documents"]}
    for before, after in zip(shown, signed, strict=True):
        check = validate_sealed_pdf(after.content, root)
        assert check.intact and check.valid and check.trusted and check.covers_whole_file, check
        altered = bytearray(after.content)
        position = len(altered) // 3
        altered[position] = (altered[position] + 1) % 256
        assert not validate_sealed_pdf(bytes(altered), root).ok
        embedded = read_evidence(after.content)
        assert embedded == recorded[after.kind]["embedded"]
        assert embedded["document"]["sha256_shown"] == before.sha256
        assert recorded[after.kind]["sha256_signed"] == after.sha256
        assert embedded["signer"]["full_name"] == "Hélène Dupré"
        assert embedded["signer"]["code_channel"] == "email" and embedded["signer"]["code_wrong_attempts"] == 0
        assert embedded["consents"][0]["text"] == testflow.CONSENT
        assert embedded["provider"] == "local" and embedded["envelope_id"] == request.envelope_id
        assert embedded["transaction_id"] == request.evidence["transaction_id"]
        assert after.journey_id == before.journey_id and after.filename == before.filename
    mandate = read_evidence(signed[1].content)["document"]
    assert mandate["rum"] == testflow.RUM and mandate["ics"] == testflow.ICS
    assert mandate["template_version"] == "test.1"


def test_second_submit_signs_nothing_twice(client: FlaskClient, app: Flask, at_signing: str) -> None:
    ceremony = enter_signing(client, at_signing)
    client.get(ceremony)
    code = emailed_codes(app)[0]
    token = hidden_fields(client.get(ceremony).get_data(as_text=True))["csrf_token"]
    first = client.post(ceremony, data={"csrf_token": token, "code": code})
    second = client.post(ceremony, data={"csrf_token": token, "code": code})
    assert first.headers["Location"].endswith("/done") and second.headers["Location"].endswith("/done")
    assert len(_documents(app, signed=True)) == 2
    assert [journey_of(app, at_signing).public_id] == testflow.COMPLETED
    with app.app_context():
        events = db_session().scalars(select(JourneyEvent).where(JourneyEvent.trigger == "signature_completed"))
        assert len(list(events)) == 1


def test_reentering_the_step_reuses_the_envelope(client: FlaskClient, app: Flask, at_signing: str) -> None:
    fields = hidden_fields(client.get(at_signing).get_data(as_text=True))
    ticked = (utcnow() - timedelta(seconds=20)).isoformat()
    first = client.post(
        at_signing,
        data={**fields, "consent": "y", "consent_ticked_at": ticked, "action": "next"},
        headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.2", "User-Agent": "Navigateur de test"},
    ).headers["Location"]
    again = enter_signing(client, at_signing)
    assert first == again
    (request,) = _requests(app)
    first_consent, second_consent = request.evidence["consents"]
    assert first_consent["text"] == testflow.CONSENT and first_consent["version"].startswith("sha256:")
    assert first_consent["ticked_at"] == ticked and first_consent["ticked_at_source"] == "browser"
    assert first_consent["forwarded_for"] == ["203.0.113.7", "10.0.0.2"]
    assert first_consent["user_agent"] == "Navigateur de test"
    assert second_consent["ticked_at_source"] == "button"
    assert [d["kind"] for d in request.evidence["documents"]] == ["bulletin", "mandate"]


def test_changed_answers_start_a_new_envelope(client: FlaskClient, app: Flask, at_signing: str) -> None:
    first = enter_signing(client, at_signing)
    base = at_signing.rsplit("/", 1)[0]
    submit(client, at_signing, {}, action="back")
    submit(client, f"{base}/declaration", {"city": "Marseille"})
    second = enter_signing(client, at_signing)
    assert first != second
    old, new = _requests(app)
    assert old.status == "expired" and old.evidence["events"][-1]["reason"] == "documents_changed"
    assert new.status == "pending"
    # the old ceremony cannot be used any more
    assert client.get(first).headers["Location"].endswith("/signature")


def test_forged_return_event_records_nothing(client: FlaskClient, app: Flask, at_signing: str) -> None:
    enter_signing(client, at_signing)
    response = client.get(f"{at_signing}/retour?event=signing_complete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/signature")
    (request,) = _requests(app)
    assert request.status == "pending"
    assert journey_of(app, at_signing).state == "signature"
    assert _documents(app, signed=True) == [] and testflow.COMPLETED == []


def test_preview_signs_nothing_and_sends_nothing(client: FlaskClient, app: Flask, member: Any) -> None:
    from wizard.journeys import engine  # noqa: PLC0415

    with app.app_context():
        session = db_session()
        owner = session.get(type(member), member.id)
        journey = engine.start_journey(session, owner, testflow.FLOW_ID, Actor(member.id), is_preview=True)
        session.commit()
        base = f"/j/{journey.public_id}"
    submit(client, f"{base}/declaration", {"city": "Lyon"})
    page = text_of(client.get(f"{base}/signature"))
    assert "Aperçu : les documents portent la mention SPECIMEN." in page
    pdf = client.get(f"{base}/documents/bulletin.pdf").data
    assert "SPECIMEN" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    response = submit(client, f"{base}/signature", {"consent": "y"})
    assert response.headers["Location"].endswith("/done")
    assert _requests(app) == []
    with app.app_context():
        assert list(db_session().scalars(select(OutboxMessage))) == []
    assert testflow.COMPLETED == []


def test_local_provider_refuses_every_webhook(client: FlaskClient, app: Flask, at_signing: str) -> None:
    enter_signing(client, at_signing)
    (request,) = _requests(app)
    body = b'{"event": "envelope-completed", "data": {"envelopeId": "%s"}}' % request.envelope_id.encode()
    response = client.post("/webhooks/docusign", data=body, headers={"X-DocuSign-Signature-1": "Zm9yZ2Vk"})
    assert response.status_code == 401
    assert _requests(app)[0].status == "pending" and journey_of(app, at_signing).state == "signature"
