"""The designation end to end with CSRF on: re-authentication, clause review, local signature, versions."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from config.catalogue import default_catalogue
from signing.seal import validate_sealed_pdf
from tests.conftest import hidden_fields, login, submit, text_of
from tests.designation.helpers import BENEFICIARIES, beneficiary, reauth_with_password, start_designation
from tests.dispense.helpers import pdf_text, sign_locally, signed_documents
from wizard.db import db_session
from wizard.designation import service as designation
from wizard.models import BeneficiaryDesignation, User
from wizard.signatures.providers import organisation_pki

EMAIL = "camille.martin@example.fr"
CLAUSE = (
    "Marie DURAND, né(e) le 3 mars 1980 à Lyon, demeurant 3 rue des Acacias, 69003 Lyon, concubin(e), pour 60 %, "
    "et Paul DURAND, né(e) le 1er janvier 2010 à Lyon, demeurant 3 rue des Acacias, 69003 Lyon, enfant, pour 40 % ; "
    "à défaut, Luc PETIT (nom de naissance : LEGRAND), né(e) le 25 décembre 1955 à Brest, demeurant 1 quai Est, "
    "29200 Brest, père ou mère, pour 100 % ; à défaut, les héritiers de l'assuré."
)
PAUL = {"first_names": "Paul", "birth_date": "2010-01-01", "relationship": "child", "share": "40"}
LUC = {
    "rank": "2", "last_name": "Petit", "first_names": "Luc", "birth_name": "Legrand", "birth_date": "1955-12-25",
    "birth_place": "Brest", "address": "1 quai Est, 29200 Brest", "relationship": "parent", "share": "100",
}  # fmt: skip


def _versions(app: Flask) -> list[BeneficiaryDesignation]:
    with app.app_context():
        owner = db_session().scalar(select(User).where(User.email == EMAIL))
        assert owner is not None
        found = designation.history(db_session(), owner)
        for version in found:
            db_session().expunge(version)
        return found


def _particular(client: FlaskClient, base: str) -> None:
    page = text_of(client.get(f"{base}/choice"))
    assert "Choix par défaut : Désignation standard" in page and default_catalogue().standard_clause in page
    assert "pensez à mettre à jour votre désignation" in page
    assert "Un(e) concubin(e) n'est pas un « conjoint »" in page
    choice = {"mode": "particular", "beneficiary_count": "3", "birth_date": "1980-05-05", "place": "Lyon"}
    assert submit(client, f"{base}/choice", choice).headers["Location"].endswith("/beneficiaries")

    page = text_of(client.get(f"{base}/beneficiaries"))
    assert "ne peut être bénéficiaire que s'il (elle) est désigné(e) nommément" in page
    wrong = {**beneficiary(0, share="50"), **beneficiary(1, **PAUL), **beneficiary(2, **LUC)}
    response = submit(client, f"{base}/beneficiaries", wrong)
    assert response.status_code == 422
    assert "Les parts du rang 1 totalisent 90 % : il manque 10 %." in text_of(response)
    right = {**wrong, **beneficiary(0, share="60")}
    assert submit(client, f"{base}/beneficiaries", right).headers["Location"].endswith("/review")


def test_particular_designation_signed_and_kept_as_version_one(client: FlaskClient, app: Flask, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    contract = text_of(client.get("/mon-contrat"))
    assert "Désigner mes bénéficiaires" in contract and "Pour des raisons de confidentialité" in contract
    assert client.get(BENEFICIARIES).headers["Location"].startswith("/mon-contrat/identification")
    assert reauth_with_password(client).headers["Location"] == BENEFICIARIES
    assert "Aucune désignation signée pour le moment." in text_of(client.get(BENEFICIARIES))
    base = start_designation(client)
    _particular(client, base)

    review = text_of(client.get(f"{base}/review"))
    assert CLAUSE in review
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    done = sign_locally(client, app, f"{base}/signature")
    assert done.headers["Location"].endswith("/done")
    assert "Votre désignation est enregistrée" in text_of(client.get(done.headers["Location"]))

    (signed,) = signed_documents(app, "designation")
    text = pdf_text(signed.content)
    assert CLAUSE in text
    assert "Désignation particulière" in text and "60 %" in text and "40 %" in text and "Fait à Lyon" in text
    with app.app_context():
        check = validate_sealed_pdf(signed.content, organisation_pki(app).root_cert)
    assert check.intact and check.valid and check.trusted and check.covers_whole_file, check

    (version,) = _versions(app)
    assert version.version == 1 and version.mode == "particular" and version.clause_text == CLAUSE
    assert version.document_id == signed.id and not version.accepted_by_beneficiary
    assert [b["last_name"] for b in version.beneficiaries] == ["Durand", "Durand", "Petit"]
    assert version.beneficiaries[2]["share"] == "100" and version.beneficiaries[2]["rank"] == 2

    page = text_of(client.get(BENEFICIARIES))
    assert "Ma désignation en vigueur : Désignation particulière" in page and CLAUSE in page
    assert "Historique de mes désignations" in page and "Version 1, signée le" in page
    pdf = client.get(f"{BENEFICIARIES}/version-1.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data == signed.content


def test_a_new_designation_supersedes_and_the_history_keeps_both(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    reauth_with_password(client)
    for mode in ("particular", "standard"):
        base = start_designation(client)
        if mode == "particular":
            choice = {"mode": "particular", "beneficiary_count": "1", "birth_date": "1980-05-05", "place": "Lyon"}
            submit(client, f"{base}/choice", choice)
            submit(client, f"{base}/beneficiaries", beneficiary(0))
        else:
            page = text_of(client.get(f"{base}/choice"))
            assert "Ma désignation en vigueur (version 1)" in page and "Marie DURAND" in page
            submit(client, f"{base}/choice", {"mode": "standard", "birth_date": "1980-05-05", "place": "Paris"})
        review = text_of(client.get(f"{base}/review"))
        assert (default_catalogue().standard_clause in review) == (mode == "standard")
        submit(client, f"{base}/review", {})
        assert sign_locally(client, app, f"{base}/signature").headers["Location"].endswith("/done")

    newest, oldest = _versions(app)
    assert (newest.version, newest.mode, oldest.version, oldest.mode) == (2, "standard", 1, "particular")
    assert newest.clause_text == default_catalogue().standard_clause and newest.created_at >= oldest.created_at
    page = text_of(client.get(BENEFICIARIES))
    assert "Ma désignation en vigueur : Désignation standard" in page
    assert "2 (en vigueur)" in page and "Télécharger (PDF)" in page
    assert pdf_text(client.get(f"{BENEFICIARIES}/version-1.pdf").data).count("Marie DURAND") >= 1


def test_an_accepted_designation_cannot_be_changed_here(client: FlaskClient, app: Flask, make_user: Any) -> None:
    user = make_user(EMAIL)
    with app.app_context():
        version = BeneficiaryDesignation(
            owner_id=user.id, version=1, mode="standard", clause_text=default_catalogue().standard_clause,
            beneficiaries=[],
        )  # fmt: skip
        db_session().add(version)
        db_session().commit()
    login(client, EMAIL)
    reauth_with_password(client)
    base = start_designation(client)  # a draft opened before the acceptance was recorded
    with app.app_context():
        accepted = db_session().scalar(select(BeneficiaryDesignation))
        assert accepted is not None
        designation.mark_accepted(accepted)
        db_session().commit()

    page = text_of(client.get(BENEFICIARIES))
    assert "acceptée par un bénéficiaire : elle ne peut plus être modifiée sans son accord" in page
    assert "article L132-9 du Code des assurances" in page
    assert "Modifier ma désignation" not in page and "Reprendre ma désignation" not in page
    token = hidden_fields(page)["csrf_token"]
    refused = client.post(BENEFICIARIES, data={"csrf_token": token}, follow_redirects=True)
    assert "article L132-9" in text_of(refused)
    blocked = client.get(f"{base}/choice")
    assert blocked.status_code == 302 and blocked.headers["Location"] == BENEFICIARIES
    assert len(_versions(app)) == 1
