"""The whole chain for one member, through the test client and the operators' commands:
subscribe → échéancier emailed → export → bank reject AC04 → « Modifier mon RIB » → next export amended.

Every bank file is checked against its ISO 20022 XSD; every text the member sees is asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, submit, text_of
from tests.sepa.conftest import IBAN, IBAN_SAME_BANK, NS_008, PAIN_008_XSD, emails, pain002, validate
from tests.signatures.conftest import emailed_codes, enter_signing, post_code
from tests.subscription.conftest import BANK, CHILDREN, CONTACTS, PARTNER, PERSONAL, PROOFS_LATER, SOCIAL
from tests.subscription.test_affiliation_to_signing import _affiliate_family, _subscription_base
from wizard.db import db_session
from wizard.models import CollectionStatus, SepaCollection, SepaMandate


def _subscribe(app: Flask, client: FlaskClient) -> None:
    _affiliate_family(client)
    base = _subscription_base(client)
    for step, data in (
        ("personal", PERSONAL), ("social_security", SOCIAL), ("partner", PARTNER), ("children", CHILDREN),
        ("contacts", CONTACTS), ("bank", BANK), ("proofs", PROOFS_LATER), ("review", {}),
    ):  # fmt: skip
        submit(client, f"{base}/{step}", data)
    ceremony = enter_signing(client, f"{base}/signature")
    client.get(ceremony)
    done = post_code(client, ceremony, emailed_codes(app)[-1])
    assert done.headers["Location"].endswith("/confirmation"), done.headers["Location"]


def _lines(app: Flask) -> list[SepaCollection]:
    with app.app_context():
        return list(db_session().scalars(select(SepaCollection).order_by(SepaCollection.due_date)))


def _cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["sepa", *args])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_subscribe_export_reject_change_rib_export_amended(
    app: Flask, client: FlaskClient, make_user: Any, tmp_path: Path
) -> None:
    make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    login(client, "helene@example.fr")
    _subscribe(app, client)

    # 1. the signature recorded the mandate and emailed the échéancier (the pre-notification)
    with app.app_context():
        mandate = db_session().scalar(select(SepaMandate))
        assert mandate is not None and mandate.current.details["iban"] == IBAN
    lines = _lines(app)
    first, second = lines[0], lines[1]
    [schedule_email] = emails(app, "sepa_schedule")
    assert (first.due_date - first.notified_on).days >= 14
    announced = f"Premier prélèvement : {first.amount_cents // 100},00 € le {first.due_date:%d/%m/%Y}"
    assert announced in schedule_email.text_body
    assert "Échéancier de cotisation (version 1)" in text_of(client.get("/mes-documents"))

    # 2. the monthly run: export the first debit
    january = tmp_path / "premier.xml"
    output = _cli(app, "export", "--collection-date", f"{first.due_date:%Y-%m-%d}", "--output", str(january))
    assert "1 prélèvement(s)" in output
    xml = january.read_bytes()
    validate(xml, PAIN_008_XSD)
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own output
    message_id = root.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS_008) or ""
    e2e = root.findtext(".//p:DrctDbtTxInf/p:PmtId/p:EndToEndId", namespaces=NS_008) or ""
    again = app.test_cli_runner().invoke(
        args=["sepa", "export", "--collection-date", f"{first.due_date:%Y-%m-%d}", "--output", str(tmp_path / "x.xml")]
    )
    assert again.exit_code == 1 and "(1 déjà exporté(s) pour cette date)" in again.output
    assert "un prélèvement n'est jamais exporté deux fois" in again.output

    # 3. the bank rejects it: account closed
    rejects = tmp_path / "rejets.xml"
    rejects.write_bytes(pain002(message_id, [(e2e, "AC04")]))
    assert "1 rejet(s) enregistré(s)" in _cli(app, "import-returns", str(rejects))
    assert _lines(app)[0].status == CollectionStatus.REJECTED
    [problem] = emails(app, "sepa_rib_problem")
    assert "le compte est clôturé (code AC04)" in problem.text_body and "/mon-contrat/rib" in problem.text_body
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Votre banque a refusé un prélèvement" in dashboard and "le compte est clôturé" in dashboard

    # 4. the member changes their RIB (same bank, new account) with the emailed code
    page = client.get("/mon-contrat/rib")
    assert "Modifier mon RIB" in text_of(page)
    from tests.sepa.test_rib_change import _start  # noqa: PLC0415 - the same walk as the journey's own tests

    base = _start(client)
    submit(client, f"{base}/details", {"holder_is_member": "yes", "iban": IBAN_SAME_BANK, "bic": ""})
    submit(client, f"{base}/review", {})
    ceremony = enter_signing(client, f"{base}/signature")
    client.get(ceremony)
    assert post_code(client, ceremony, emailed_codes(app)[-1]).headers["Location"].endswith("/done")
    [changed] = emails(app, "sepa_rib_changed")
    assert "Nous vous confirmons la modification de votre RIB" in changed.text_body
    assert "Votre banque a refusé" not in text_of(client.get("/mes-demarches"))  # the notice is gone

    # 5. the next export debits the new account and tells the bank once (same bank: original account)
    february = tmp_path / "suivant.xml"
    assert "1 prélèvement(s)" in _cli(
        app, "export", "--collection-date", f"{second.due_date:%Y-%m-%d}", "--output", str(february)
    )
    xml = february.read_bytes()
    validate(xml, PAIN_008_XSD)
    [tx] = ElementTree.fromstring(xml).findall(".//p:DrctDbtTxInf", NS_008)  # noqa: S314 - our own output
    assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == IBAN_SAME_BANK
    assert tx.findtext(".//p:MndtRltdInf/p:MndtId", namespaces=NS_008) == mandate.rum
    assert tx.findtext(".//p:MndtRltdInf/p:AmdmntInd", namespaces=NS_008) == "true"
    assert tx.findtext(".//p:AmdmntInfDtls/p:OrgnlDbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == IBAN
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS_008) != e2e  # the rejected debit is not re-sent
