"""The pain.008 export refuses what a bank would refuse, records each collection once, carries amendments
once, and gives non-EEA debtors their address and BIC. Every file is validated against the pain.008 XSD."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask

from tests.sepa.conftest import (
    IBAN,
    IBAN_CH,
    IBAN_OTHER_BANK,
    IBAN_SAME_BANK,
    MONTHLY_FAMILY,
    NS_008,
    PAIN_008_XSD,
    lines_of,
    sign_subscription,
    validate,
)
from wizard.db import db_session
from wizard.models import CollectionStatus, MandateStatus, SepaFile, SepaMandate, SepaMandateVersion, utcnow
from wizard.sepa.export import ExportRefused, ExportResult, export_campaign, plan_export
from wizard.subscription.service import paris_today


def _export(app: Flask, on: date, output: Path, *, campaign_id: int | None = None, skip: bool = False) -> ExportResult:
    with app.app_context():
        return export_campaign(db_session(), campaign_id, on, output, skip_refused=skip)


def _refusals(app: Flask, on: date) -> dict[str, str]:
    with app.app_context():
        refused = plan_export(db_session(), None, on).refused
        db_session().rollback()
        return refused


def _transactions(xml: bytes) -> list[ElementTree.Element]:
    return ElementTree.fromstring(xml).findall(".//p:DrctDbtTxInf", NS_008)  # noqa: S314 - our own output


def test_date_before_the_effective_date_is_refused_naming_the_mandate(
    app: Flask, make_user: Any, tmp_path: Path
) -> None:
    # the vector: signed 04/12/2026 for a contract starting 01/01/2027, collection asked for 10/12/2026
    sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1)
    )
    output = tmp_path / "x.xml"
    with pytest.raises(ExportRefused) as refused:
        _export(app, date(2026, 12, 10), output)
    message = refused.value.message()
    assert "HP-2026-000042-99 : date demandée antérieure à la date d'effet du contrat (01/01/2027)" in message
    assert "Rien n'a été exporté." in message and not output.exists()


def test_date_within_the_notice_period_or_before_the_announced_date_is_refused(app: Flask, make_user: Any) -> None:
    # late joiner: signed 20/11/2026 on a campaign effective 01/12/2026; échéancier sent 20/11 → debits from 04/12
    mandate_id = sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 11, 20), campaign_effective=date(2026, 12, 1)
    )
    assert lines_of(app, mandate_id)[0].due_date == date(2026, 12, 5)
    assert _refusals(app, date(2026, 12, 2)) == {
        "HP-2026-000042-99": "date demandée moins de 14 jours après l'envoi de l'échéancier (envoyé le 20/11/2026, "
        "prélèvement possible à partir du 04/12/2026)"
    }
    assert _refusals(app, date(2026, 12, 4)) == {
        "HP-2026-000042-99": "date demandée antérieure à la date annoncée dans l'échéancier (05/12/2026)"
    }
    assert _refusals(app, date(2026, 12, 5)) == {}


def test_each_collection_is_recorded_and_never_exported_twice(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id = sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1)
    )
    first = _export(app, date(2027, 1, 5), tmp_path / "janvier.xml")
    assert (first.count, first.total_cents) == (1, MONTHLY_FAMILY)
    xml = (tmp_path / "janvier.xml").read_bytes()
    validate(xml, PAIN_008_XSD)
    [tx] = _transactions(xml)
    line = lines_of(app, mandate_id)[0]
    assert line.status == CollectionStatus.EXPORTED and line.sequence_type == "RCUR"
    assert line.collected_on == date(2027, 1, 5) and line.amount_cents == MONTHLY_FAMILY and line.mandate_version == 1
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS_008) == line.end_to_end_id
    assert tx.findtext("p:InstdAmt", namespaces=NS_008) == "46.00"
    assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS_008) == "HP-2026-000042-99"
    assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:DtOfSgntr", namespaces=NS_008) == "2026-12-04"
    assert tx.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", NS_008) is None
    assert tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS_008) == "Cotisation de janvier 2027 - Contrat sante PSC"
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own output
    assert root.findtext(".//p:PmtTpInf/p:SeqTp", namespaces=NS_008) == "RCUR"  # first collection: RCUR (2016 rulebook)
    assert root.findtext(".//p:ReqdColltnDt", namespaces=NS_008) == "2027-01-05"

    again = _export(app, date(2027, 1, 5), tmp_path / "encore.xml")
    assert again.file is None and again.count == 0 and not (tmp_path / "encore.xml").exists()
    # a later run collects what fell due since, never January again
    later = _export(app, date(2027, 3, 5), tmp_path / "mars.xml")
    assert later.count == 2
    ids = [
        t.findtext("p:PmtId/p:EndToEndId", namespaces=NS_008)
        for t in _transactions((tmp_path / "mars.xml").read_bytes())
    ]
    assert line.end_to_end_id not in ids and len(set(ids)) == 2
    with app.app_context():
        assert db_session().query(SepaFile).filter_by(direction="export").count() == 2


def test_lapsed_or_revoked_mandate_is_refused_and_others_go_with_skip_refused(
    app: Flask, make_user: Any, tmp_path: Path
) -> None:
    lapsed_id = sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1)
    )
    sign_subscription(
        app, make_user("marc@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1),
        rum="HP-2026-000043-72",
    )  # fmt: skip
    with app.app_context():
        session = db_session()
        mandate = session.get(SepaMandate, lapsed_id)
        assert mandate is not None
        mandate.status = MandateStatus.LAPSED
        session.commit()
    with pytest.raises(ExportRefused) as refused:
        _export(app, date(2027, 1, 5), tmp_path / "x.xml")
    assert refused.value.refused == {
        "HP-2026-000042-99": "mandat expiré (aucun prélèvement depuis 36 mois) : un nouveau mandat signé est nécessaire"
    }
    result = _export(app, date(2027, 1, 5), tmp_path / "x.xml", skip=True)
    assert result.count == 1 and "HP-2026-000042-99" in result.refused
    xml = (tmp_path / "x.xml").read_bytes()
    validate(xml, PAIN_008_XSD)
    assert [t.findtext(".//p:MndtId", namespaces=NS_008) for t in _transactions(xml)] == ["HP-2026-000043-72"]
    assert lines_of(app, lapsed_id)[0].status == CollectionStatus.SCHEDULED  # never exported

    runner = app.test_cli_runner()
    revoked = runner.invoke(args=["sepa", "revoke", "HP-2026-000043-72"])
    assert revoked.exit_code == 0 and "Mandat HP-2026-000043-72 révoqué" in revoked.output
    assert _export(app, date(2027, 2, 5), tmp_path / "y.xml", skip=True).file is None


def test_debtor_outside_the_eea_gets_postal_address_and_bic(app: Flask, make_user: Any, tmp_path: Path) -> None:
    sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1),
        iban=IBAN_CH, bic="UBSWCHZH80A", address="12 rue du Rhône\n1204 Genève",
    )  # fmt: skip
    _export(app, date(2027, 1, 5), tmp_path / "ch.xml")
    xml = (tmp_path / "ch.xml").read_bytes()
    validate(xml, PAIN_008_XSD)
    [tx] = _transactions(xml)
    assert tx.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS_008) == "UBSWCHZH80A"
    assert tx.findtext("p:Dbtr/p:PstlAdr/p:Ctry", namespaces=NS_008) == "CH"
    lines = [e.text for e in tx.findall("p:Dbtr/p:PstlAdr/p:AdrLine", NS_008)]
    assert lines == ["12 rue du Rhone", "1204 Geneve"]


def test_debtor_outside_the_eea_without_bic_is_refused(app: Flask, make_user: Any) -> None:
    sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1),
        iban=IBAN_CH, bic="",
    )  # fmt: skip
    assert _refusals(app, date(2027, 1, 5)) == {
        "HP-2026-000042-99": "compte hors de l'Espace économique européen sans BIC (obligatoire avec l'adresse postale)"
    }


def test_french_debtor_gets_no_address(app: Flask, make_user: Any, tmp_path: Path) -> None:
    sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1)
    )
    _export(app, date(2027, 1, 5), tmp_path / "fr.xml")
    assert _transactions((tmp_path / "fr.xml").read_bytes())[0].find("p:Dbtr/p:PstlAdr", NS_008) is None


def _amend(app: Flask, mandate_id: int, iban: str, kind: str) -> None:
    with app.app_context():
        session = db_session()
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None
        mandate.versions.append(SepaMandateVersion(
            version=2, details={**mandate.current.details, "iban": iban, "bic": ""}, signed_at=utcnow(), amendment=kind,
        ))  # fmt: skip
        mandate.status = MandateStatus.AMENDED
        session.commit()


AMENDMENTS = {
    # same bank: the original account; another bank: SMNDA (same mandate, new debtor agent)
    "account": (IBAN_SAME_BANK, "p:OrgnlDbtrAcct/p:Id/p:IBAN", IBAN),
    "agent": (IBAN_OTHER_BANK, "p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id", "SMNDA"),
}


@pytest.mark.parametrize("kind", sorted(AMENDMENTS))
def test_amendment_goes_once_with_the_next_collection(app: Flask, make_user: Any, tmp_path: Path, kind: str) -> None:
    new_iban, path, expected = AMENDMENTS[kind]
    mandate_id = sign_subscription(
        app, make_user("helene@example.fr"), signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1)
    )
    _export(app, date(2027, 1, 5), tmp_path / "janvier.xml")
    _amend(app, mandate_id, new_iban, kind)
    _export(app, date(2027, 3, 5), tmp_path / "mars.xml")  # February and March: two transactions, one amendment
    xml = (tmp_path / "mars.xml").read_bytes()
    validate(xml, PAIN_008_XSD)
    february, march = _transactions(xml)
    assert february.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == new_iban
    related = february.find("p:DrctDbtTx/p:MndtRltdInf", NS_008)
    assert related is not None and related.findtext("p:AmdmntInd", namespaces=NS_008) == "true"
    assert related.findtext(f"p:AmdmntInfDtls/{path}", namespaces=NS_008) == expected
    assert march.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", NS_008) is None
    assert march.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS_008) == new_iban

    _export(app, date(2027, 4, 5), tmp_path / "avril.xml")
    [april] = _transactions((tmp_path / "avril.xml").read_bytes())
    assert april.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", NS_008) is None  # exactly once
    lines = lines_of(app, mandate_id)
    assert [line.mandate_version for line in lines[:4]] == [1, 2, 2, 2]


def test_cli_reports_refusals_and_an_empty_export(app: Flask, make_user: Any, tmp_path: Path) -> None:
    today = paris_today()
    sign_subscription(
        app, make_user("helene@example.fr"), signed_on=today, campaign_effective=today + timedelta(days=40)
    )
    runner = app.test_cli_runner()
    soon = f"{today + timedelta(days=3):%Y-%m-%d}"
    early = runner.invoke(args=["sepa", "export", "--collection-date", soon, "--output", str(tmp_path / "a.xml")])
    assert (
        early.exit_code == 1 and "Export refusé : 1 mandat(s)" in early.output and "HP-2026-000042-99" in early.output
    )
    past = runner.invoke(
        args=["sepa", "export", "--collection-date", "2020-01-06", "--output", str(tmp_path / "b.xml")]
    )
    assert past.exit_code == 1 and "est déjà passée" in past.output
    unknown = runner.invoke(args=[
        "sepa", "export", "--campaign", "999", "--collection-date", "2030-01-05", "--output", str(tmp_path / "c.xml"),
    ])  # fmt: skip
    assert unknown.exit_code == 1 and "Campagne 999 introuvable." in unknown.output
