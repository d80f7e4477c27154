"""``flask retention run`` purges what config/legal.json says has expired, and nothing else."""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from wizard.account.retention import years_before
from wizard.db import db_session
from wizard.legal.pages import DEFAULT_PATH
from wizard.models import (
    Campaign,
    CollectionStatus,
    DataExport,
    Document,
    Invitation,
    Journey,
    JourneyStatus,
    MandateStatus,
    OutboxMessage,
    OutboxStatus,
    PreviewSnapshot,
    Role,
    SepaCollection,
    SepaMandate,
    SepaMandateVersion,
    User,
    utcnow,
)


def _seed(app: Flask, member: User, hr: User) -> None:
    now = utcnow()
    with app.app_context():
        session = db_session()

        def journey(name: str, days: float, *, status: JourneyStatus = JourneyStatus.IN_PROGRESS,
                    preview: bool = False, signed: bool = False) -> None:  # fmt: skip
            row = Journey(owner_id=hr.id if preview else member.id, flow_id=name, flow_version=1, state="x",
                          status=status, is_preview=preview, updated_at=now - timedelta(days=days))  # fmt: skip
            session.add(row)
            session.flush()
            if signed:
                session.add(Document(
                    public_id=secrets.token_urlsafe(8), journey_id=row.id, kind="bulletin", title="t",
                    filename="f.pdf", template_version="1", sha256="0" * 64, content=b"%PDF", signed=True,
                ))  # fmt: skip

        journey("old_draft", 100)
        journey("old_cancelled", 100, status=JourneyStatus.EXPIRED)
        journey("recent_draft", 10)
        journey("old_completed", 400, status=JourneyStatus.COMPLETED)
        journey("old_draft_with_signed_pdf", 100, signed=True)
        journey("old_preview", 25 / 24, preview=True)
        journey("recent_preview", 1 / 24, preview=True)
        campaign_old = Campaign(name="2024", employer="E", contract_name="C", effective_date=date(2024, 1, 1),
                                deadline=date.today() - timedelta(days=400), offer_version="1")  # fmt: skip
        campaign_new = Campaign(name="2026", employer="E", contract_name="C", effective_date=date(2026, 1, 1),
                                deadline=date.today() - timedelta(days=10), offer_version="1")  # fmt: skip
        session.add_all([campaign_old, campaign_new])
        session.flush()
        invitations = (
            (campaign_old, "unused-old@x.fr", None), (campaign_old, "used-old@x.fr", member.id),
            (campaign_new, "unused-new@x.fr", None),
        )  # fmt: skip
        for campaign, email, user_id in invitations:
            session.add(Invitation(campaign_id=campaign.id, email=email, last_name="N", first_name="P",
                                   birth_date=date(1980, 1, 1), regime="general", user_id=user_id))  # fmt: skip
        for subject, status, days in (("old sent", OutboxStatus.SENT, 40), ("recent sent", OutboxStatus.SENT, 10),
                                      ("old pending", OutboxStatus.PENDING, 40)):  # fmt: skip
            session.add(OutboxMessage(
                to_address="a@x.fr", subject=subject, text_body="corps", html_body="<p>corps</p>", kind="k",
                status=status, created_at=now - timedelta(days=days),
                sent_at=now - timedelta(days=days) if status is OutboxStatus.SENT else None,
            ))  # fmt: skip
        for public_id, hours in (("old-snapshot", 25), ("new-snapshot", 1)):
            session.add(PreviewSnapshot(public_id=public_id, owner_id=hr.id, flow_id="affiliation", payload={},
                                        updated_at=now - timedelta(hours=hours)))  # fmt: skip
        session.add(DataExport(user_id=member.id, created_at=now - timedelta(days=8), content=b"old"))
        session.add(DataExport(user_id=member.id, created_at=now - timedelta(days=1), content=b"new"))
        session.commit()


def _state(app: Flask) -> dict[str, Any]:
    with app.app_context():
        session = db_session()
        return {
            "journeys": sorted(session.scalars(select(Journey.flow_id))),
            "invitations": sorted(session.scalars(select(Invitation.email))),
            "bodies": {m.subject: m.text_body for m in session.scalars(select(OutboxMessage))},
            "exports": sorted(e.content or b"" for e in session.scalars(select(DataExport))),
            "snapshots": sorted(session.scalars(select(PreviewSnapshot.public_id))),
        }


