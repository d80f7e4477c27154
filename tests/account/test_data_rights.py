"""« Télécharger mes données » (exactly my data, nobody else's) and « Supprimer mon compte »."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.account.conftest import outbox, post_form
from tests.conftest import PASSWORD, hidden_fields, login, text_of
from wizard.account import data_rights
from wizard.db import db_session
from wizard.models import (
    Actor,
    Campaign,
    ConsentRecord,
    DataExport,
    DeletionRequest,
    Document,
    ExportStatus,
    FamilyChange,
    Invitation,
    Journey,
    JourneyStatus,
    MemberProfile,
    Proof,
    ProofFile,
    ProofStatus,
    Satisfaction,
    SatisfactionAnswer,
    SepaCollection,
    SepaMandate,
    SepaMandateVersion,
    StepAnswer,
    User,
    utcnow,
)


def _give_data(app: Flask, user: User, marker: str, *, completed: bool = True) -> None:
    """A journey with an answer, a signed PDF, a profile and a consent, all carrying ``marker``."""
    with app.app_context():
        session = db_session()
        journey = Journey(owner_id=user.id, flow_id="subscription", flow_version=1, state="confirmation",
                          status=JourneyStatus.COMPLETED if completed else JourneyStatus.IN_PROGRESS,
                          path=["personal"], completed_at=utcnow() if completed else None)  # fmt: skip
        journey.answers = (StepAnswer(step_id="personal", raw={"first_name": [marker]}, data={"first_name": marker}),)
        session.add(journey)
        session.flush()
        if completed:
            session.add(Document(
                public_id=secrets.token_urlsafe(16), journey_id=journey.id, kind="bulletin", title="Bulletin signé",
                filename=f"bulletin-{marker}.pdf", template_version="1", sha256="0" * 64,
                content=f"%PDF-1.7 {marker}".encode(), signed=True,
            ))  # fmt: skip
        if session.get(MemberProfile, user.id) is None:
            session.add(MemberProfile(user_id=user.id, address_line1=f"1 rue {marker}", postal_code="75020",
                                      commune="Paris", contact_email=user.email))  # fmt: skip
        session.add(ConsentRecord(user_id=user.id, purpose="satisfaction", channel="all", given=True,
                                  text_shown=f"texte {marker}", source="mon_compte"))  # fmt: skip
        campaign = session.scalar(select(Campaign)) or Campaign(
            name="Campagne", employer="Employeur", contract_name="C", effective_date=date(2026, 5, 1),
            deadline=date(2026, 6, 30), offer_version="1",
        )  # fmt: skip
        session.add(campaign)
        session.flush()
        if completed:
            session.add(Invitation(
                campaign_id=campaign.id, email=user.email, last_name=f"Nom{marker}", first_name="P",
                birth_date=date(1980, 1, 1), regime="general", user_id=user.id, postal_address=f"rue {marker}",
            ))  # fmt: skip
        session.commit()


def test_export_contains_exactly_my_data_and_nobody_elses(
    client: FlaskClient, app: Flask, member: User, make_user: Any
) -> None:
    other = make_user("dominique@example.fr", first_name="Dominique", last_name="Autre")
    _give_data(app, member, "MOI")
    _give_data(app, other, "AUTRUI")
    page = text_of(client.get("/mon-compte/mes-donnees"))
    client.post("/mon-compte/mes-donnees", data=hidden_fields(page))
    client.post("/mon-compte/mes-donnees", data=hidden_fields(page))  # double click: one archive
    assert "en préparation" in text_of(client.get("/mon-compte/mes-donnees"))
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(DataExport)) == 1
        assert data_rights.drain(db_session()) == 1
    page = text_of(client.get("/mon-compte/mes-donnees"))
    assert "est prête" in page
    link = page.split('href="/mon-compte/mes-donnees/')[1].split('"')[0]
    response = client.get(f"/mon-compte/mes-donnees/{link}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["documents/bulletin-MOI.pdf", "mes-donnees.json"]
    assert archive.read("documents/bulletin-MOI.pdf") == b"%PDF-1.7 MOI"
    raw = archive.read("mes-donnees.json").decode()
    data = json.loads(raw)
    assert data["compte"]["email_de_connexion"] == member.email
    assert data["coordonnees"]["adresse"][0] == "1 rue MOI"
    assert data["demarches"][0]["reponses"]["personal"]["donnees"] == {"first_name": "MOI"}
    assert data["consentements"]["historique"][0]["texte_affiche"] == "texte MOI"
    assert [i["nom"] for i in data["invitations"]] == ["NomMOI"]
    for foreign in ("AUTRUI", "dominique", "Dominique"):
        assert foreign not in raw
    # someone else cannot fetch my archive
    client.post("/deconnexion", data=hidden_fields(page))
    login(client, other.email)
    assert client.get(f"/mon-compte/mes-donnees/{link}").status_code == 404


def test_export_progress_is_committed_part_by_part(app: Flask, member: User) -> None:
    _give_data(app, member, "MOI")
    seen: list[tuple[int, int]] = []
    with app.app_context():
        session = db_session()
        export = data_rights.request_export(session, session.get(User, member.id))  # type: ignore[arg-type]
        original = data_rights._step

        def spy(s: Any, e: DataExport, pause: float, checkpoint: Any) -> None:
            original(s, e, pause, checkpoint)
            seen.append((e.progress, e.total))

        data_rights._step = spy  # type: ignore[assignment]
        try:
            data_rights.build_export(session, export)
        finally:
            data_rights._step = original  # type: ignore[assignment]
        assert export.status is ExportStatus.READY
    total = len(data_rights.SECTIONS) + 1
    assert seen == [(i, total) for i in range(1, total + 1)]


def test_delete_account_explains_retention_then_closes_once(client: FlaskClient, app: Flask, member: User) -> None:
    _give_data(app, member, "MOI")
    _give_data(app, member, "BROUILLON", completed=False)
    page = text_of(client.get("/mon-compte/supprimer"))
    for expected in ("Ce qui est effacé tout de suite", "Ce que la loi nous oblige à conserver", "10 ans", "13 ans"):
        assert expected in page
    refused = post_form(client, "/mon-compte/supprimer", {"confirm": "y", "password": "faux"})
    assert refused.status_code == 422 and "Mot de passe incorrect." in text_of(refused)
    unconfirmed = post_form(client, "/mon-compte/supprimer", {"password": PASSWORD})
    assert unconfirmed.status_code == 422 and "Cochez la case" in text_of(unconfirmed)
    done = post_form(client, "/mon-compte/supprimer", {"confirm": "y", "password": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/mon-compte/compte-ferme")
    assert client.get("/mon-compte/").status_code == 302  # logged out
    assert login(client, member.email).status_code == 200  # cannot log in any more
    with app.app_context():
        session = db_session()
        user = session.get(User, member.id)
        assert user is not None and not user.activated and user.password_hash is None
        journeys = list(session.scalars(select(Journey)))
        assert [j.status for j in journeys] == [JourneyStatus.COMPLETED]  # the draft is gone, the signed one kept
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        assert session.get(MemberProfile, member.id) is None
        last = session.scalars(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
        assert last is not None and last.given is False and last.source == "suppression_du_compte"
        # asking twice is one request
        again = data_rights.close_account(session, user, Actor(user.id))
        assert session.scalar(select(func.count()).select_from(DeletionRequest)) == 1
        assert again.erased["demarches"] == 1
    assert [m.kind for m in outbox(app)] == ["account_closed"]


def test_other_sessions_end_when_the_account_is_closed(app: Flask, member: User, client: FlaskClient) -> None:
    other_device = app.test_client()
    login(other_device, member.email)
    assert other_device.get("/mon-compte/").status_code == 200
    post_form(client, "/mon-compte/supprimer", {"confirm": "y", "password": PASSWORD})
    assert other_device.get("/mon-compte/").status_code == 302


def test_development_builds_the_archive_at_once(app: Flask, client: FlaskClient, member: User) -> None:
    app.config["DATA_EXPORT_INLINE"] = True
    page = text_of(client.get("/mon-compte/mes-donnees"))
    client.post("/mon-compte/mes-donnees", data=hidden_fields(page))
    assert "est prête" in text_of(client.get("/mon-compte/mes-donnees"))


IBANS = {"MOI": "FR7630006000011234567890189", "AUTRUI": "DE89370400440532013000"}


def _give_feature_data(app: Flask, user: User, marker: str) -> None:
    """A proof with one file, a signed family change, a SEPA mandate with two versions and two collections,
    and a satisfaction answer, all carrying ``marker``."""
    with app.app_context():
        session = db_session()
        family = Journey(owner_id=user.id, flow_id="family_change", flow_version=1, state="done",
                         status=JourneyStatus.COMPLETED, path=["event"], completed_at=utcnow())  # fmt: skip
        subscription = Journey(owner_id=user.id, flow_id="subscription", flow_version=1, state="confirmation",
                               status=JourneyStatus.COMPLETED, path=["personal"], completed_at=utcnow())  # fmt: skip
        session.add_all([family, subscription])
        session.flush()
        proof = Proof(public_id=secrets.token_urlsafe(16), journey_id=family.id, owner_id=user.id,
                      step_id="proofs", code="birth_certificate", label=f"Acte de naissance {marker}",
                      status=ProofStatus.SUBMITTED)  # fmt: skip
        proof.files.append(ProofFile(
            public_id=secrets.token_urlsafe(16), filename=f"../../acte {marker}.pdf", media_type="application/pdf",
            size=20, pages=1, sha256="1" * 64, content=f"%PDF-1.7 proof {marker}".encode(), scan="not_scanned",
        ))  # fmt: skip
        session.add(proof)
        session.add(FamilyChange(
            owner_id=user.id, journey_id=family.id, event="birth_adoption", action="add",
            person={"kind": "child", "first_name": f"Enfant{marker}", "last_name": "X", "birth_date": "2026-01-02"},
            event_date=date(2026, 1, 2), effective_date=date(2026, 2, 1), monthly_before_cents=5000,
            monthly_after_cents=6500,
        ))  # fmt: skip
        mandate = SepaMandate(rum=f"RUM-{marker}", ics="FR12ZZZ123456", owner_id=user.id, journey_id=subscription.id,
                              contract_name=f"Contrat {marker}", signed_on=date(2026, 1, 5),
                              effective_date=date(2026, 2, 1), schedule_version=1)  # fmt: skip
        for version, holder in ((1, f"Ancien {marker}"), (2, f"Titulaire {marker}")):
            mandate.versions.append(SepaMandateVersion(
                version=version, signed_at=utcnow(), amendment="account" if version == 2 else None,
                details={"holder": holder, "iban": IBANS[marker] if version == 2 else "FR1420041010050500013M02606",
                         "bic": "BNPAFRPP", "address": f"1 rue {marker}"},
            ))  # fmt: skip
        session.add(mandate)
        session.flush()
        for month in (2, 3):
            session.add(SepaCollection(
                mandate_id=mandate.id, schedule_version=1, due_date=date(2026, month, 5), amount_cents=5000 + month,
                period_start=date(2026, month, 1), period_end=date(2026, month, 1), notified_on=date(2026, 1, 6),
            ))  # fmt: skip
        session.add(SatisfactionAnswer(journey_id=subscription.id, answer=Satisfaction.HAPPY))
        session.commit()


def test_export_holds_my_proofs_family_changes_and_mandates_and_nobody_elses(app: Flask, member: User,
                                                                            make_user: Any) -> None:  # fmt: skip
    other = make_user("dominique@example.fr", first_name="Dominique", last_name="Autre")
    _give_feature_data(app, member, "MOI")
    _give_feature_data(app, other, "AUTRUI")
    with app.app_context():
        session = db_session()
        user = session.get(User, member.id)
        assert user is not None
        export = data_rights.request_export(session, user)
        data_rights.build_export(session, export)
        assert export.status is ExportStatus.READY and export.progress == export.total
        assert export.total == len(data_rights.SECTIONS) + 1  # the sections, then the one proof file
        assert export.content is not None
        archive = zipfile.ZipFile(io.BytesIO(export.content))
    assert sorted(archive.namelist()) == ["justificatifs/acte MOI.pdf", "mes-donnees.json"]
    assert archive.read("justificatifs/acte MOI.pdf") == b"%PDF-1.7 proof MOI"  # decrypted
    raw = archive.read("mes-donnees.json").decode()
    data = json.loads(raw)
    for foreign in ("AUTRUI", IBANS["AUTRUI"], "dominique", "Dominique"):
        assert foreign not in raw
    [proof] = data["justificatifs"]
    assert proof["libelle"] == "Acte de naissance MOI" and proof["statut"] == "submitted"
    [file] = proof["fichiers"]
    assert file["nom_du_fichier"] == "../../acte MOI.pdf"
    assert file["fichier_dans_l_archive"] == "justificatifs/acte MOI.pdf"
    assert (file["type"], file["taille_octets"], file["sha256"]) == ("application/pdf", 20, "1" * 64)
    [change] = data["changements_familiaux"]
    assert change["personne"]["first_name"] == "EnfantMOI" and change["cotisation_mensuelle_apres_centimes"] == 6500
    [mandate] = data["prelevements_sepa"]
    assert mandate["rum"] == "RUM-MOI" and mandate["contrat"] == "Contrat MOI"
    assert [v["version"] for v in mandate["versions"]] == [1, 2]
    assert mandate["versions"][1]["compte"]["iban"] == IBANS["MOI"]  # in full: the member's own data
    assert mandate["versions"][1]["compte"]["titulaire"] == "Titulaire MOI"
    assert [c["montant_centimes"] for c in mandate["echeancier_et_prelevements"]] == [5002, 5003]
    assert [(d["satisfaction"] or {}).get("reponse") for d in data["demarches"]] == [None, "happy"]
    encrypted = " ".join(data["chiffre_au_repos"])
    for part in ("iban", "justificatifs", "changements_familiaux[].personne", "reponses"):
        assert part in encrypted
    assert data["compte"]["fins_de_toutes_les_sessions"] == 0
