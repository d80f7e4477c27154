"""Bulletin d'adhésion: who joins, with whom, at which level, for how much, and what they consented to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from config.catalogue import Brand, default_catalogue
from config.formats import euros, long_date, short_date
from signing.documents.layout import (
    CONTENT_WIDTH,
    AmountLine,
    Consent,
    Contact,
    DocumentInfo,
    Identity,
    contact_rows,
    heading,
    identity_rows,
    key_values,
    or_dash,
    para,
    render_document,
    signature_block,
    table,
    title,
    yes_no,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Bulletin d'adhésion"


def _default_brand() -> Brand:
    return default_catalogue().brand


@dataclass(frozen=True)
class BulletinData:
    contract_name: str
    member: Identity
    contact: Contact
    level_label: str
    #: one line per covered person (the agent first), monthly amounts in cents; the total is their sum
    amounts: tuple[AmountLine, ...]
    employer_note: str
    effective_date: date
    place: str
    signed_on: date
    partner: Identity | None = None
    children: tuple[Identity, ...] = ()
    #: télétransmission, partner offers… each with the exact text shown and the answer
    consents: tuple[Consent, ...] = ()
    regime_label: str = ""
    brand: Brand = field(default_factory=_default_brand)

    @property
    def total_cents(self) -> int:
        return sum(line.monthly_cents for line in self.amounts)


def _household(data: BulletinData) -> list[Flowable]:
    if data.partner is None and not data.children:
        return [heading("Ayants droit"), para("Aucun ayant droit couvert.")]
    story: list[Flowable] = [heading("Ayants droit")]
    if data.partner is not None:
        story += [para("Conjoint, partenaire de PACS ou concubin"), key_values(identity_rows(data.partner))]
    if data.children:
        rows = [["Enfant", "Date de naissance", "Lieu de naissance", "N° de Sécurité sociale"]]
        rows += [
            [f"{c.first_name} {c.last_name}", short_date(c.birth_date), or_dash(c.birth_place), or_dash(c.nir)]
            for c in data.children
        ]
        story.append(table(rows))
    return story


def _amounts(data: BulletinData) -> list[Flowable]:
    rows = [["Personne couverte", "Cotisation mensuelle"]]
    rows += [[line.label, euros(line.monthly_cents)] for line in data.amounts]
    rows.append(["Total mensuel", euros(data.total_cents)])
    return [
        heading("Formule et cotisations"),
        key_values([("Contrat", data.contract_name), ("Formule choisie", data.level_label)]),
        table(rows, bold_last=True),
        para(data.employer_note),
        para(f"Date d'effet de l'adhésion : {long_date(data.effective_date)}."),
    ]


def _consents(data: BulletinData) -> list[Flowable]:
    if not data.consents:
        return []
    rows = [["Consentement", "Réponse"]] + [[c.text, yes_no(c.accepted)] for c in data.consents]
    return [heading("Consentements"), table(rows, widths=[CONTENT_WIDTH * 0.84, CONTENT_WIDTH * 0.16])]


def _story(data: BulletinData) -> list[Flowable]:
    member_rows = identity_rows(data.member)
    if data.regime_label:
        member_rows.append(("Régime", data.regime_label))
    return [
        title(TITLE),
        heading("L'adhérent(e)"),
        key_values(member_rows),
        heading("Coordonnées"),
        key_values(contact_rows(data.contact)),
        *_household(data),
        *_amounts(data),
        *_consents(data),
        para("Je certifie l'exactitude de la présente déclaration."),
        signature_block(data.place, data.signed_on),
    ]


def render_bulletin(data: BulletinData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="bulletin", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
