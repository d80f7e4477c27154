"""Supporting documents with real files: what is accepted, what is refused and why, encryption at rest,
« Envoyer plus tard » from « Mes documents », ownership, and ClamAV with the EICAR test string."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.conftest import hidden_fields, login, submit, text_of
from tests.dispense.helpers import sign_locally
from tests.family_change.helpers import (
    EICAR,
    EMAIL,
    encrypted_pdf,
    jpeg_bytes,
    pageless_pdf,
    pdf_bytes,
    png_bytes,
    signed_contract,
    start_change,
    windows_executable,
    words,
)
from tests.proofs.clamav import clamd_binary, running_clamd
from wizard.db import db_session
from wizard.models import Proof, ProofFile, ProofStatus
from wizard.proofs import scan as malware_scan
from wizard.proofs import service as proofs
from wizard.subscription.service import paris_today

FIELD = "files-death_certificate"
LIMIT = 64 * 1024


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"PROOF_MAX_BYTES": LIMIT, "PROOF_MAX_PAGES": 4}


@pytest.fixture
def proof_page(app: Flask, make_user: Any, client: FlaskClient) -> str:
    """A member at the proof step of a declared death (acte de décès, which may be sent later)."""
    signed_contract(app, make_user(EMAIL))
    login(client, EMAIL)
    base = start_change(client)
    died = (paris_today() - timedelta(days=4)).isoformat()
    submit(client, f"{base}/event", {"event": "death", "person": "child-1", "event_date": died, "place": "Lyon"})
    return f"{base}/proofs"


def send(client: FlaskClient, url: str, *files: tuple[bytes, str], **extra: str) -> Any:
    fields = hidden_fields(text_of(client.get(url)))
    data: dict[str, Any] = {**fields, "action": "next", **extra, FIELD: [(io.BytesIO(c), n) for c, n in files]}
    return client.post(url, data=data, content_type="multipart/form-data")


def stored(app: Flask) -> list[tuple[str, str, int | None, str]]:
    with app.app_context():
        rows = db_session().scalars(select(ProofFile).order_by(ProofFile.id))
        return [(f.filename, f.media_type, f.pages, f.scan) for f in rows]


def test_a_pdf_a_jpeg_and_a_png_are_kept_encrypted(client: FlaskClient, app: Flask, proof_page: str) -> None:
    page = text_of(client.get(proof_page))
    assert "Analyse antivirus désactivée" in page  # development without ClamAV says so on the page
    response = send(client, proof_page, (pdf_bytes(3), "acte.pdf"), (jpeg_bytes(), "recto.JPG"), (png_bytes(), "v.png"))
    assert response.headers["Location"].endswith("/review"), text_of(response)[:2000]
    assert stored(app) == [
        ("acte.pdf", "application/pdf", 3, "not_scanned"),
        ("recto.JPG", "image/jpeg", None, "not_scanned"),
        ("v.png", "image/png", None, "not_scanned"),
    ]
    with app.app_context():
        raw = db_session().execute(text("SELECT filename, content FROM proof_files ORDER BY id")).all()
        assert all("acte" not in name and "%PDF" not in content and "JFIF" not in content for name, content in raw)
        first = db_session().scalars(select(ProofFile).order_by(ProofFile.id)).first()
        assert first is not None and first.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (windows_executable(), "facture.pdf",
         "Le fichier « facture.pdf » n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, pas "
         "seulement son nom)."),
        (b"", "vide.pdf", "Le fichier « vide.pdf » est vide."),
        (b"\xff\xd8\xff" + b"\0" * (LIMIT + 10), "enorme.jpg", "Le fichier « enorme.jpg » dépasse la taille maximale"),
        (encrypted_pdf(), "protege.pdf",
         "Le PDF « protege.pdf » est protégé par un mot de passe : envoyez une version non protégée."),
        (pageless_pdf(), "blanc.pdf", "Le PDF « blanc.pdf » ne contient aucune page."),
        (pdf_bytes(5), "long.pdf", "Le PDF « long.pdf » compte 5 pages : 4 au maximum."),
        (b"%PDF-1.7\n garbage that is no PDF at all", "casse.pdf", "Le PDF « casse.pdf » est illisible ou endommagé."),
        (jpeg_bytes()[:200], "coupe.jpg", "L'image « coupe.jpg » est illisible ou endommagée."),
    ],
)  # fmt: skip
def test_bad_files_are_refused_and_a_good_one_sent_with_them_is_kept(  # noqa: PLR0917 - parametrized case
    client: FlaskClient, app: Flask, proof_page: str, content: bytes, name: str, message: str
) -> None:
    response = send(client, proof_page, (content, name), (jpeg_bytes(), "bon.jpg"))
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and 'class="error-summary"' in page and 'href="#files-death_certificate"' in page
    assert stored(app) == [("bon.jpg", "image/jpeg", None, "not_scanned")]
    assert "bon.jpg" in page  # the good file is listed as sent: nothing already sent is lost


def test_a_request_larger_than_any_upload_is_refused_cleanly(client: FlaskClient, proof_page: str) -> None:
    fields = hidden_fields(text_of(client.get(proof_page)))
    boundary = "limite"
    disposition = "\r\nContent-Disposition: form-data; name="
    parts = "".join(f'--{boundary}{disposition}"{name}"\r\n\r\n{value}\r\n' for name, value in fields.items())
    body = (parts + f'--{boundary}{disposition}"{FIELD}"; filename="enorme.pdf"\r\n\r\n').encode()
    body += b"\0" * (LIMIT * 5 + 2 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(proof_page, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text_of(response)


def test_a_file_sent_by_mistake_can_be_removed(client: FlaskClient, app: Flask, proof_page: str) -> None:
    send(client, proof_page, (jpeg_bytes(), "erreur.jpg"))
    with app.app_context():
        (found,) = db_session().scalars(select(ProofFile))
        file_id = found.public_id
    fields = hidden_fields(text_of(client.get(proof_page)))
    response = client.post(f"{proof_page.rsplit('/', 1)[0]}/proofs/fichiers/{file_id}/retirer", data=fields)
    assert response.status_code == 302
    assert stored(app) == []
    with app.app_context():
        (proof,) = db_session().scalars(select(Proof))
        assert proof.status == ProofStatus.DUE


def test_sent_later_from_my_documents_and_never_visible_to_another_member(
    client: FlaskClient, app: Flask, proof_page: str, make_user: Any
) -> None:
    base = proof_page.rsplit("/", 1)[0]
    assert send(client, proof_page, later="death_certificate").headers["Location"].endswith("/review")
    submit(client, f"{base}/review", {})
    assert sign_locally(client, app, f"{base}/signature").headers["Location"].endswith("/done")
    done = words(client.get(f"{base}/done"))
    assert "Justificatif à envoyer : Acte de décès" in done and "Envoyer mes justificatifs" in done
    documents = text_of(client.get("/mes-documents"))
    assert "Acte de décès" in documents and "À envoyer" in documents
    with app.app_context():
        (proof,) = db_session().scalars(select(Proof))
        proof_id = proof.public_id
    token = hidden_fields(documents)["csrf_token"]
    refused = client.post(
        f"/mes-documents/justificatifs/{proof_id}", content_type="multipart/form-data",
        data={"csrf_token": token, FIELD: [(io.BytesIO(windows_executable()), "acte.pdf")]},
    )  # fmt: skip
    assert "n'est ni un PDF, ni une image JPEG ou PNG" in text_of(client.get(refused.headers["Location"]))
    accepted = client.post(
        f"/mes-documents/justificatifs/{proof_id}", content_type="multipart/form-data",
        data={"csrf_token": token, FIELD: [(io.BytesIO(pdf_bytes()), "acte-deces.pdf")]},
    )  # fmt: skip
    page = words(client.get(accepted.headers["Location"]))
    assert "« Acte de décès » a bien été envoyé" in page and "Envoyé, en cours de vérification" in page
    with app.app_context():
        (found,) = db_session().scalars(select(ProofFile))
        file_id = found.public_id
    download = client.get(f"/mes-documents/justificatifs/fichiers/{file_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")

    make_user("autre@example.fr")
    client.get("/deconnexion")
    other = app.test_client()
    login(other, "autre@example.fr")
    assert other.get(f"/mes-documents/justificatifs/fichiers/{file_id}").status_code == 404
    token = hidden_fields(text_of(other.get("/mes-documents")))["csrf_token"]
    stolen = other.post(
        f"/mes-documents/justificatifs/{proof_id}", content_type="multipart/form-data",
        data={"csrf_token": token, FIELD: [(io.BytesIO(pdf_bytes()), "x.pdf")]},
    )  # fmt: skip
    assert stolen.status_code == 404


def test_production_refuses_uploads_without_a_scanner() -> None:
    config = {"ENV_NAME": "production", "PROOF_MAX_BYTES": LIMIT, "PROOF_MAX_PAGES": 4}
    with pytest.raises(proofs.ProofRejected, match="momentanément indisponible"):
        proofs.check_and_scan(proofs.Upload("a.pdf", pdf_bytes()), config)


def test_an_unreachable_scanner_refuses_rather_than_keeps(tmp_path: Path) -> None:
    config = {"CLAMD_ADDRESS": str(tmp_path / "absent.sock"), "PROOF_MAX_BYTES": LIMIT, "PROOF_MAX_PAGES": 4}
    with pytest.raises(proofs.ProofRejected, match="n'a pas pu être analysé par l'antivirus"):
        proofs.check_and_scan(proofs.Upload("a.pdf", pdf_bytes()), config)


@pytest.fixture(scope="module")
def clamd_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if clamd_binary() is None:
        pytest.skip("ClamAV's clamd is not installed (Debian package clamav-daemon)")
    with running_clamd(tmp_path_factory.mktemp("clamd")) as address:
        yield address


def test_clamav_finds_eicar_inside_a_real_pdf(
    client: FlaskClient, app: Flask, proof_page: str, clamd_address: str
) -> None:
    app.config["CLAMD_ADDRESS"] = clamd_address
    assert malware_scan.scan_bytes(EICAR, app.config).status == "infected"
    infected = pdf_bytes() + b"%" + EICAR + b"\n"
    response = send(client, proof_page, (infected, "acte.pdf"), (EICAR, "eicar.com"), (pdf_bytes(), "sain.pdf"))
    assert response.status_code == 422
    page = text_of(response)
    assert "Le fichier « acte.pdf » contient un virus (Eicar-Test-Signature" in page
    assert "Le fichier « eicar.com » n'est ni un PDF" in page
    assert "Analyse antivirus désactivée" not in page
    assert stored(app) == [("sain.pdf", "application/pdf", 1, "clean")]