def test_retention_run_purges_what_config_says_and_nothing_else(app: Flask, make_user: Any) -> None:
    member, hr = make_user("a@example.fr"), make_user("rh@example.fr", role=Role.HR)
    _seed(app, member, hr)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    for line in ("Démarches abandonnées supprimées : 2", "Invitations expirées supprimées : 1",
                 "Contenus d'e-mails envoyés effacés : 1", "Aperçus RH supprimés : 2",
                 "Archives « Télécharger mes données » supprimées : 1"):  # fmt: skip
        assert line in result.output
    state = _state(app)
    assert state["journeys"] == ["old_completed", "old_draft_with_signed_pdf", "recent_draft", "recent_preview"]
    assert state["invitations"] == ["unused-new@x.fr", "used-old@x.fr"]
    assert state["bodies"] == {"old sent": "", "recent sent": "corps", "old pending": "corps"}
    assert state["exports"] == [b"new"]
    assert state["snapshots"] == ["new-snapshot"]
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "Démarches abandonnées supprimées : 0" in again.output  # idempotent


def test_dry_run_deletes_nothing(app: Flask, make_user: Any) -> None:
    member, hr = make_user("a@example.fr"), make_user("rh@example.fr", role=Role.HR)
    _seed(app, member, hr)
    before = _state(app)
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert "Simulation" in result.output and "Démarches abandonnées supprimées : 2" in result.output
    assert _state(app) == before


def test_periods_come_from_the_config(app: Flask, make_user: Any, tmp_path: Path) -> None:
    facts = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    facts["retention"]["abandoned_draft_days"] = 5
    custom = tmp_path / "legal.json"
    custom.write_text(json.dumps(facts), encoding="utf-8")
    app.config["LEGAL_CONFIG_PATH"] = str(custom)
    member, hr = make_user("a@example.fr"), make_user("rh@example.fr", role=Role.HR)
    _seed(app, member, hr)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "Démarches abandonnées supprimées : 3" in result.output
    assert "recent_draft" not in _state(app)["journeys"]


def test_ended_mandates_go_sepa_mandate_years_after_their_last_collection(app: Flask, make_user: Any) -> None:
    member = make_user("a@example.fr")
    today = utcnow().date()
    years = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["retention"]["sepa_mandate_years"]
    old, recent = years_before(today, years) - timedelta(days=1), years_before(today, years) + timedelta(days=1)
    with app.app_context():
        session = db_session()
        cases = (  # rum, status, signed on, last collection
            ("revoked-old", MandateStatus.REVOKED, old, old),
            ("lapsed-never-collected", MandateStatus.LAPSED, old, None),
            ("revoked-collected-recently", MandateStatus.REVOKED, old, recent),
            ("active-old", MandateStatus.ACTIVE, old, old),
        )
        for rum, status, signed_on, collected_on in cases:
            journey = Journey(owner_id=member.id, flow_id=rum, flow_version=1, state="confirmation",
                              status=JourneyStatus.COMPLETED)  # fmt: skip
            session.add(journey)
            session.flush()
            mandate = SepaMandate(rum=rum, ics="FR12ZZZ123456", owner_id=member.id, journey_id=journey.id,
                                  contract_name="C", status=status, signed_on=signed_on,
                                  effective_date=signed_on)  # fmt: skip
            mandate.versions.append(SepaMandateVersion(version=1, signed_at=utcnow(), details={"iban": "FR76"}))
            session.add(mandate)
            session.flush()
            session.add(SepaCollection(
                mandate_id=mandate.id, schedule_version=1, due_date=signed_on, amount_cents=100,
                period_start=signed_on, period_end=signed_on, notified_on=signed_on, collected_on=collected_on,
                status=CollectionStatus.EXPORTED if collected_on else CollectionStatus.CANCELLED,
            ))  # fmt: skip
        session.commit()
    dry = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert "Mandats SEPA terminés supprimés : 2" in dry.output
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "Mandats SEPA terminés supprimés : 2" in result.output, result.output
    with app.app_context():
        session = db_session()
        assert sorted(session.scalars(select(SepaMandate.rum))) == ["active-old", "revoked-collected-recently"]
        assert session.scalar(select(func.count()).select_from(SepaMandateVersion)) == 2
        assert session.scalar(select(func.count()).select_from(SepaCollection)) == 2
        assert session.scalar(select(func.count()).select_from(Journey)) == 4  # the contract itself stays
