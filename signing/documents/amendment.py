"""Avenant au contrat (change of family situation): who joins or leaves, from when, the new monthly amount.

The figures are printed from the values the caller computed with the pricing code (``wizard.family_change``),
the same ones the review page showed, so the signed page and the screen never differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from config.catalogue import Brand
from config.formats import euros, short_date
from signing.documents.layout import (
    DocumentInfo,
    Identity,
    column_widths,
    default_brand,
    heading,
    identity_block,
    key_values,
    para,
    render_document,
    signature_block,
    table,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Avenant au contrat — changement de situation familiale"


@dataclass(frozen=True)
class AmountRow:
    label: str
    before_cents: int | None
    after_cents: int | None


@dataclass(frozen=True)
class AmendmentData:
    contract_name: str
    member: Identity
    #: « Naissance ou adoption d'un enfant »…
    event_label: str
    event_date: date
    #: "add", "remove" or "keep"
    action: str
    #: « Léa DUPRÉ (enfant, né(e) le 2 mars 2027) »
    person_label: str
    effective_date: date
    #: « Déclaré dans les 30 jours suivant l'événement… »
    timing_note: str
    rows: tuple[AmountRow, ...]
    before_cents: int
    after_cents: int
    level_label: str
    signed_on: date
    place: str = ""
    brand: Brand = field(default_factory=default_brand)


def _amount(cents: int | None) -> str:
    return "—" if cents is None else euros(cents)


def _story(data: AmendmentData) -> list[Flowable]:
    verb = {"add": "Ajout", "remove": "Retrait", "keep": "Maintien"}[data.action]
    rows = [["Bénéficiaire", "Avant", "À compter du " + short_date(data.effective_date)]]
    rows += [[r.label, _amount(r.before_cents), _amount(r.after_cents)] for r in data.rows]
    rows.append(["Cotisation mensuelle totale", euros(data.before_cents), euros(data.after_cents)])
    return [
        title(TITLE),
        para(f"Contrat : {data.contract_name} — formule {data.level_label}"),
        *identity_block("L'adhérent(e)", data.member, rows=5),
        heading("Le changement déclaré"),
        key_values([
            ("Événement", data.event_label),
            ("Date de l'événement", short_date(data.event_date)),
            (f"{verb} du bénéficiaire", data.person_label),
            ("Date d'effet", short_date(data.effective_date)),
        ]),
        para(data.timing_note),
        heading("Votre cotisation mensuelle"),
        table(rows, widths=column_widths(0.5, 0.22, 0.28)),
        para(
            f"Nouvelle cotisation mensuelle : {euros(data.after_cents)} à compter du "
            f"{short_date(data.effective_date)} (auparavant {euros(data.before_cents)})."
        ),
        para(
            "Le présent avenant modifie les bénéficiaires de votre adhésion ; les autres conditions de votre "
            "contrat sont inchangées. Un justificatif refusé suspend ce seul changement, jamais votre contrat."
        ),
        signature_block(data.place, data.signed_on, "Signature de l'adhérent(e)"),
    ]


def render_amendment(data: AmendmentData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="amendment", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
