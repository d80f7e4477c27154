"""Désignation de bénéficiaires (death benefit): the full clause text and the structured beneficiaries.

The caller builds the complete clause (standard, or particular ending with the fallback to the heirs); this
module prints it verbatim, then the beneficiaries by rank with their shares, so both can be checked against
each other on the signed page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reportlab.platypus import Flowable

from config.catalogue import Brand, default_catalogue
from config.formats import percent, short_date
from signing.documents.layout import (
    CONTENT_WIDTH,
    DocumentInfo,
    Identity,
    heading,
    identity_rows,
    key_values,
    or_dash,
    para,
    render_document,
    signature_block,
    table,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Désignation de bénéficiaires"


def _default_brand() -> Brand:
    return default_catalogue().brand


@dataclass(frozen=True)
class Beneficiary:
    rank: int
    last_name: str
    first_names: str
    relationship: str
    share_percent: Decimal
    birth_name: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    address: str = ""


@dataclass(frozen=True)
class DesignationData:
    contract_name: str
    member: Identity
    #: « Désignation standard » or « Désignation particulière »
    mode_label: str
    clause_text: str
    place: str
    signed_on: date
    #: empty for the standard clause
    beneficiaries: tuple[Beneficiary, ...] = ()
    brand: Brand = field(default_factory=_default_brand)


def _born(b: Beneficiary) -> str:
    when = short_date(b.birth_date) if b.birth_date else ""
    return " à ".join(part for part in (when, b.birth_place) if part) or "—"


def _beneficiaries(data: DesignationData) -> list[Flowable]:
    if not data.beneficiaries:
        return []
    header = ["Rang", "Nom, prénoms (nom de naissance)", "Né(e) le / à", "Adresse", "Lien", "Part"]
    rows = [header]
    for b in sorted(data.beneficiaries, key=lambda item: item.rank):
        name = f"{b.last_name} {b.first_names}" + (f" (née/né {b.birth_name})" if b.birth_name else "")
        rows.append([str(b.rank), name, _born(b), or_dash(b.address), b.relationship, percent(b.share_percent)])
    widths = [CONTENT_WIDTH * share for share in (0.08, 0.26, 0.17, 0.23, 0.14, 0.12)]
    return [heading("Bénéficiaires désignés"), table(rows, widths=widths)]


def _story(data: DesignationData) -> list[Flowable]:
    return [
        title(TITLE),
        para(f"Contrat : {data.contract_name}"),
        heading("L'assuré(e)"),
        key_values(identity_rows(data.member)[:6]),
        heading(data.mode_label),
        para("En cas de décès, je désigne comme bénéficiaire(s) du capital :"),
        para(data.clause_text),
        *_beneficiaries(data),
        para(
            "Cette désignation remplace toute désignation antérieure. Pensez à la mettre à jour après tout "
            "changement de votre situation familiale."
        ),
        signature_block(data.place, data.signed_on, "Signature de l'assuré(e)"),
    ]


def render_designation(data: DesignationData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="designation", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
