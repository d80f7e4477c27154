"""When a member's contract takes effect.

Agents who join by the campaign's effective date are covered from that date. Someone who joins later (a new
recruit, a late subscription) cannot be covered retroactively: the contract's late-joiner rule (*config*,
``catalogue.late_joiner_rule``) gives the date instead. Pure functions, so pages, documents and exports agree.

:func:`member_effective_date` is the one member-level date: ``wizard.journeys.steps.effective_date`` applies it to a
journey (joined on the day it was signed, else today), and every page, document, child age check, dispense
cap, dashboard line and email reads that value — never the campaign's date directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from config.formats import PARIS

#: late-joiner rule → the date it gives for someone joining on a day after the campaign's effective date
LATE_JOINER_RULES = ("first_of_next_month", "next_day")


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def contract_effective_date(campaign_effective: date, joined_on: date, rule: str) -> date:
    """The campaign's effective date, or for a late joiner the date the configured rule gives.

    Raises ``ValueError`` for an unknown rule: a typo in the catalogue must fail loudly, not pick a date.
    """
    if rule not in LATE_JOINER_RULES:
        raise ValueError(f"unknown late-joiner rule {rule!r}; expected one of {LATE_JOINER_RULES}")
    if joined_on <= campaign_effective:
        return campaign_effective
    if rule == "next_day":
        return joined_on + timedelta(days=1)
    return first_of_next_month(joined_on)


def member_effective_date(campaign_effective: date, joined_on: date, rule: str) -> date:
    """The date one member's cover starts: :func:`contract_effective_date` for the day they join.

    Idempotent: a member date is never before the day they joined, so applying it again changes nothing.
    """
    return contract_effective_date(campaign_effective, joined_on, rule)


def paris_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in France (naive values are taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).date()
