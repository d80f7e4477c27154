"""Stored PDFs (shown and signed copies) are encrypted at rest: a database dump holds no PDF, the member still
downloads the real document, and rows written in clear before the upgrade are still read until
``flask security reencrypt`` encrypts them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.signatures.conftest import emailed_codes, enter_signing, post_code
from wizard.crypto import ENCRYPTED_BYTES_MARK
from wizard.db import db_engine, db_session
from wizard.models import Document


def _raw_contents(app: Flask) -> dict[str, bytes]:
    """What a dump of the documents table shows."""
    with db_engine(app).connect() as connection:
        rows = connection.execute(text("SELECT public_id, content FROM documents")).all()
    return {str(public_id): bytes(content) for public_id, content in rows}


def test_shown_and_signed_documents_are_encrypted_at_rest(app: Flask, client: FlaskClient, at_signing: str) -> None:
    client.get(at_signing)
    ceremony = enter_signing(client, at_signing)
    client.get(ceremony)
    assert post_code(client, ceremony, emailed_codes(app)[0]).status_code == 302
    raw = _raw_contents(app)
    with app.app_context():
        documents = list(db_session().scalars(select(Document)))
        assert {d.signed for d in documents} == {False, True}
        for document in documents:
            stored = raw[document.public_id]
            assert stored.startswith(ENCRYPTED_BYTES_MARK) and b"%PDF" not in stored
            assert document.content.startswith(b"%PDF-")
        signed = [d for d in documents if d.signed]
    for document in signed:
        download = client.get(f"/mes-documents/{document.public_id}")
        assert download.status_code == 200 and download.data == document.content


def test_a_document_written_in_clear_before_the_upgrade_is_still_read(
    app: Flask, client: FlaskClient, at_signing: str
) -> None:
    enter_signing(client, at_signing)
    legacy = b"%PDF-1.7 legacy document in clear"
    with db_engine(app).begin() as connection:
        connection.execute(text("UPDATE documents SET content = :content"), {"content": legacy})
    with app.app_context():
        assert {d.content for d in db_session().scalars(select(Document))} == {legacy}
        result = app.test_cli_runner().invoke(args=["security", "reencrypt"])
        assert result.exit_code == 0 and "documents : 2 ligne(s)" in result.output, result.output
    assert all(c.startswith(ENCRYPTED_BYTES_MARK) for c in _raw_contents(app).values())
    with app.app_context():
        assert {d.content for d in db_session().scalars(select(Document))} == {legacy}
