"""The échéancier's arithmetic: due dates, catch-up of months too early for their own date, labels."""

from __future__ import annotations

from datetime import date

import pytest

from wizard.sepa.schedule import ScheduledDebit, compute_schedule, period_label


def _schedule(effective: date, notified: date, cents: int = 4600) -> list[ScheduledDebit]:
    return compute_schedule(effective, cents, notified, collection_day=5, notice_days=14)


def test_signed_a_month_ahead_twelve_monthly_debits_from_the_effective_month() -> None:
    debits = _schedule(date(2027, 1, 1), notified=date(2026, 12, 4))
    assert [d.due_date for d in debits] == [date(2027, m, 5) for m in range(1, 13)]
    assert {d.amount_cents for d in debits} == {4600}
    assert debits[0].label == "Cotisation de janvier 2027"


def test_month_too_early_for_the_notice_is_collected_with_the_next_one() -> None:
    # signed 28/12: 14 days later is 11/01, after the 5th: January is debited with February on 05/02
    debits = _schedule(date(2027, 1, 1), notified=date(2026, 12, 28))
    assert debits[0] == ScheduledDebit(date(2027, 2, 5), 9200, date(2027, 1, 1), date(2027, 2, 1))
    assert debits[0].label == "Cotisations de janvier 2027 à février 2027"
    assert len(debits) == 11 and sum(d.amount_cents for d in debits) == 12 * 4600
    assert all(d.due_date >= date(2027, 1, 11) for d in debits)


def test_never_before_the_effective_date_nor_the_notice() -> None:
    for notified in (date(2026, 11, 1), date(2026, 12, 20), date(2027, 1, 30)):
        for debit in _schedule(date(2027, 1, 1), notified):
            assert debit.due_date >= date(2027, 1, 1)
            assert (debit.due_date - notified).days >= 14


def test_zero_contribution_means_no_debit() -> None:
    assert _schedule(date(2027, 1, 1), date(2026, 12, 4), cents=0) == []


def test_collection_day_must_exist_every_month() -> None:
    with pytest.raises(ValueError, match="1 to 28"):
        compute_schedule(date(2027, 1, 1), 100, date(2026, 12, 1), collection_day=31, notice_days=14)


def test_labels() -> None:
    assert period_label(date(2027, 8, 1), date(2027, 8, 1)) == "Cotisation d'août 2027"
    assert period_label(date(2027, 4, 1), date(2027, 5, 1)) == "Cotisations d'avril 2027 à mai 2027"
    assert period_label(date(2027, 12, 1), date(2028, 1, 1)) == "Cotisations de décembre 2027 à janvier 2028"
