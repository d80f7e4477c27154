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

from config.catalogue import Brand
from config.formats import percent, short_date
from signing.documents.layout import (
    DocumentInfo,
    Identity,
    column_widths,
    default_brand,
    heading,
    identity_block,
    or_dash,
    para,
    render_document,
    signature_block,
    table,
    title,
)

TEMPLATE_VERSION = "2026.2"
TITLE = "Désignation de bénéficiaires"


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
    brand: Brand = field(default_factory=default_brand)
    #: the member's number with the insurer (printed with the identity)
    member_number: str = ""
    #: what happens to a predeceased beneficiary's share within a rank (particular designations)
    predeceased_share: str = ""


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
    return [heading("Bénéficiaires désignés"), table(rows, widths=column_widths(0.08, 0.26, 0.17, 0.23, 0.14, 0.12))]


def _story(data: DesignationData) -> list[Flowable]:
    return [
        title(TITLE),
        para(f"Contrat : {data.contract_name}"),
        *identity_block("L'assuré(e)", data.member, rows=6, extra=[("N° d'adhérent", or_dash(data.member_number))]),
        heading(data.mode_label),
        para("En cas de décès, je désigne comme bénéficiaire(s) du capital :"),
        para(data.clause_text),
        *_beneficiaries(data),
        *([para(data.predeceased_share)] if data.predeceased_share else []),
        para(
            "Cette désignation remplace toute désignation antérieure. Pensez à la mettre à jour après tout "
            "changement de votre situation familiale."
        ),
        signature_block(data.place, data.signed_on, "Signature de l'assuré(e)"),
    ]


def render_designation(data: DesignationData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="designation", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
