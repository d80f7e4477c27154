"""« Échéancier de cotisation »: the dates and amounts of the debits of a contract year.

It is the SEPA pre-notification (rulebook: the debtor learns the amount and date of each debit at least
14 calendar days before it; an annual schedule is a valid pre-notification). Not signed: it is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from reportlab.platypus import Flowable

from config.catalogue import Brand, Creditor
from config.formats import euros, long_date, short_date
from signing.documents.layout import (
    DocumentInfo,
    column_widths,
    default_brand,
    heading,
    key_values,
    para,
    render_document,
    table,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Échéancier de cotisation"


class ScheduledDebit(Protocol):
    """One line of the échéancier as the document prints it (``wizard.sepa.schedule.ScheduledDebit``)."""

    @property
    def due_date(self) -> date: ...

    @property
    def amount_cents(self) -> int: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class ScheduleData:
    contract_name: str
    rum: str
    holder: str
    masked_iban: str
    effective_date: date
    issued_on: date
    notice_days: int
    debits: Sequence[ScheduledDebit]
    #: 1 for the first échéancier, +1 each time amounts or dates changed
    version: int = 1
    #: next year's échéancier (it adds debits) rather than a replacement after a change
    renewal: bool = False
    brand: Brand = field(default_factory=default_brand)

    @property
    def creditor(self) -> Creditor:
        return self.brand.creditor


def _intro(data: ScheduleData) -> str:
    replaces = ""
    if data.version > 1:
        replaces = " Il couvre l'année à venir." if data.renewal else " Il remplace l'échéancier précédent."
    return (
        f"Conformément à votre mandat de prélèvement SEPA, voici la date et le montant de chacun des "
        f"prélèvements de vos cotisations pour votre contrat {data.contract_name}. Ce document vous est adressé "
        f"au moins {data.notice_days} jours avant le premier prélèvement et vaut pré-notification de chacun "
        f"d'eux.{replaces}"
    )


def _story(data: ScheduleData) -> list[Flowable]:
    rows = [["Date de prélèvement", "Période", "Montant"]]
    rows += [[short_date(d.due_date), d.label, euros(d.amount_cents)] for d in data.debits]
    rows.append(["Total", "", euros(sum(d.amount_cents for d in data.debits))])
    return [
        title(TITLE),
        para(_intro(data)),
        key_values([
            ("Contrat", data.contract_name),
            ("Date d'effet", long_date(data.effective_date)),
            ("Établi le", long_date(data.issued_on)),
            ("Version de l'échéancier", str(data.version)),
        ]),
        heading("Vos prélèvements"),
        table(rows, widths=column_widths(0.25, 0.5, 0.25), bold_last=True),
        heading("Mandat de prélèvement"),
        key_values([
            ("Créancier", data.creditor.name),
            ("Identifiant créancier SEPA (ICS)", data.creditor.ics),
            ("Référence unique du mandat (RUM)", data.rum),
            ("Titulaire du compte", data.holder),
            ("IBAN", data.masked_iban),
        ]),
        para(
            "Si un montant ou une date change (changement de situation, de formule ou de tarif), un nouvel "
            "échéancier vous est adressé avant le prélèvement concerné. Vous pouvez changer le compte prélevé "
            "depuis votre espace personnel (« Modifier mon RIB »)."
        ),
    ]  # fmt: skip


def render_schedule(data: ScheduleData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="echeancier", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
