"""HR: campaigns, CSV import (report, all or nothing, idempotent), resend, follow-up, access separation."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from config.catalogue import default_catalogue
from tests.conftest import hidden_fields, login, text_of
from tests.entry.conftest import invite, mails, post_form
from wizard.db import db_session
from wizard.entry.invitations import parse_csv
from wizard.models import Invitation, Role

HEADER = "email;nom;prenom;date_de_naissance;regime;adresse_postale;telephone\n"
GOOD = (
    HEADER + "alice.martin@education.example;Martin;Alice;14/03/1988;general;1 rue A, 75001 Paris;01 23 45 67 89\n"
    "bruno.petit@education.example;Petit;Bruno;1979-11-02;msa;;\n"
)


def _hr(client: FlaskClient, make_user: Any) -> None:
    make_user("rh@exemple.fr", role=Role.HR)
    login(client, "rh@exemple.fr")


def _upload(client: FlaskClient, campaign_id: int, content: bytes, name: str = "agents.csv") -> Any:
    page = client.get(f"/rh/campagnes/{campaign_id}")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "file": (io.BytesIO(content), name)}
    builder = EnvironBuilder(path=f"/rh/campagnes/{campaign_id}/import", method="POST", data=data)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()  # a large body is spooled to a temporary file by the test client
        builder.close()


def _invitations(app: Flask, campaign_id: int) -> list[str]:
    with app.app_context():
        return sorted(i.email for i in db_session().query(Invitation).filter_by(campaign_id=campaign_id))


def test_hr_creates_a_campaign_with_french_errors(client: FlaskClient, make_user: Any) -> None:
    _hr(client, make_user)
    home = text_of(client.get("/rh"))
    assert "Espace RH — campagnes d'affiliation" in home and "Espace RH</a>" in home
    fields = {"name": "", "employer": "Rectorat", "contract_name": "C", "effective_date": "31/02/2026"}
    bad = post_form(client, "/rh/campagnes/nouvelle", {**fields, "deadline": "01/01/2020"})
    page = text_of(bad)
    assert bad.status_code == 422
    assert "Donnez un nom à la campagne." in page and "Indiquez une date valide au format jj/mm/aaaa." in page
    assert "La date limite ne peut pas être déjà passée." in page
    deadline = (date.today() + timedelta(days=21)).strftime("%d/%m/%Y")
    created = post_form(client, "/rh/campagnes/nouvelle", {
        "name": "PSC 2026", "employer": "Rectorat de Lyon", "contract_name": "Contrat santé",
        "effective_date": "01/05/2026", "deadline": deadline, "offer_version": default_catalogue().version,
    }, follow_redirects=True)  # fmt: skip
    assert "La campagne est créée" in text_of(created) and "Rectorat de Lyon" in text_of(created)
    assert "PSC 2026" in text_of(client.get("/rh"))


def test_import_invites_everyone_and_reimport_duplicates_nobody(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    _hr(client, make_user)
    response = _upload(client, campaign_id, GOOD.encode())
    assert "Import réussi : 2 agent(s) invité(s) ; 0 déjà invité(s)" in text_of(
        client.get(response.headers["Location"])
    )
    assert _invitations(app, campaign_id) == ["alice.martin@education.example", "bruno.petit@education.example"]
    assert len(mails(app, kind="invitation")) == 2

    again = _upload(client, campaign_id, GOOD.encode())
    assert "Import réussi : 0 agent(s) invité(s) ; 2 déjà invité(s)" in text_of(client.get(again.headers["Location"]))
    assert len(_invitations(app, campaign_id)) == 2 and len(mails(app, kind="invitation")) == 2

    page = text_of(client.get(f"/rh/campagnes/{campaign_id}"))
    assert "Martin Alice" in page and "Invité(e)" in page
    assert "Voir l'entonnoir détaillé de la campagne" in page


def test_bad_rows_are_reported_and_nothing_is_imported(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    _hr(client, make_user)
    content = (
        GOOD + "pas-un-email;Durand;Lou;01/01/1990;general;;\n"
        "alice.martin@education.example;Martin;Alice;14/03/1988;general;;\n"
        "carla@education.example;Roux;Carla;31/02/1990;martien;;abc\n"
        "dan@education.example;;Dan;1990-01-01;general\n"
    )
    response = _upload(client, campaign_id, content.encode())
    page = text_of(response)
    assert response.status_code == 422
    assert "Le fichier n'a pas été importé : aucun agent n'a été enregistré" in page
    assert "Ligne 4 : Adresse e-mail invalide « pas-un-email »." in page
    assert "Ligne 5 : Adresse e-mail en double (déjà ligne 2)." in page
    assert "Ligne 6 : Date de naissance invalide « 31/02/1990 »" in page and "Régime inconnu « martien »" in page
    assert "Numéro de téléphone invalide « abc »." in page
    assert "Ligne 7 : 5 colonnes au lieu de 7." in page
    assert _invitations(app, campaign_id) == [] and mails(app, kind="invitation") == []


def test_wrong_columns_and_encodings() -> None:
    catalogue, today = default_catalogue(), date(2026, 1, 1)
    _, report = parse_csv(b"mail;nom;age\nx@y.fr;A;3\n", catalogue, today)
    assert "Colonne inconnue : « age »." in report.file_errors
    assert "Colonnes obligatoires manquantes : prenom, date_de_naissance, regime." in report.file_errors
    latin = (
        "Courriel,Nom,Prénom,Date de naissance,Régime\nzoe@ac.example,Lefèvre,Zoé,02/03/1990,Régime agricole (MSA)\n"
    )
    for data in (latin.encode("cp1252"), latin.encode("latin-1"), b"\xef\xbb\xbf" + latin.encode()):
        agents, report = parse_csv(data, catalogue, today)
        assert report.ok, report
        assert agents[0].last_name == "Lefèvre" and agents[0].first_name == "Zoé" and agents[0].regime == "msa"
    _, empty = parse_csv(HEADER.encode(), catalogue, today)
    assert "Le fichier ne contient aucun agent." in empty.file_errors


def test_upload_limits(client: FlaskClient, make_user: Any, campaign_id: int) -> None:
    _hr(client, make_user)
    big = _upload(client, campaign_id, HEADER.encode() + b"x" * (1024 * 1024 + 10))
    assert big.status_code == 422 and "Le fichier dépasse 1 Mo" in text_of(big)


def test_resend_and_follow_up(app: Flask, client: FlaskClient, make_user: Any, campaign_id: int) -> None:
    _hr(client, make_user)
    invitation_id = invite(app, campaign_id, "suivi@education.example", first="Noa")
    page = client.get(f"/rh/campagnes/{campaign_id}")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    url = f"/rh/campagnes/{campaign_id}/invitations/{invitation_id}/renvoyer"
    resent = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "L'invitation a été renvoyée à suivi@education.example." in text_of(resent)
    assert "(2 envois)" in text_of(resent)
    assert [m.to for m in mails(app, kind="invitation")] == ["suivi@education.example"] * 2
    assert client.post(f"/rh/campagnes/999/invitations/{invitation_id}/renvoyer",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip

    agent = app.test_client()
    agent.get(mails(app, kind="invitation")[0].link("/invitation/"))
    counts = text_of(client.get(f"/rh/campagnes/{campaign_id}"))
    assert "Lien ouvert</td><td>1</td>" in counts and "Durand Noa" in counts


def test_hr_and_members_are_refused_each_others_pages(
    app: Flask, client: FlaskClient, make_user: Any, campaign_id: int
) -> None:
    make_user("agent@exemple.fr")
    login(client, "agent@exemple.fr")
    for path in ("/rh", f"/rh/campagnes/{campaign_id}", "/rh/campagnes/nouvelle", "/rh/campagnes/modele.csv"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page introuvable" in text_of(response)
    assert "Espace RH" not in text_of(client.get("/mes-demarches"))

    hr = app.test_client()
    make_user("rh@exemple.fr", role=Role.HR)
    invite(app, campaign_id, "rh@exemple.fr")
    logged = login(hr, "rh@exemple.fr")
    assert logged.headers["Location"].endswith("/rh")
    link = mails(app, kind="invitation")[-1].link("/invitation/")
    assert hr.get(f"{link}/parcours").status_code == 404


def test_csv_template_download(client: FlaskClient, make_user: Any) -> None:
    _hr(client, make_user)
    response = client.get("/rh/campagnes/modele.csv")
    assert response.mimetype == "text/csv"
    content = response.get_data(as_text=True).lstrip("\ufeff")
    assert content.startswith("email;nom;prenom;date_de_naissance;regime;adresse_postale;telephone")
    agents, report = parse_csv(content.encode(), default_catalogue(), date(2026, 1, 1))
    assert report.ok and len(agents) == 1
