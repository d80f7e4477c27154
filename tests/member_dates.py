"""The member-level effective date the tests expect, whatever day they run on.

The demo contract starts on 1 May 2026; someone joining after that day is covered from the date the
late-joiner rule gives (``config.dates.member_effective_date``), and every page and document says that date.
"""

from __future__ import annotations

from datetime import date

from config.dates import member_effective_date
from wizard.signatures.requests import paris_today

CAMPAIGN_DATE = date(2026, 5, 1)


def member_date(campaign_date: date = CAMPAIGN_DATE) -> date:
    return member_effective_date(campaign_date, paris_today(), "first_of_next_month")
