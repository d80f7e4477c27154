"""Bulletin d'adhésion: who joins, with whom, at which level, for how much, and what they consented to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, KeepTogether

from config.catalogue import Brand
from config.formats import euros, long_date, short_date
from signing.documents.layout import (
    AmountLine,
    Consent,
    Contact,
    DocumentInfo,
    Identity,
    column_widths,
    contact_rows,
    default_brand,
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

TEMPLATE_VERSION = "2026.2"
TITLE = "Bulletin d'adhésion"


@dataclass(frozen=True)
class ChildSituation:
    """A child covered past 21: why (student, apprentice, job seeker, disability) and the proof to send."""

    name: str
    age: int
    situation: str
    proof: str


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
    brand: Brand = field(default_factory=default_brand)
    #: « Conjoint(e) marié(e)… », « Partenaire de PACS », « Concubin(e) »: the partner's link to the member
    partner_link: str = ""
    #: children covered past 21 because of their situation, each with the proof the member must send
    child_situations: tuple[ChildSituation, ...] = ()

    @property
    def total_cents(self) -> int:
        return sum(line.monthly_cents for line in self.amounts)


def _household(data: BulletinData) -> list[Flowable]:
    if data.partner is None and not data.children:
        return [heading("Ayants droit"), para("Aucun ayant droit couvert.")]
    story: list[Flowable] = [heading("Ayants droit")]
    if data.partner is not None:
        partner_rows = [("Lien avec l'adhérent(e)", or_dash(data.partner_link)), *identity_rows(data.partner)]
        story += [para("Conjoint, partenaire de PACS ou concubin"), key_values(partner_rows)]
    if data.children:
        rows = [["Enfant", "Date de naissance", "Lieu de naissance", "N° de Sécurité sociale"]]
        rows += [
            [f"{c.first_name} {c.last_name}", short_date(c.birth_date), or_dash(c.birth_place), or_dash(c.nir)]
            for c in data.children
        ]
        story.append(table(rows))
    story += _situations(data)
    return story


def _situations(data: BulletinData) -> list[Flowable]:
    """Children of 21 or more: their situation, the member's certification and the proof to send."""
    if not data.child_situations:
        return []
    rows = [["Enfant de 21 ans ou plus", "Situation", "Justificatif à nous envoyer"]]
    rows += [[f"{c.name} ({c.age} ans)", c.situation, c.proof] for c in data.child_situations]
    return [
        heading("Enfants couverts au-delà de 21 ans"),
        table(rows, widths=column_widths(0.3, 0.25, 0.45)),
        para(
            "Je certifie sur l'honneur l'exactitude de la situation déclarée pour chacun de ces enfants à la date "
            "d'effet de mon adhésion. Je m'engage à envoyer le justificatif indiqué dans les 30 jours, puis chaque "
            f"année, à {data.brand.name} ({data.brand.email} ou {data.brand.postal_address}), et à signaler tout "
            "changement de situation : sans justificatif, la couverture de l'enfant prend fin à ses 21 ans."
        ),
    ]


def _amounts(data: BulletinData) -> list[Flowable]:
    rows = [["Personne couverte", "Cotisation mensuelle"]]
    rows += [[line.label, euros(line.monthly_cents)] for line in data.amounts]
    rows.append(["Total mensuel", euros(data.total_cents)])
    return [
        KeepTogether(  # the contribution table stays on one page when it fits
            [
                heading("Formule et cotisations"),
                key_values([("Contrat", data.contract_name), ("Formule choisie", data.level_label)]),
                table(rows, bold_last=True),
            ]
        ),
        para(data.employer_note),
        para(f"Date d'effet de l'adhésion : {long_date(data.effective_date)}."),
    ]


def _consents(data: BulletinData) -> list[Flowable]:
    if not data.consents:
        return []
    rows = [["Consentement", "Réponse"]] + [[c.text, yes_no(c.accepted)] for c in data.consents]
    return [heading("Consentements"), table(rows, widths=column_widths(0.84, 0.16))]


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
