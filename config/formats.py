"""How the product writes amounts, shares and dates in French: pure functions, shared by pages and PDFs.

Plain spaces group thousands (they survive PDF text extraction and copy-paste).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def euros(cents: int) -> str:
    """``2300`` → ``"23,00 €"``; ``123450`` → ``"1 234,50 €"``."""
    units, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}{units:,}".replace(",", " ") + f",{rest:02d} €"


def percent(value: Decimal | int) -> str:
    """``Decimal("33.33")`` → ``"33,33 %"``; whole numbers lose their decimals (``"50 %"``)."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",") + " %"


def short_date(value: date) -> str:
    """``date(2026, 5, 1)`` → ``"01/05/2026"``."""
    return value.strftime("%d/%m/%Y")


def long_date(value: date) -> str:
    """``date(2026, 5, 1)`` → ``"1er mai 2026"``, as the documents and pages say it."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(value: datetime) -> str:
    """An aware datetime in Paris time: ``"12 mai 2026 à 14 h 05"`` (naive values are taken as UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
    local = aware.astimezone(PARIS)
    return f"{long_date(local.date())} à {local.hour} h {local.minute:02d}"
