"""Helpers of the SEPA chain tests: a subscription signed on a chosen day, as the signing service leaves it
(completed journey, completed signature request whose evidence names the mandate), then the real
``on_complete`` hook; bank files checked against the real ISO 20022 XSDs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sepaxml
import xmlschema
from flask import Flask
from sqlalchemy import select

from flows.subscription import subscription_signed
from tests.subscription.conftest import BANK, FAMILY, PREFILL, make_campaign
from wizard.db import db_session
from wizard.journeys import engine
from wizard.models import (
    Actor,
    JourneyStatus,
    OutboxMessage,
    SepaCollection,
    SepaMandate,
    SignatureRequest,
    SignatureStatus,
    StepAnswer,
    User,
)
from wizard.sepa.iso20022 import CAMT_054, PAIN_002, xsd_path

PAIN_008_XSD = Path(sepaxml.__file__).with_name("schemas") / "pain.008.001.02.xsd"
NS_008 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
IBAN = "FR7630006000011234567890189"
#: same bank (30006) as IBAN: an amendment sends the original account
IBAN_SAME_BANK = "FR7630006000019876543210076"
#: another bank (20041): an amendment sends SMNDA
IBAN_OTHER_BANK = "FR1420041010050500013M02606"
IBAN_CH = "CH9300762011623852957"
#: family of two adults and two children on option 1: 12 + 14 + 2 × 10 = 46,00 € a month
MONTHLY_FAMILY = 4600


def validate(xml: bytes | str, xsd: Path) -> None:
    """Raise unless ``xml`` is valid against the ISO 20022 XSD ``xsd``."""
    xmlschema.XMLSchema(str(xsd)).validate(xml.decode() if isinstance(xml, bytes) else xml)


def sign_subscription(
    app: Flask,
    user: User,
    *,
    signed_on: date,
    campaign_effective: date,
    rum: str = "HP-2026-000042-99",
    iban: str = IBAN,
    bic: str = "",
    address: str = str(PREFILL["postal_address"]),
    holder: str = "Hélène Dupré",
    contract_name: str = "Contrat santé PSC",
    answers: dict[str, dict[str, Any]] | None = None,
) -> int:
    """A subscription signed on ``signed_on`` with the real completion hook run; returns the mandate id.

    ``answers``: more pages as the member filled them (the partner's, the children's)."""
    with app.app_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        campaign = make_campaign(session, campaign_effective)
        campaign.contract_name = contract_name
        journey = engine.start_journey(
            session, owner, "subscription", Actor(owner.id), campaign=campaign,
            prefill=PREFILL, sources={"affiliation": dict(FAMILY)},
        )  # fmt: skip
        journey.answers = (
            StepAnswer(step_id="personal", data={"first_name": "Hélène", "usage_name": "Dupré"}),
            StepAnswer(step_id="bank", data={**BANK, "account_holder": holder, "iban": iban, "bic": bic}),
            StepAnswer(step_id="contacts", data={"postal_address": address}),
            *(StepAnswer(step_id=step_id, data=data) for step_id, data in (answers or {}).items()),
        )
        signed_at = datetime(signed_on.year, signed_on.month, signed_on.day, 10, 0, tzinfo=UTC)
        session.add(SignatureRequest(
            journey=journey, step_id="signature", provider="local", envelope_id=f"env-{rum}",
            status=SignatureStatus.COMPLETED, signed_at=signed_at,
            evidence={"documents": [{"kind": "bulletin"}, {"kind": "mandate", "rum": rum, "ics": "FR46ZZZ005002"}]},
        ))  # fmt: skip
        session.flush()
        subscription_signed(session, journey)
        journey.status, journey.state, journey.completed_at = JourneyStatus.COMPLETED, "confirmation", signed_at
        session.commit()
        mandate = session.scalar(select(SepaMandate).where(SepaMandate.journey_id == journey.id))
        assert mandate is not None
        return mandate.id


def lines_of(app: Flask, mandate_id: int) -> list[SepaCollection]:
    with app.app_context():
        query = select(SepaCollection).where(SepaCollection.mandate_id == mandate_id)
        return list(db_session().scalars(query.order_by(SepaCollection.due_date, SepaCollection.id)))


def emails(app: Flask, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list(db_session().scalars(query))


def pain002(original_msg_id: str, rejects: list[tuple[str, str]], msg_id: str = "REJ-0001") -> bytes:
    """A bank's pain.002.001.03 rejecting the transactions ``(EndToEndId, reason code)``."""
    txs = "".join(
        f"<TxInfAndSts><StsId>S{i}</StsId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf></TxInfAndSts>"
        for i, (e2e, code) in enumerate(rejects)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{PAIN_002}"><CstmrPmtStsRpt>'
        f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2027-01-06T08:00:00</CreDtTm>"
        "<DbtrAgt><FinInstnId><BIC>AGRIFRPP</BIC></FinInstnId></DbtrAgt></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{original_msg_id}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId>"
        "<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>PMT-1</OrgnlPmtInfId>{txs}</OrgnlPmtInfAndSts>"
        "</CstmrPmtStsRpt></Document>"
    ).encode()
    validate(xml, xsd_path(PAIN_002))
    return xml


def camt054(returns: list[tuple[str, str, int]], msg_id: str = "RET-0001") -> bytes:
    """A bank's camt.054.001.02 debit notification returning ``(EndToEndId, reason code, cents)``."""
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{cents // 100}.{cents % 100:02d}</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts>BOOK</Sts><BookgDt><Dt>2027-01-10</Dt></BookgDt><ValDt><Dt>2027-01-10</Dt></ValDt>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
        for e2e, code, cents in returns
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{CAMT_054}"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2027-01-10T08:00:00</CreDtTm></GrpHdr>"
        "<Ntfctn><Id>N-1</Id><CreDtTm>2027-01-10T08:00:00</CreDtTm>"
        "<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id></Acct>"
        f"{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()
    validate(xml, xsd_path(CAMT_054))
    return xml
