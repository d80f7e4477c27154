"""Attestation sur l'honneur de dispense d'adhésion (décret 2022-633, art. 3).

Every configured reason is listed, the chosen one ticked (« [X] », the others « [ ] »), so the signed page
shows what the agent could have chosen. The signed attestation is the only accepted proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from config.catalogue import Brand, DispenseReason
from config.formats import long_date
from signing.documents.layout import (
    Contact,
    DocumentInfo,
    Identity,
    checkbox,
    contact_rows,
    default_brand,
    heading,
    identity_rows,
    key_values,
    or_dash,
    para,
    render_document,
    signature_block,
    title,
)

TEMPLATE_VERSION = "2026.2"
TITLE = "Attestation sur l'honneur de dispense d'adhésion"
HONOUR_TEXT = (
    "Je certifie sur l'honneur l'exactitude des renseignements ci-dessus. Je reconnais que la présente "
    "attestation sur l'honneur, datée et signée, est le seul justificatif accepté pour ma dispense "
    "d'adhésion au contrat collectif."
)
RENOUNCE_TEXT = (
    "J'ai été informé(e) qu'en demandant cette dispense je renonce à la couverture collective obligatoire et "
    "à la participation de mon employeur à son financement, et que je peux renoncer à tout moment à cette "
    "dispense pour adhérer au contrat."
)


@dataclass(frozen=True)
class DispenseData:
    contract_name: str
    agent: Identity
    contact: Contact
    #: every reason offered, in catalogue order
    reasons: tuple[DispenseReason, ...]
    chosen_reason: str
    place: str
    signed_on: date
    end_date: date | None = None
    other_insurer: str = ""
    brand: Brand = field(default_factory=default_brand)

    def __post_init__(self) -> None:
        if all(reason.code != self.chosen_reason for reason in self.reasons):
            raise ValueError(f"unknown dispense reason {self.chosen_reason!r}")


def _reasons(data: DispenseData) -> list[Flowable]:
    lines = [para(f"{checkbox(r.code == data.chosen_reason)} {r.label}") for r in data.reasons]
    details = [("Fin de la dispense", long_date(data.end_date) if data.end_date else "—")]
    if data.other_insurer:
        details.append(("Organisme assureur de l'autre contrat", data.other_insurer))
    return [heading("Motif de ma dispense"), *lines, key_values(details)]


def _filled(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Only what the dispense journey asked: no row printed empty (« — ») for a question never put."""
    return [(label, value) for label, value in rows if value != or_dash("")]


def _story(data: DispenseData) -> list[Flowable]:
    return [
        title(TITLE),
        para(f"Contrat : {data.contract_name}"),
        heading("L'agent"),
        key_values(_filled(identity_rows(data.agent))),
        heading("Coordonnées"),
        key_values(_filled(contact_rows(data.contact))),
        para(
            f"Je soussigné(e) {data.agent.full_name} demande à être dispensé(e) d'adhésion au contrat "
            "collectif pour le motif suivant :"
        ),
        *_reasons(data),
        para(RENOUNCE_TEXT),
        para(HONOUR_TEXT),
        signature_block(data.place, data.signed_on, "Signature de l'agent"),
    ]


def render_dispense(data: DispenseData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="dispense", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
