"""HR / operations check proofs: the queue, the files, a refusal the member reads and answers, then acceptance.

A refusal puts the family change on hold (its dependant no longer counts in the cover), never the contract."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, submit, text_of
from tests.dispense.helpers import outbox, sign_locally
from tests.family_change.helpers import EMAIL, jpeg_bytes, pdf_bytes, signed_contract, start_change, words
from wizard.db import db_session
from wizard.family_change.service import current_cover
from wizard.models import FamilyChange, FamilyChangeStatus, Proof, ProofStatus, Role, User
from wizard.subscription.service import paris_today

HR_EMAIL = "rh@example.fr"
REASON = "Document illisible : envoyez une copie nette de toutes les pages."
QUEUE = "/rh/justificatifs"


def _signed_birth(client: FlaskClient, app: Flask) -> None:
    born = paris_today() - timedelta(days=6)
    base = start_change(client)
    submit(client, f"{base}/event", {
        "event": "birth_adoption", "birth_kind": "birth", "event_date": born.isoformat(), "place": "Lyon",
    })  # fmt: skip
    submit(client, f"{base}/child", {
        "civilite": "Mme", "first_name": "Léa", "last_name": "Dupré", "birth_date": born.isoformat(),
        "birth_country": "France", "birth_city": "Lyon", "nir_choice": "attached", "nir": "", "code_organisme": "",
        "situation": "none",
    })  # fmt: skip
    fields = hidden_fields(text_of(client.get(f"{base}/proofs")))
    client.post(
        f"{base}/proofs", content_type="multipart/form-data",
        data={**fields, "action": "next", "files-birth_certificate": [(io.BytesIO(jpeg_bytes()), "flou.jpg")]},
    )  # fmt: skip
    submit(client, f"{base}/review", {})
    assert sign_locally(client, app, f"{base}/signature").headers["Location"].endswith("/done")


def _state(app: Flask, member_id: int) -> tuple[ProofStatus, FamilyChangeStatus, list[str]]:
    with app.app_context():
        session = db_session()
        proof = session.scalars(select(Proof)).one()
        change = session.scalars(select(FamilyChange)).one()
        cover = current_cover(session, session.get(User, member_id))  # type: ignore[arg-type]
        assert cover is not None
        return proof.status, change.status, [c["first_name"] for c in cover.children]


def _decide(hr: FlaskClient, proof_url: str, **data: str) -> Any:
    token = hidden_fields(text_of(hr.get(proof_url)))["csrf_token"]
    return hr.post(proof_url, data={"csrf_token": token, **data})


def test_refusal_puts_the_change_on_hold_the_member_answers_and_acceptance_restores_it(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    member = make_user(EMAIL)
    signed_contract(app, member)
    make_user(HR_EMAIL, role=Role.HR)
    login(client, EMAIL)
    _signed_birth(client, app)
    assert client.get(QUEUE).status_code == 404  # members never see the operations' queue
    assert _state(app, member.id) == (ProofStatus.SUBMITTED, FamilyChangeStatus.ACTIVE, ["Carla", "Léo", "Léa"])

    hr = app.test_client()
    login(hr, HR_EMAIL)
    queue = words(hr.get(QUEUE))
    assert "Justificatifs à vérifier" in queue and "Acte de naissance de l'enfant" in queue
    assert "Changement de situation familiale" in queue and "Camille Martin" in queue
    with app.app_context():
        proof = db_session().scalars(select(Proof)).one()
        proof_url, file_id = f"{QUEUE}/{proof.public_id}", proof.files[0].public_id
    detail = text_of(hr.get(proof_url))
    assert "flou.jpg" in detail and "non analysé par l'antivirus" in detail
    download = hr.get(f"{QUEUE}/fichiers/{file_id}")
    assert download.status_code == 200 and download.mimetype == "image/jpeg" and download.data == jpeg_bytes()

    missing_reason = _decide(hr, proof_url, decision="refuse", reason="")
    assert missing_reason.status_code == 422
    assert "Indiquez le motif du refus" in text_of(missing_reason)
    assert _decide(hr, proof_url, decision="refuse", reason=REASON).headers["Location"] == QUEUE
    assert _state(app, member.id) == (ProofStatus.REFUSED, FamilyChangeStatus.ON_HOLD, ["Carla", "Léo"])
    assert "Aucun justificatif n'attend de vérification." in text_of(hr.get(QUEUE))
    again = _decide(hr, proof_url, decision="accept")
    assert "n'attend plus de vérification" in text_of(hr.get(again.headers["Location"]))

    (email,) = outbox(app, "proof_refused")
    assert email.to_address == EMAIL and REASON in email.text_body and "votre contrat, lui, continue" in email.text_body
    dashboard = words(client.get("/mes-demarches"))
    assert f"Acte de naissance de l'enfant — refusé : {REASON}" in dashboard
    assert "en attente d'un justificatif" in dashboard
    assert "Adhésion enregistrée" in dashboard  # the contract itself is untouched
    documents = text_of(client.get("/mes-documents"))
    assert f"Motif du refus : {REASON}" in documents and "Envoyer un autre fichier" in documents

    token = hidden_fields(documents)["csrf_token"]
    client.post(
        f"/mes-documents/justificatifs/{proof_url.rsplit('/', 1)[-1]}", content_type="multipart/form-data",
        data={"csrf_token": token, "files-birth_certificate": [(io.BytesIO(pdf_bytes()), "acte-net.pdf")]},
    )  # fmt: skip
    assert _state(app, member.id) == (ProofStatus.SUBMITTED, FamilyChangeStatus.ON_HOLD, ["Carla", "Léo"])
    assert "acte-net.pdf" in text_of(hr.get(proof_url))
    assert _decide(hr, proof_url, decision="accept").status_code == 302
    assert _state(app, member.id) == (ProofStatus.ACCEPTED, FamilyChangeStatus.ACTIVE, ["Carla", "Léo", "Léa"])
    assert "Accepté" in text_of(client.get("/mes-documents"))
