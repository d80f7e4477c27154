"""The pain.008 export: valid against the ISO 20022 XSD sepaxml ships, amounts in cents, signed RUMs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import sepaxml
import xmlschema
from flask import Flask

from config.catalogue import default_catalogue
from config.dates import contract_effective_date
from config.formats import euros
from tests.subscription.conftest import BANK, FAMILY, PREFILL, make_campaign
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import Actor, JourneyStatus, SignatureRequest, SignatureStatus, StepAnswer, User, utcnow
from wizard.sepa.export import Collection, build_pain008
from wizard.sepa.schedule import compute_schedule
from wizard.subscription.service import paris_today

XSD = Path(sepaxml.__file__).with_name("schemas") / "pain.008.001.02.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
COLLECTIONS = [
    Collection("Hélène Dupré", "FR7630006000011234567890189", "AGRIFRPPXXX", 4600, "HP-2026-000001-12",
               date(2026, 4, 2), "Cotisation santé"),
    Collection("Marc Lefèvre", "FR1420041010050500013M02606", "", 1600, "HP-2026-000002-85",
               date(2026, 4, 3), "Cotisation santé"),
]  # fmt: skip


def test_pain008_is_valid_against_the_xsd_with_amounts_in_cents() -> None:
    xml = build_pain008(default_catalogue(), COLLECTIONS, date(2026, 6, 5))
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own output, just generated
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "62.00"
    amounts = [e.text for e in root.findall(".//p:DrctDbtTxInf/p:InstdAmt", NS)]
    assert amounts == ["46.00", "16.00"]
    assert [e.text for e in root.findall(".//p:MndtId", NS)] == ["HP-2026-000001-12", "HP-2026-000002-85"]
    assert root.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == "FR46ZZZ005002"
    assert root.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-06-05"
    assert root.findtext(".//p:SeqTp", namespaces=NS) == "RCUR"
    assert "Helene Dupre" in xml.decode()  # SEPA's restricted character set: accents transliterated


def _signed_subscription(app: Flask, user: User, rum: str) -> int:
    with app.app_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        campaign = make_campaign(session)
        journey = engine.start_journey(
            session, owner, "subscription", Actor(owner.id), campaign=campaign,
            prefill=PREFILL, sources={"affiliation": dict(FAMILY)},
        )  # fmt: skip
        journey.answers = (
            StepAnswer(step_id="personal", data={"first_name": "Hélène", "usage_name": "Dupré"}),
            StepAnswer(step_id="bank", data={**BANK, "iban": "FR7630006000011234567890189", "bic": ""}),
        )
        journey.status, journey.state, journey.completed_at = JourneyStatus.COMPLETED, "confirmation", utcnow()
        session.add(SignatureRequest(
            journey=journey, step_id="signature", provider="local", envelope_id="env-1",
            status=SignatureStatus.COMPLETED, signed_at=utcnow() - timedelta(minutes=1),
            evidence={"documents": [{"kind": "bulletin"}, {"kind": "mandate", "rum": rum, "ics": "FR46ZZZ005002"}]},
        ))  # fmt: skip
        session.commit()
        return campaign.id


def test_cli_exports_the_signed_mandates_of_a_campaign(app: Flask, make_user: Any, tmp_path: Path) -> None:
    """A subscription signed before mandates were recorded gets its record, échéancier and pre-notification
    at the first export; the export then collects the first debit the échéancier announced."""
    campaign_id = _signed_subscription(app, make_user("helene@example.fr"), "HP-2026-000042-99")
    today = paris_today()
    effective = contract_effective_date(date(2026, 5, 1), today, "first_of_next_month")
    first = compute_schedule(effective, 4600, today, collection_day=5, notice_days=14)[0]
    output = tmp_path / "prelevements.xml"
    result = app.test_cli_runner().invoke(args=[
        "sepa", "export", "--campaign", str(campaign_id), "--collection-date", f"{first.due_date:%Y-%m-%d}",
        "--output", str(output),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"1 prélèvement(s), total {euros(first.amount_cents)}" in result.output
    xml = output.read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert "<MndtId>HP-2026-000042-99</MndtId>" in xml
    assert f'<InstdAmt Ccy="EUR">{first.amount_cents // 100}.00</InstdAmt>' in xml


def test_cli_refuses_an_unknown_campaign(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=[
        "sepa", "export", "--campaign", "999", "--collection-date", "2099-06-05", "--output", str(tmp_path / "x.xml"),
    ])  # fmt: skip
    assert result.exit_code != 0 and "Campagne 999 introuvable." in result.output
