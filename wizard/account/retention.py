"""``flask retention run``: delete what the retention periods of ``config/legal.json`` say has expired.

- abandoned drafts: journeys never completed (in progress, expired or cancelled), untouched for
  ``abandoned_draft_days``, with no signed document — their answers, events and unsigned PDFs go with them;
- expired invitations: never used to create an account, ``expired_invitation_days`` after the campaign's
  deadline;
- sent email bodies: emptied ``sent_email_body_days`` after sending (address, subject and dates stay as
  proof of sending);
- HR preview data: preview snapshots (and preview journeys left by older versions) untouched for
  ``preview_hours``;
- « Télécharger mes données » archives: ``data_export_days`` after they were requested;
- SEPA mandates that ended (lapsed or revoked), ``sepa_mandate_years`` after their last collection (or their
  signature, if nothing was ever collected): the mandate with its versions (account details) and its
  échéancier lines. A mandate that can still be collected is never touched.

Nothing else is touched. Completed journeys and signed documents (the signed mandate PDF included) follow
``contract_documents_years`` from the end of the contract, which the product does not record; designations
and consent history have their own long periods; ``config/legal.json`` defines none for supporting documents
and family changes (kept with the contract). ``--dry-run`` counts without deleting. The command prints what
it did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from wizard.legal.pages import retention
from wizard.models import (
    Campaign,
    DataExport,
    Document,
    Invitation,
    Journey,
    JourneyStatus,
    MandateStatus,
    OutboxMessage,
    OutboxStatus,
    PreviewSnapshot,
    SepaCollection,
    SepaMandate,
    SepaMandateVersion,
    SignatureRequest,
    utcnow,
)

EMPTIED_BODY = ""


@dataclass
class Purged:
    drafts: int = 0
    invitations: int = 0
    email_bodies: int = 0
    previews: int = 0
    exports: int = 0
    mandates: int = 0

    def lines(self) -> list[str]:
        return [
            f"Démarches abandonnées supprimées : {self.drafts}",
            f"Invitations expirées supprimées : {self.invitations}",
            f"Contenus d'e-mails envoyés effacés : {self.email_bodies}",
            f"Aperçus RH supprimés : {self.previews}",
            f"Archives « Télécharger mes données » supprimées : {self.exports}",
            f"Mandats SEPA terminés supprimés : {self.mandates}",
        ]


def delete_journeys(session: Session, ids: Iterable[int]) -> int:
    """Delete journeys with their documents and signature requests (answers and events cascade)."""
    ids = list(ids)
    if ids:
        session.execute(delete(Document).where(Document.journey_id.in_(ids)))
        session.execute(delete(SignatureRequest).where(SignatureRequest.journey_id.in_(ids)))
        session.execute(delete(Journey).where(Journey.id.in_(ids)), execution_options={"synchronize_session": False})
        session.expire_all()
    return len(ids)


def _abandoned_drafts(session: Session, now: datetime) -> list[int]:
    signed = exists().where(Document.journey_id == Journey.id, Document.signed.is_(True))
    query = select(Journey.id).where(
        Journey.is_preview.is_(False),
        Journey.status != JourneyStatus.COMPLETED,
        Journey.updated_at < now - timedelta(days=retention("abandoned_draft_days")),
        ~signed,
    )
    return list(session.scalars(query))


def _previews(session: Session, now: datetime) -> list[int]:
    query = select(Journey.id).where(
        Journey.is_preview.is_(True), Journey.updated_at < now - timedelta(hours=retention("preview_hours"))
    )
    return list(session.scalars(query))


def _expired_invitations(session: Session, today: date) -> list[int]:
    limit = today - timedelta(days=retention("expired_invitation_days"))
    query = (
        select(Invitation.id)
        .join(Campaign, Invitation.campaign_id == Campaign.id)
        .where(Campaign.deadline < limit, Invitation.user_id.is_(None))
    )
    return list(session.scalars(query))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ended_mandates(session: Session, today: date) -> list[int]:
    """Lapsed or revoked mandates whose last collection (or signature) is older than ``sepa_mandate_years``."""
    limit = years_before(today, retention("sepa_mandate_years"))
    last_collection = (
        select(SepaCollection.mandate_id, func.max(SepaCollection.collected_on).label("last"))
        .where(SepaCollection.collected_on.is_not(None))
        .group_by(SepaCollection.mandate_id)
        .subquery()
    )
    query = (
        select(SepaMandate.id)
        .outerjoin(last_collection, last_collection.c.mandate_id == SepaMandate.id)
        .where(
            SepaMandate.status.in_([MandateStatus.LAPSED, MandateStatus.REVOKED]),
            func.coalesce(last_collection.c.last, SepaMandate.signed_on) < limit,
        )
        .order_by(SepaMandate.id)
    )
    return list(session.scalars(query))


def run(session: Session, *, now: datetime | None = None, dry_run: bool = False) -> Purged:
    """Apply every retention period once (counts only when ``dry_run``); the caller commits."""
    now = now or utcnow()
    result = Purged()
    drafts, previews = _abandoned_drafts(session, now), _previews(session, now)
    invitations = _expired_invitations(session, now.date())
    bodies = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at < now - timedelta(days=retention("sent_email_body_days")),
        OutboxMessage.text_body != EMPTIED_BODY,
    )
    body_ids = list(session.scalars(bodies))
    exports = list(session.scalars(select(DataExport.id).where(
        DataExport.created_at < now - timedelta(days=retention("data_export_days")))))  # fmt: skip
    preview_limit = now - timedelta(hours=retention("preview_hours"))
    snapshots = list(session.scalars(select(PreviewSnapshot.id).where(PreviewSnapshot.updated_at < preview_limit)))
    mandates = _ended_mandates(session, now.date())
    result = Purged(len(drafts), len(invitations), len(body_ids), len(previews) + len(snapshots), len(exports),
                    len(mandates))  # fmt: skip
    if dry_run:
        return result
    if snapshots:
        session.execute(delete(PreviewSnapshot).where(PreviewSnapshot.id.in_(snapshots)))
    delete_journeys(session, drafts + previews)
    if invitations:
        session.execute(delete(Invitation).where(Invitation.id.in_(invitations)))
    if body_ids:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(body_ids))
                        .values(text_body=EMPTIED_BODY, html_body=EMPTIED_BODY))  # fmt: skip
    if exports:
        session.execute(delete(DataExport).where(DataExport.id.in_(exports)))
    if mandates:
        session.execute(delete(SepaCollection).where(SepaCollection.mandate_id.in_(mandates)))
        session.execute(delete(SepaMandateVersion).where(SepaMandateVersion.mandate_id.in_(mandates)))
        session.execute(delete(SepaMandate).where(SepaMandate.id.in_(mandates)),
                        execution_options={"synchronize_session": False})  # fmt: skip
        session.expire_all()
    session.flush()
    return result


@click.group("retention", help="Retention periods (config/legal.json).")
def cli_group() -> None:
    """Retention commands."""


@cli_group.command("run", help="Delete what has outlived its retention period, and print what was done.")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, delete nothing.")
@with_appcontext
def run_command(dry_run: bool) -> None:
    from wizard.db import db_session  # noqa: PLC0415

    result = run(db_session(), dry_run=dry_run)
    if dry_run:
        click.echo("Simulation : rien n'a été supprimé.")
    for line in result.lines():
        click.echo(line)
