"""``flask retention run``: delete what the retention periods of ``config/legal.json`` say has expired.

- abandoned drafts: journeys never completed (in progress, expired or cancelled), untouched for
  ``abandoned_draft_days``, with no signed document — their answers, events and unsigned PDFs go with them;
- expired invitations: never used to create an account, ``expired_invitation_days`` after the campaign's
  deadline;
- sent email bodies: emptied ``sent_email_body_days`` after sending (address, subject and dates stay as
  proof of sending);
- HR preview data: preview snapshots (and preview journeys left by older versions) untouched for
  ``preview_hours``;
- « Télécharger mes données » archives: ``data_export_days`` after they were requested.

Nothing else is touched: completed journeys, signed documents, designations and consent history follow the
legal periods and are kept. ``--dry-run`` counts without deleting. The command prints what it did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from wizard.legal.pages import retention
from wizard.models import (
    Campaign,
    DataExport,
    Document,
    Invitation,
    Journey,
    JourneyStatus,
    OutboxMessage,
    OutboxStatus,
    PreviewSnapshot,
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

    def lines(self) -> list[str]:
        return [
            f"Démarches abandonnées supprimées : {self.drafts}",
            f"Invitations expirées supprimées : {self.invitations}",
            f"Contenus d'e-mails envoyés effacés : {self.email_bodies}",
            f"Aperçus RH supprimés : {self.previews}",
            f"Archives « Télécharger mes données » supprimées : {self.exports}",
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
    result = Purged(len(drafts), len(invitations), len(body_ids), len(previews) + len(snapshots), len(exports))
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
