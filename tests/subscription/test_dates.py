"""The contract's effective date: the campaign's, or the late-joiner rule's."""

from __future__ import annotations

from datetime import date

import pytest

from config.catalogue import default_catalogue
from wizard.subscription.dates import contract_effective_date, first_of_next_month

CAMPAIGN = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("joined_on", "rule", "expected"),
    [
        (date(2026, 3, 12), "first_of_next_month", CAMPAIGN),  # joined before: the campaign's date
        (CAMPAIGN, "first_of_next_month", CAMPAIGN),  # on the day itself: still covered from that day
        (date(2026, 5, 2), "first_of_next_month", date(2026, 6, 1)),
        (date(2026, 12, 31), "first_of_next_month", date(2027, 1, 1)),  # year change
        (date(2026, 5, 2), "next_day", date(2026, 5, 3)),
    ],
)
def test_effective_date_follows_the_campaign_then_the_rule(joined_on: date, rule: str, expected: date) -> None:
    assert contract_effective_date(CAMPAIGN, joined_on, rule) == expected


def test_unknown_rule_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unknown late-joiner rule"):
        contract_effective_date(CAMPAIGN, date(2026, 6, 1), "whenever")


def test_first_of_next_month_in_december() -> None:
    assert first_of_next_month(date(2026, 12, 5)) == date(2027, 1, 1)


def test_catalogue_configures_the_rule() -> None:
    assert default_catalogue().late_joiner_rule == "first_of_next_month"
