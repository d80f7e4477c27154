"""Tableau de garanties: the catalogue's highlighted guarantees, one column per level."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from config.catalogue import Brand, Catalogue, GuaranteeRow, Level
from signing.documents.layout import (
    CONTENT_WIDTH,
    DocumentInfo,
    default_brand,
    para,
    render_document,
    styles,
    table,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Tableau de garanties"
BR_NOTE = (
    "BR : base de remboursement de la Sécurité sociale. Les montants incluent le remboursement de la Sécurité sociale."
)


@dataclass(frozen=True)
class GuaranteesData:
    contract_name: str
    levels: tuple[Level, ...]
    rows: tuple[GuaranteeRow, ...]
    #: level code of the member's choice, marked in the header; None for the generic table
    chosen_level: str | None = None
    brand: Brand = field(default_factory=default_brand)


def guarantees_from_catalogue(catalogue: Catalogue, chosen_level: str | None = None) -> GuaranteesData:
    """The table as the catalogue defines it."""
    return GuaranteesData(
        contract_name=catalogue.contract_name,
        levels=catalogue.levels,
        rows=catalogue.guarantee_highlights,
        chosen_level=chosen_level,
        brand=catalogue.brand,
    )


def _header(data: GuaranteesData) -> list[str]:
    labels = [f"{lvl.label} (votre choix)" if lvl.code == data.chosen_level else lvl.label for lvl in data.levels]
    return ["Garantie", *labels]


def _story(data: GuaranteesData) -> list[Flowable]:
    rows = [_header(data)]
    rows += [[row.label, *(row.values.get(lvl.code, "—") for lvl in data.levels)] for row in data.rows]
    first = CONTENT_WIDTH * 0.28
    others = [(CONTENT_WIDTH - first) / max(len(data.levels), 1)] * len(data.levels)
    return [
        title(TITLE),
        para(data.contract_name, styles().heading),
        table(rows, widths=[first, *others]),
        para(BR_NOTE, styles().small),
    ]


def render_guarantees(data: GuaranteesData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="garanties", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
