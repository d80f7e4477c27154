"""« Modifier mon RIB » to an account held by someone else: the member's signature is the request, the holder
signs the amended mandate (same RUM) with their own link and code, and only then is the version recorded —
before that the export keeps debiting the account in force. Every PDF is read back, the seal validated
with pyHanko, every pain.008 validated against the XSD."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from signing.seal import read_evidence, validate_sealed_pdf
from tests.conftest import hidden_fields, submit, text_of
from tests.sepa.conftest import IBAN, IBAN_OTHER_BANK, NS_008, PAIN_008_XSD, emails, validate
from tests.sepa.test_rib_change import EMAIL, _mandate, _member, _start
from tests.signatures.conftest import CODE, emailed_codes, enter_signing, post_code
from tests.subscription.conftest import read_pdf
from wizard.db import db_session
from wizard.models import Document, HolderStatus, MandateHolderSignature, OutboxMessage
from wizard.sepa.export import export_campaign
from wizard.signatures.providers import organisation_pki

HOLDER_EMAIL = "marc-antoine@example.fr"
OTHER_HOLDER = {
    "holder_is_member": "no", "holder_civilite": "M", "holder_first_name": "Marc-Antoine",
    "holder_last_name": "Dupré", "holder_email": HOLDER_EMAIL, "holder_address": "4 rue du Port, 98714 Papeete",
}  # fmt: skip


def _transactions(app: Flask, on: date, output: Path) -> list[ElementTree.Element]:
    with app.app_context():
        export_campaign(db_session(), None, on, output, skip_refused=False)
    xml = output.read_bytes()
    validate(xml, PAIN_008_XSD)
    return ElementTree.fromstring(xml).findall(".//p:DrctDbtTxInf", NS_008)  # noqa: S314 - our own output


def _holder_record(app: Flask) -> MandateHolderSignature:
    with app.app_context():
        record = db_session().scalar(select(MandateHolderSignature).order_by(MandateHolderSignature.id.desc()))
        assert record is not None
        db_session().expunge(record)
        return record


def _holder_codes(app: Flask) -> list[str]:
    with app.app_context():
        messages = db_session().scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == HOLDER_EMAIL, OutboxMessage.kind == "signing_code")
        )
        return [code for message in messages for code in CODE.findall(message.text_body)]


def _request_for_holder(app: Flask, client: FlaskClient) -> MandateHolderSignature:
    """The member asks for a RIB change to Marc-Antoine's account and signs it; returns the holder's request."""
    base = _start(client)
    submit(client, f"{base}/details", {**OTHER_HOLDER, "iban": IBAN_OTHER_BANK, "bic": ""})
    submit(client, f"{base}/review", {})
    ceremony = enter_signing(client, f"{base}/signature")
    client.get(ceremony)
    assert post_code(client, ceremony, emailed_codes(app)[-1]).headers["Location"].endswith("/done")
    return _holder_record(app)


def test_holder_link_stops_working_when_the_mandate_changes_before_they_sign(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    mandate_id = _member(app, client, make_user)
    record = _request_for_holder(app, client)
    assert app.test_client().get(f"/mandat/{record.token}").status_code == 200
    revoked = app.test_cli_runner().invoke(args=["sepa", "revoke", "HP-2026-000042-99"])
    assert revoked.exit_code == 0, revoked.output
    assert app.test_client().get(f"/mandat/{record.token}").status_code == 404
    assert _holder_record(app).status == HolderStatus.CANCELLED.value
    assert [v.version for v in _mandate(app, mandate_id).versions] == [1]
    assert emails(app, "sepa_rib_changed") == []


def test_rib_change_to_someone_elses_account_is_signed_by_the_holder(
    app: Flask, client: FlaskClient, make_user: Any, tmp_path: Path
) -> None:
    mandate_id = _member(app, client, make_user)
    base = _start(client)
    missing = text_of(submit(client, f"{base}/details", {"holder_is_member": "no", "iban": IBAN_OTHER_BANK}))
    assert "Indiquez l'adresse électronique du titulaire du compte." in missing
    own = submit(client, f"{base}/details", {**OTHER_HOLDER, "holder_email": EMAIL, "iban": IBAN_OTHER_BANK})
    assert own.status_code == 422 and "pas la vôtre" in text_of(own)
    moved = submit(client, f"{base}/details", {**OTHER_HOLDER, "iban": IBAN_OTHER_BANK, "bic": ""})
    assert moved.headers["Location"].endswith("/review"), text_of(moved)
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    request_pdf = read_pdf(client.get(f"{base}/documents/mandate.pdf").data)
    assert "Nom Dupré" in request_pdf and "Prénom Marc-Antoine" in request_pdf  # the holder is the debtor

    # the member signs the request with their own code: nothing is amended yet, the holder gets the link
    ceremony = enter_signing(client, f"{base}/signature")
    client.get(ceremony)
    [member_code] = emailed_codes(app)
    done = post_code(client, ceremony, member_code)
    assert done.status_code == 302 and done.headers["Location"].endswith("/done")
    assert [v.version for v in _mandate(app, mandate_id).versions] == [1]
    assert emails(app, "sepa_rib_changed") == []
    [link] = emails(app, "mandate_holder_link")
    record = _holder_record(app)
    assert link.to_address == HOLDER_EMAIL and f"/mandat/{record.token}" in link.text_body
    assert "le mandat de prélèvement SEPA existant (même référence) est modifié à votre nom" in link.text_body
    assert record.rum == "HP-2026-000042-99" and record.status == HolderStatus.PENDING.value
    assert "en attente de la signature du mandat de prélèvement par Marc-Antoine Dupré" in text_of(
        client.get("/mes-demarches")
    )

    # before the holder signs, the export debits the account in force, without amendment
    [january] = _transactions(app, date(2027, 1, 5), tmp_path / "janvier.xml")
    assert january.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == IBAN
    assert january.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", NS_008) is None

    # the holder (no account) signs with their own code
    holder = app.test_client()
    page = text_of(holder.get(f"/mandat/{record.token}"))
    assert "Marc-Antoine Dupré" in page and "modifié à votre nom" in page
    csrf = hidden_fields(page)["csrf_token"]
    assert holder.post(f"/mandat/{record.token}/code", data={"csrf_token": csrf}).status_code == 302
    [holder_code] = _holder_codes(app)
    signed = holder.post(
        f"/mandat/{record.token}/signer", data={"csrf_token": csrf, "code": holder_code, "certify": "y"}
    )
    assert signed.status_code == 302
    assert "vous avez signé le mandat de prélèvement SEPA" in text_of(holder.get(f"/mandat/{record.token}"))

    with app.app_context():
        sealed = db_session().get(Document, _holder_record(app).document_id)
        assert sealed is not None and sealed.signed
        root = organisation_pki(app).root_cert
        content = sealed.content
    assert validate_sealed_pdf(content, root).ok
    text = read_pdf(content)
    for expected in ("Nom Dupré", "Prénom Marc-Antoine", "4 rue du Port, 98714 Papeete", "HP-2026-000042-99"):
        assert expected in text, expected
    assert read_evidence(content)["signer"]["name"] == "Marc-Antoine Dupré"  # type: ignore[index]

    # now the version is recorded, the holder is the debtor, and the member is told
    mandate = _mandate(app, mandate_id)
    assert [v.version for v in mandate.versions] == [1, 2] and mandate.rum == "HP-2026-000042-99"
    assert mandate.current.details["holder"] == "Marc-Antoine Dupré" and mandate.current.amendment == "agent"
    assert mandate.current.details["address"] == "4 rue du Port, 98714 Papeete"
    [confirmation] = emails(app, "sepa_rib_changed")
    assert "Marc-Antoine Dupré" in confirmation.text_body
    assert "en attente de la signature" not in text_of(client.get("/mes-demarches"))

    # the next export carries the amendment once, with the holder as debtor
    [february] = _transactions(app, date(2027, 2, 5), tmp_path / "fevrier.xml")
    assert february.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == IBAN_OTHER_BANK
    # the SEPA character set: accents transliterated
    assert february.findtext("p:Dbtr/p:Nm", namespaces=NS_008) == "Marc-Antoine Dupre"
    related = february.find("p:DrctDbtTx/p:MndtRltdInf", NS_008)
    assert related is not None and related.findtext("p:AmdmntInd", namespaces=NS_008) == "true"
    assert related.findtext("p:AmdmntInfDtls/p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS_008) == "SMNDA"
    [march] = _transactions(app, date(2027, 3, 5), tmp_path / "mars.xml")
    assert march.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", NS_008) is None
