"""The échéancier (schedule of collections) of a contract year: pure date and amount arithmetic.

Rules (SEPA Core rulebook, as a French creditor applies them):

* a month's contribution is debited on the collection day of that month (``SEPA_COLLECTION_DAY``, the 5th
  by default);
* never before the contract's effective date, and never less than the pre-notification period
  (``SEPA_PRENOTIFICATION_DAYS``, 14 calendar days as the mandate text says) after the day the member was
  sent the échéancier: a month whose natural date is too early is added to the first debit that is allowed
  (« Cotisations de janvier 2027 à février 2027 »);
* the échéancier covers the contract year: twelve months from the effective month.

The échéancier itself is the pre-notification: each line gives the amount and the date of a debit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS_PER_SCHEDULE = 12
_MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class ScheduledDebit:
    """One debit of the échéancier: when, how much, and which months it pays for."""

    due_date: date
    amount_cents: int
    period_start: date
    period_end: date

    @property
    def label(self) -> str:
        return period_label(self.period_start, self.period_end)


def month_start(value: date) -> date:
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    """The first day of the month ``months`` after ``value``'s month."""
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many months from ``start``'s month to ``end``'s month, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def month_name(value: date) -> str:
    return f"{_MONTH_NAMES[value.month - 1]} {value.year}"


def _of(name: str) -> str:
    """« de janvier », « d'août »."""
    return f"d'{name}" if name[0] in "aeiouy" else f"de {name}"


def period_label(start: date, end: date) -> str:
    """« Cotisation de janvier 2027 » or « Cotisations d'avril 2027 à mai 2027 »."""
    if month_start(start) == month_start(end):
        return f"Cotisation {_of(month_name(start))}"
    return f"Cotisations {_of(month_name(start))} à {month_name(end)}"


def earliest_collection(effective: date, notified_on: date, notice_days: int) -> date:
    """The first day a debit may be requested for: effective date and notice period both reached."""
    return max(effective, notified_on + timedelta(days=notice_days))


def compute_schedule(
    effective: date,
    monthly_cents: int,
    notified_on: date,
    *,
    collection_day: int,
    notice_days: int,
    months: list[date] | None = None,
    amounts: Mapping[date, int] | None = None,
) -> list[ScheduledDebit]:
    """The debits for ``months`` (first days; default: the twelve months from the effective month).

    ``amounts`` gives the contribution of a month when it is not ``monthly_cents`` (the months before a change
    of situation keep the amount in force). Empty when nothing is to be debited (a contribution of zero: the
    account only receives benefits).
    """
    amounts = amounts or {}
    if monthly_cents <= 0 and not any(value > 0 for value in amounts.values()):
        return []
    if not 1 <= collection_day <= 28:
        raise ValueError("the collection day must exist in every month (1 to 28)")
    to_pay = months if months is not None else [add_months(effective, i) for i in range(MONTHS_PER_SCHEDULE)]
    if not to_pay:
        return []
    earliest = earliest_collection(effective, notified_on, notice_days)
    debits: list[ScheduledDebit] = []
    pending: list[date] = []  # months whose own date is too early: paid with the first allowed debit
    for month in sorted(to_pay):
        due = month.replace(day=collection_day)
        pending.append(month)
        if due < earliest:
            continue
        debits.append(ScheduledDebit(due, _total(pending, monthly_cents, amounts), pending[0], pending[-1]))
        pending = []
    if pending:  # every remaining month is too early for its own date: one debit on the next allowed date
        due = earliest.replace(day=collection_day)
        if due < earliest:
            due = add_months(earliest, 1).replace(day=collection_day)
        debits.append(ScheduledDebit(due, _total(pending, monthly_cents, amounts), pending[0], pending[-1]))
    return [debit for debit in debits if debit.amount_cents > 0]


def _total(months: list[date], monthly_cents: int, amounts: Mapping[date, int]) -> int:
    return sum(amounts.get(month, monthly_cents) for month in months)
