"""« Mandat de prélèvement SEPA » (SEPA Core, recurrent) with every item the rulebook requires.

Mandatory content (docs/DOMAIN.md): title, RUM, creditor name/address/ICS, debtor name/first name/address, full
IBAN (BIC optional), « Paiement récurrent », place and date of signature, signature, and the standard wording
on authorisations (A)/(B) and refund periods (8 weeks authorised, 13 months unauthorised).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from config.catalogue import Brand, Creditor, default_catalogue
from signing.documents.layout import (
    DocumentInfo,
    default_brand,
    group_iban,
    heading,
    key_values,
    or_dash,
    para,
    render_document,
    signature_block,
    title,
)

TEMPLATE_VERSION = "2026.2"
TITLE = "Mandat de prélèvement SEPA"
PAYMENT_TYPE = "Paiement récurrent"


def _default_creditor() -> Creditor:
    return default_catalogue().brand.creditor


@dataclass(frozen=True)
class MandateData:
    rum: str
    debtor_last_name: str
    debtor_first_name: str
    debtor_address: str
    iban: str
    place: str
    signed_on: date
    bic: str = ""
    creditor: Creditor = field(default_factory=_default_creditor)
    brand: Brand = field(default_factory=default_brand)
    #: who signs: the debtor, i.e. the account holder (the member, or the holder they named)
    signer_caption: str = "Signature du débiteur"


def authorisation_text(creditor_name: str) -> str:
    """The standard SEPA Core rulebook wording, in French."""
    return (
        f"En signant ce formulaire de mandat, vous autorisez (A) {creditor_name} à envoyer des instructions "
        "à votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément "
        f"aux instructions de {creditor_name}. Vous bénéficiez du droit d'être remboursé par votre banque "
        "selon les conditions décrites dans la convention que vous avez passée avec elle. Une demande de "
        "remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte "
        "pour un prélèvement autorisé, et au plus tard dans les 13 mois en cas de prélèvement non autorisé. "
        "Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir "
        "auprès de votre banque."
    )


def _creditor(creditor: Creditor) -> list[Flowable]:
    rows = [
        ("Nom du créancier", creditor.name),
        ("Adresse", creditor.address),
        ("Identifiant créancier SEPA (ICS)", creditor.ics),
    ]
    return [heading("Créancier"), key_values(rows)]


def _debtor(data: MandateData) -> list[Flowable]:
    rows = [
        ("Nom", data.debtor_last_name),
        ("Prénom", data.debtor_first_name),
        ("Adresse", data.debtor_address),
        ("IBAN", group_iban(data.iban)),
        ("BIC", or_dash(data.bic)),
    ]
    return [heading("Débiteur"), key_values(rows)]


def _story(data: MandateData) -> list[Flowable]:
    return [
        title(TITLE),
        key_values([("Référence unique du mandat (RUM)", data.rum), ("Type de paiement", PAYMENT_TYPE)]),
        para(authorisation_text(data.creditor.name)),
        *_creditor(data.creditor),
        *_debtor(data),
        para(
            "Vous serez informé(e) du montant et de la date de chaque prélèvement au moins 14 jours avant "
            "celui-ci (un échéancier annuel peut en tenir lieu)."
        ),
        signature_block(data.place, data.signed_on, data.signer_caption),
    ]


def render_mandate(data: MandateData, *, specimen: bool = False) -> bytes:
    info = DocumentInfo(title=TITLE, kind="mandat", template_version=TEMPLATE_VERSION)
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
