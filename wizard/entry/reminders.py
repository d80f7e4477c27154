"""Draft lifecycle and reminders, run by ``flask reminders run`` (cron, e.g. once an hour).

- a draft untouched for ``DRAFT_INACTIVITY_DAYS - DRAFT_REMINDER_DAYS`` days gets a reminder; once untouched
  for ``DRAFT_INACTIVITY_DAYS`` it expires (``engine.expire_journey``);
- ``DEADLINE_REMINDER_DAYS`` before a campaign's deadline, every invited agent who has neither signed nor
  asked for a dispense is reminded that they will be affiliated on the base cover at that date;
- each feature's own reminders, registered at start-up (:func:`register_reminder`: a covered child's age
  limit, ``wizard.family_change.reminders``).

Safe to run as often as one likes, even concurrently: each reminder carries a ``dedup_key`` (unique in the
outbox), so nobody gets the same reminder twice. A draft reminder is per idle period: someone who comes back
and leaves again is reminded again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wizard.db import commit_item, db_session
from wizard.entry import tokens
from wizard.journeys import engine, steps
from wizard.mail.queue import queue_email
from wizard.models import Actor, Campaign, Invitation, Journey, JourneyStatus, OutboxMessage, utcnow

SYSTEM = Actor(user_id=None, user_agent="flask reminders run")
#: finishing one of these flows in the campaign means the agent decided (signed or dispensed)
DECISION_FLOWS = ("subscription", "dispense")
REMINDERS_KEY = "wizard.reminders"

#: queues one email unless its ``dedup_key`` was queued before: ``queue_once(session, dedup_key, **email)``
QueueOnce = Callable[..., int]
#: a feature's reminders: ``run(session, settings, today, queue_once)`` returns how many it queued
FeatureReminder = Callable[[Session, Mapping[str, Any], date, QueueOnce], int]


def register_reminder(app: Flask, name: str, label: str, run: FeatureReminder) -> None:
    """A feature's reminders run with the others; ``label`` names their count in the command's report."""
    app.extensions.setdefault(REMINDERS_KEY, {})[name] = (label, run)


def _feature_reminders() -> dict[str, tuple[str, FeatureReminder]]:
    return dict(current_app.extensions.get(REMINDERS_KEY, {})) if has_app_context() else {}


@dataclass
class ReminderReport:
    draft_reminders: int = 0
    expired: int = 0
    deadline_reminders: int = 0
    #: per registered feature reminder, how many were queued
    features: dict[str, int] = field(default_factory=dict)


def run_reminders(session: Session, settings: Mapping[str, Any], now: datetime | None = None) -> ReminderReport:
    now = now or utcnow()
    report = ReminderReport()
    inactivity = timedelta(days=int(settings["DRAFT_INACTIVITY_DAYS"]))
    warning = timedelta(days=int(settings["DRAFT_REMINDER_DAYS"]))
    for journey in idle_drafts(session, now - inactivity + warning):
        if journey.updated_at <= now - inactivity:
            report.expired += engine.expire_journey(session, journey, SYSTEM)
        else:
            report.draft_reminders += _remind_draft(session, journey, journey.updated_at + inactivity)
    days = int(settings["DEADLINE_REMINDER_DAYS"])
    for campaign in closing_campaigns(session, now.date(), days):
        report.deadline_reminders += sum(_remind_deadline(session, i) for i in undecided(session, campaign))
    for name, (_, run) in _feature_reminders().items():
        report.features[name] = run(session, settings, now.date(), _queue_once)
    return report


def idle_drafts(session: Session, untouched_since: datetime) -> list[Journey]:
    query = select(Journey).where(
        Journey.status == JourneyStatus.IN_PROGRESS,
        Journey.is_preview.is_(False),
        Journey.updated_at <= untouched_since,
    )
    return list(session.scalars(query.order_by(Journey.id)))


def closing_campaigns(session: Session, today: date, days: int) -> list[Campaign]:
    query = select(Campaign).where(Campaign.deadline >= today, Campaign.deadline <= today + timedelta(days=days))
    return list(session.scalars(query.order_by(Campaign.id)))


def undecided(session: Session, campaign: Campaign) -> list[Invitation]:
    """Invited agents with no signed subscription nor dispense in this campaign."""
    decided = select(Journey.owner_id).where(
        Journey.campaign_id == campaign.id,
        Journey.flow_id.in_(DECISION_FLOWS),
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    query = select(Invitation).where(
        Invitation.campaign_id == campaign.id,
        (Invitation.user_id.is_(None)) | (Invitation.user_id.not_in(decided)),
    )
    return list(session.scalars(query.order_by(Invitation.id)))


def _remind_draft(session: Session, journey: Journey, expires_at: datetime) -> int:
    flow = steps.flow_of(journey)
    step = flow.step(journey.state)
    key = f"draft-reminder:{journey.id}:{journey.updated_at:%Y%m%d%H%M%S}"
    context = {
        "name": journey.owner.full_name, "flow_title": flow.title, "step_title": step.title if step else "",
        "expires_on": expires_at.date(), "link": tokens.public_url("journeys.current", public_id=journey.public_id),
    }  # fmt: skip
    return _queue_once(
        session, key, to=journey.owner.email, subject=f"Votre démarche « {flow.title} » vous attend",
        template="draft_reminder", context=context, user_id=journey.owner_id, journey=journey,
    )  # fmt: skip


def _remind_deadline(session: Session, invitation: Invitation) -> int:
    campaign = invitation.campaign
    key = f"deadline-reminder:{invitation.id}:{campaign.deadline.isoformat()}"
    to = invitation.user.email if invitation.user is not None else invitation.email
    context = {
        "name": f"{invitation.first_name} {invitation.last_name}", "campaign": campaign,
        "link": tokens.public_url("invitations.landing", token=tokens.invitation_token(invitation)),
    }  # fmt: skip
    return _queue_once(
        session, key, to=to, template="deadline_reminder",
        subject=f"Plus que quelques jours pour choisir votre complémentaire santé ({campaign.employer})",
        context=context, user_id=invitation.user_id,
    )  # fmt: skip


def _queue_once(session: Session, dedup_key: str, **email: Any) -> int:
    """Queue and commit unless a message with this key exists (1 if queued, 0 if not)."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)) is not None:
        return 0
    try:
        with session.begin_nested():
            queue_email(session, dedup_key=dedup_key, **email)
        commit_item(session)
    except IntegrityError:  # another run queued it between our check and our insert
        session.rollback()
        return 0
    return 1


@click.group("reminders", help="Draft expiry and reminder emails.")
def cli_group() -> None:
    """Reminder commands."""


@cli_group.command("run", help="Send due reminders and expire abandoned drafts (safe to repeat).")
@with_appcontext
def run_command() -> None:
    report = run_reminders(db_session(), current_app.config)
    click.echo(
        f"Rappels de brouillon : {report.draft_reminders} ; brouillons expirés : {report.expired} ; "
        f"rappels d'échéance : {report.deadline_reminders}"
        + "".join(f" ; {label} : {report.features.get(name, 0)}" for name, (label, _) in _feature_reminders().items())
        + "."
    )
