"""Announce a covered child's age limit to the member, ``CHILD_AGE_LIMIT_NOTICE_DAYS`` before it is reached.

Run by ``flask reminders run`` (``wizard.entry.reminders``; registered in ``wizard.app``). A child is covered
until 21, until 25 while studying, in apprenticeship or looking for a job, without limit with a disability
recognised by the CDAPH. The email says on which day the limit is reached, from when the child leaves the
contract (the 1st of the following month), and how to keep the cover: declare « Mon enfant poursuit ses
études » with a schooling certificate (before 21), from « Un changement de situation ? ». One email per child
and limit (outbox ``dedup_key``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.formats import long_date
from wizard.entry import tokens
from wizard.family_change.service import current_cover
from wizard.models import Journey, JourneyStatus, User
from wizard.subscription.dates import first_of_next_month

STUDYING = ("student", "apprentice", "job_seeker")


def age_limit(situation: str) -> int | None:
    if situation == "disabled":
        return None
    return 25 if situation in STUDYING else 21


def birthday(born: date, years: int) -> date:
    """The day a person born on ``born`` turns ``years`` (29 February → 1 March in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def members_with_contract(session: Session) -> list[User]:
    owners = select(Journey.owner_id).where(
        Journey.flow_id == "subscription", Journey.status == JourneyStatus.COMPLETED, Journey.is_preview.is_(False)
    )
    return list(session.scalars(select(User).where(User.id.in_(owners)).order_by(User.id)))


def remind_age_limits(session: Session, settings: Mapping[str, Any], today: date, queue_once: Any) -> int:
    """Queue the announcements due today; ``queue_once(session, dedup_key, **email)`` returns 1 if queued."""
    horizon = today + timedelta(days=int(settings["CHILD_AGE_LIMIT_NOTICE_DAYS"]))
    sent = 0
    for owner in members_with_contract(session):
        cover = current_cover(session, owner)
        for child in cover.children if cover else []:
            limit = age_limit(str(child.get("situation") or "none"))
            born = child.get("birth_date")
            if limit is None or not isinstance(born, date):
                continue
            reached = birthday(born, limit)
            if not today <= reached <= horizon:
                continue
            context = {
                "first_name": owner.first_name, "child": child["first_name"], "age": limit,
                "reached_on": long_date(reached), "removal_on": long_date(first_of_next_month(reached)),
                "can_keep": limit == 21, "link": tokens.public_url("dashboard.dashboard"),
            }  # fmt: skip
            sent += queue_once(
                session, f"child-age-limit:{owner.id}:{child['key']}:{reached.isoformat()}", to=owner.email,
                subject=f"{child['first_name']} aura bientôt {limit} ans : sa couverture santé",
                template="child_age_limit", context=context, user_id=owner.id,
            )  # fmt: skip
    return sent
