"""SEPA direct-debit export for operations: ``flask sepa export --campaign ID --collection-date … --output …``.

One pain.008.001.02 file (ISO 20022, SEPA Core) per campaign and collection date, with one transaction per
signed mandate (a completed subscription). Amounts are integer euro cents end to end (``sepaxml`` takes
cents), and the file is validated against the XSD ``sepaxml`` ships before it is written. The RUM is the one
the member signed, read from the signature evidence (never recomputed); a subscription whose contribution is zero is not
debited (JOURNEYS §2: « il n'y aura pas de prélèvement »).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from sepaxml import SepaDD
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue, default_catalogue
from config.formats import euros
from forms.identifiers import validate_ics
from wizard.db import db_session
from wizard.journeys import steps
from wizard.models import Campaign, Journey, JourneyStatus, SignatureRequest, SignatureStatus
from wizard.subscription.service import PARIS, journey_terms

SCHEMA = "pain.008.001.02"
#: since the EPC rulebook of November 2016 a first collection may be sent as RCUR: no FRST bookkeeping
SEQUENCE_TYPE = "RCUR"


class MissingMandate(LookupError):
    """A completed subscription whose signature evidence holds no mandate reference."""


@dataclass(frozen=True)
class Collection:
    """One debit of one signed mandate."""

    debtor_name: str
    iban: str
    bic: str
    amount_cents: int
    rum: str
    mandate_signed_on: date
    description: str


def build_pain008(catalogue: Catalogue, collections: Iterable[Collection], collection_date: date) -> bytes:
    """The pain.008.001.02 XML of ``collections``, validated against the XSD (raises if it does not pass)."""
    creditor = catalogue.brand.creditor
    sepa = SepaDD(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": validate_ics(creditor.ics),
            "currency": "EUR",
        },
        schema=SCHEMA,
    )
    for item in collections:
        payment = {
            "name": item.debtor_name,
            "IBAN": item.iban,
            "amount": item.amount_cents,
            "type": SEQUENCE_TYPE,
            "collection_date": collection_date,
            "mandate_id": item.rum,
            "mandate_date": item.mandate_signed_on,
            "description": item.description,
            "endtoend_id": f"{item.rum}-{collection_date:%Y%m%d}",
        }
        if item.bic:
            payment["BIC"] = item.bic
        sepa.add_payment(payment)
    out: bytes = sepa.export(validate=True)
    return out


def signed_mandate(session: Session, journey: Journey) -> SignatureRequest | None:
    query = select(SignatureRequest).where(
        SignatureRequest.journey_id == journey.id, SignatureRequest.status == SignatureStatus.COMPLETED
    )
    return session.scalar(query.order_by(SignatureRequest.id.desc()).limit(1))


def signed_rum(request: SignatureRequest | None) -> str | None:
    """The RUM recorded in the evidence for the mandate the member signed."""
    entries = (request.evidence or {}).get("documents", []) if request is not None else []
    return next((e["rum"] for e in entries if e.get("kind") == "mandate" and e.get("rum")), None)


def collection_of(session: Session, journey: Journey, catalogue: Catalogue) -> Collection | None:
    """The debit for one completed subscription, or None when its contribution is zero."""
    signed_at = journey.completed_at
    terms = journey_terms(journey, signed_at.astimezone(PARIS).date()) if signed_at else None
    if signed_at is None or terms is None or terms.monthly_cents <= 0:
        return None
    answers = steps.effective_answers(journey)
    bank, personal = answers.get("bank", {}), answers.get("personal", {})
    request = signed_mandate(session, journey)
    rum = signed_rum(request)
    if request is None or rum is None:
        # never debit without the mandate the member signed: operations must look at this journey
        raise MissingMandate(f"Aucun mandat signé (RUM) enregistré pour la souscription {journey.public_id}.")
    signed_on = (request.signed_at or signed_at).astimezone(PARIS).date()
    return Collection(
        debtor_name=bank.get("account_holder") or f"{personal.get('first_name', '')} {personal.get('usage_name', '')}",
        iban=bank["iban"],
        bic=bank.get("bic", ""),
        amount_cents=terms.monthly_cents,
        rum=rum,
        mandate_signed_on=signed_on,
        description=f"Cotisation {catalogue.contract_name}"[:140],
    )


def campaign_collections(session: Session, campaign_id: int, catalogue: Catalogue) -> list[Collection]:
    query = select(Journey).where(
        Journey.campaign_id == campaign_id,
        Journey.flow_id == "subscription",
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    found = (collection_of(session, j, catalogue) for j in session.scalars(query.order_by(Journey.id)))
    return [c for c in found if c is not None]


@click.group("sepa", cls=AppGroup, help="Prélèvements SEPA (export pain.008 pour la banque).")
def cli_group() -> None:
    """SEPA commands."""


@cli_group.command("export", help="Exporter les prélèvements des mandats signés d'une campagne (pain.008.001.02).")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Identifiant de la campagne.")
@click.option("--collection-date", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(campaign_id: int, collection_date: datetime, output: Path) -> None:
    session = db_session()
    if session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"Campagne {campaign_id} introuvable.")
    catalogue = default_catalogue()
    try:
        collections = campaign_collections(session, campaign_id, catalogue)
    except MissingMandate as error:
        raise click.ClickException(str(error)) from error
    if not collections:
        raise click.ClickException("Aucun mandat signé à prélever pour cette campagne.")
    output.write_bytes(build_pain008(catalogue, collections, collection_date.date()))
    total = euros(sum(c.amount_cents for c in collections))
    click.echo(f"{len(collections)} prélèvement(s), total {total}, écrit dans {output}.")
