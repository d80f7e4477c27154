"""When a member's contract takes effect.

Agents who join by the campaign's effective date are covered from that date. Someone who joins later (a new
recruit, a late subscription) cannot be covered retroactively: the contract's late-joiner rule (*config*,
``catalogue.late_joiner_rule``) gives the date instead. Pure functions, so pages, documents and exports agree.
"""

from __future__ import annotations

from datetime import date, timedelta

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
