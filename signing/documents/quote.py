"""Devis: the household and its monthly contribution for each level the member compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from config.catalogue import Brand
from config.formats import euros, long_date, short_date
from signing.documents.layout import (
    CONTENT_WIDTH,
    DocumentInfo,
    default_brand,
    heading,
    key_values,
    para,
    render_document,
    table,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Devis"


@dataclass(frozen=True)
class QuotePerson:
    #: e.g. « Agent — Hélène Dupré », « Enfant — Léo »
    label: str
    birth_date: date | None = None


@dataclass(frozen=True)
class QuoteLevel:
    label: str
    #: monthly cents per person, in the order of ``QuoteData.people``
    monthly_cents: tuple[int, ...]

    @property
    def total_cents(self) -> int:
        return sum(self.monthly_cents)


@dataclass(frozen=True)
class QuoteData:
    contract_name: str
    issued_on: date
    effective_date: date
    people: tuple[QuotePerson, ...]
    levels: tuple[QuoteLevel, ...]
    employer_note: str = ""
    brand: Brand = field(default_factory=default_brand)

    def __post_init__(self) -> None:
        for level in self.levels:
            if len(level.monthly_cents) != len(self.people):
                count = len(level.monthly_cents)
                raise ValueError(f"level {level.label!r} has {count} amounts for {len(self.people)} people")


def _household(data: QuoteData) -> list[Flowable]:
    rows = [["Personne", "Date de naissance"]]
    rows += [[p.label, short_date(p.birth_date) if p.birth_date else "—"] for p in data.people]
    return [heading("Votre foyer"), table(rows)]


def _prices(data: QuoteData) -> list[Flowable]:
    rows = [["Cotisation mensuelle", *(level.label for level in data.levels)]]
    for index, person in enumerate(data.people):
        rows.append([person.label, *(euros(level.monthly_cents[index]) for level in data.levels)])
    rows.append(["Total mensuel", *(euros(level.total_cents) for level in data.levels)])
    first = CONTENT_WIDTH * 0.34
    widths = [first, *[(CONTENT_WIDTH - first) / max(len(data.levels), 1)] * len(data.levels)]
    story: list[Flowable] = [heading("Vos cotisations par formule"), table(rows, widths=widths, bold_last=True)]
    if data.employer_note:
        story.append(para(data.employer_note))
    return story


def _story(data: QuoteData) -> list[Flowable]:
    return [
        title(TITLE),
        key_values(
            [
                ("Contrat", data.contract_name),
                ("Date du devis", short_date(data.issued_on)),
                ("Date d'effet", long_date(data.effective_date)),
            ]
        ),
        *_household(data),
        *_prices(data),
        para("Ce devis est établi à titre indicatif d'après les informations que vous avez déclarées."),
    ]


def render_quote(data: QuoteData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="devis", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
