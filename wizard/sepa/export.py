"""SEPA direct-debit export for operations: ``flask sepa export --campaign ID --collection-date … --output …``.

One pain.008.001.02 file (ISO 20022, SEPA Core) per campaign and requested collection date. What goes in
is the échéancier: every line of a collectable mandate due on or before the requested date and not yet
exported (``wizard.sepa.mandates``). The export refuses what a bank would refuse, naming the mandates:

* a requested date before the contract's effective date;
* a requested date less than the pre-notification period after the échéancier was sent, or before the
  date the échéancier announced for that month;
* a lapsed (36 months without a collection) or revoked mandate;
* a debtor outside the EEA without BIC (the postal address and the BIC are mandatory there).

Nothing is written when something is refused, unless ``--skip-refused`` (the others are exported and the
refused ones listed). Each exported line records its EndToEndId, amount, date and sequence type in the same
transaction as the file's record: running the same export again exports nothing twice.

Sequence type: every collection, the first one included, is sent as ``RCUR``. The EPC SDD Core rulebook of
November 2016 made ``FRST`` optional (a first collection, or the first after a change of debtor bank, may
be ``RCUR``); ``FRST`` stays accepted by banks but we never need it.

Amendments (« Modifier mon RIB »): the first collection after a change carries ``AmdmntInd=true`` once,
with ``OrgnlDbtrAcct`` (the previous IBAN) when the bank is the same, or ``OrgnlDbtrAgt`` = ``SMNDA`` when the
member changed bank. Amounts are integer cents end to end; the file is validated against the XSD.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue, default_catalogue
from config.formats import euros
from forms.identifiers import validate_ics
from wizard.db import commit_item, db_session
from wizard.models import (
    Campaign,
    CollectionStatus,
    Journey,
    JourneyStatus,
    MandateStatus,
    SepaCollection,
    SepaFile,
    SepaMandate,
    utcnow,
)
from wizard.sepa.mandates import (
    lapse_dormant_mandates,
    mandate_of_journey,
    record_signed_mandate,
    renew_schedules,
    set_status,
    setting,
)
from wizard.sepa.returns import import_returns_command
from wizard.sepa.schedule import period_label
from wizard.subscription import mandate_holder
from wizard.subscription.service import journey_terms, paris_today

SCHEMA = "pain.008.001.02"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
#: since the EPC rulebook of November 2016 a first collection may be sent as RCUR: no FRST bookkeeping
SEQUENCE_TYPE = "RCUR"
#: SEPA countries outside the EEA: the debtor's postal address and BIC are mandatory in the pain.008
NON_EEA_SEPA_COUNTRIES = frozenset({"CH", "GB", "MC", "SM", "VA", "AD", "JE", "GG", "IM", "GI", "PM"})
#: ``OrgnlDbtrAgt`` code of an amendment after a change of debtor bank (same mandate, new debtor agent)
SMNDA = "SMNDA"


class MissingMandate(LookupError):
    """A completed subscription whose signature evidence holds no mandate reference."""


@dataclass(frozen=True)
class Amendment:
    """What changed since the bank last saw the mandate: "account" (same bank) or "agent" (new bank)."""

    kind: str
    original_iban: str = ""


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
    end_to_end_id: str = ""
    #: debtor's postal address lines (sent for debtors outside the EEA) and the country of the account
    address_lines: tuple[str, ...] = ()
    country: str = ""
    amendment: Amendment | None = None
    sequence_type: str = SEQUENCE_TYPE


def is_non_eea(iban: str) -> bool:
    return iban[:2].upper() in NON_EEA_SEPA_COUNTRIES


def sepa_text(value: str) -> str:
    """Letters without accents: the SEPA character set is basic Latin (sepaxml does the same for names)."""
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def address_lines(address: str) -> tuple[str, ...]:
    """At most two 70-character lines (EPC usage rules), split at line breaks and commas."""
    parts = [sepa_text(p.strip()) for chunk in address.splitlines() for p in chunk.split(",") if p.strip()]
    if len(parts) > 2:
        parts = [", ".join(parts[:-1]), parts[-1]]
    return tuple(p[:70] for p in parts)


def build_pain008(catalogue: Catalogue, collections: Iterable[Collection], collection_date: date) -> bytes:
    """The pain.008.001.02 XML of ``collections``, validated against the XSD (raises if it does not pass)."""
    from sepaxml import SepaDD  # noqa: PLC0415 - imported when first used (worker memory)
    from sepaxml.validation import try_valid_xml  # noqa: PLC0415 - imported when first used (worker memory)

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
    amendments: dict[str, Amendment] = {}
    for index, item in enumerate(collections):
        end_to_end = item.end_to_end_id or f"{item.rum}-{collection_date:%Y%m%d}-{index}"[-35:]
        payment: dict[str, object] = {
            "name": item.debtor_name,
            "IBAN": item.iban,
            "amount": item.amount_cents,
            "type": item.sequence_type,
            "collection_date": collection_date,
            "mandate_id": item.rum,
            "mandate_date": item.mandate_signed_on,
            "description": item.description[:140],
            "endtoend_id": end_to_end,
        }
        if item.bic:
            payment["BIC"] = item.bic
        if item.address_lines or item.country:
            payment["address"] = {"country": item.country, "lines": list(item.address_lines)}
        if item.amendment is not None:
            amendments[end_to_end] = item.amendment
        sepa.add_payment(payment)
    out: bytes = sepa.export(validate=True)
    if amendments:
        out = _with_amendments(out, amendments)
        try_valid_xml(out, SCHEMA)
    return out


def _with_amendments(xml: bytes, amendments: dict[str, Amendment]) -> bytes:
    """Add ``AmdmntInd`` and ``AmdmntInfDtls`` to the transactions named by EndToEndId (our own output)."""
    ElementTree.register_namespace("", NAMESPACE)
    ns = {"p": NAMESPACE}
    root = ElementTree.fromstring(xml)  # noqa: S314 - the XML sepaxml just produced, not outside input
    for tx in root.iterfind(".//p:DrctDbtTxInf", ns):
        amendment = amendments.get(tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns) or "")
        related = tx.find("p:DrctDbtTx/p:MndtRltdInf", ns)
        if amendment is None or related is None:
            continue
        ElementTree.SubElement(related, f"{{{NAMESPACE}}}AmdmntInd").text = "true"
        details = ElementTree.SubElement(related, f"{{{NAMESPACE}}}AmdmntInfDtls")
        if amendment.kind == "agent":
            agent = ElementTree.SubElement(details, f"{{{NAMESPACE}}}OrgnlDbtrAgt")
            other = ElementTree.SubElement(
                ElementTree.SubElement(agent, f"{{{NAMESPACE}}}FinInstnId"), f"{{{NAMESPACE}}}Othr"
            )
            ElementTree.SubElement(other, f"{{{NAMESPACE}}}Id").text = SMNDA
        else:
            account = ElementTree.SubElement(details, f"{{{NAMESPACE}}}OrgnlDbtrAcct")
            ElementTree.SubElement(
                ElementTree.SubElement(account, f"{{{NAMESPACE}}}Id"), f"{{{NAMESPACE}}}IBAN"
            ).text = amendment.original_iban
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + body


def message_id_of(xml: bytes) -> str:
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own output
    return root.findtext(".//{*}GrpHdr/{*}MsgId") or ""


# --- what a campaign's export holds ------------------------------------------------------------------------


@dataclass
class ExportPlan:
    """The collections of one export, with what is refused (RUM → reason) and what was already exported."""

    collection_date: date
    lines: list[tuple[SepaCollection, Collection]] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    already_exported: int = 0

    @property
    def total_cents(self) -> int:
        return sum(c.amount_cents for _, c in self.lines)


def campaign_mandates(session: Session, campaign_id: int | None) -> list[SepaMandate]:
    """The campaign's mandates (every mandate for None); a subscription signed before mandates were
    recorded gets its record now."""
    query = select(Journey).where(
        Journey.flow_id == "subscription",
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    if campaign_id is not None:
        query = query.where(Journey.campaign_id == campaign_id)
    for journey in session.scalars(query.order_by(Journey.id)):
        if mandate_of_journey(session, journey) is None and record_signed_mandate(session, journey) is None:
            if not mandate_holder.debit_allowed(session, journey):
                continue  # the account holder has not signed the mandate yet: nothing is debited before
            terms = journey_terms(journey)
            if terms is not None and terms.monthly_cents > 0:
                # never debit without the mandate the member signed: operations must look at this journey
                raise MissingMandate(f"Aucun mandat signé (RUM) enregistré pour la souscription {journey.public_id}.")
    found = select(SepaMandate).order_by(SepaMandate.id)
    if campaign_id is not None:
        found = found.where(SepaMandate.campaign_id == campaign_id)
    return list(session.scalars(found))


def _refusal(  # noqa: PLR0911 - one return per rule a bank applies, in the order they are checked
    mandate: SepaMandate, first: SepaCollection | None, requested: date, notice_days: int
) -> str | None:
    if mandate.status == MandateStatus.LAPSED:
        return "mandat expiré (aucun prélèvement depuis 36 mois) : un nouveau mandat signé est nécessaire"
    if mandate.status == MandateStatus.REVOKED:
        return "mandat révoqué"
    if requested < mandate.effective_date:
        return f"date demandée antérieure à la date d'effet du contrat ({mandate.effective_date:%d/%m/%Y})"
    if first is None:
        return None
    allowed = first.notified_on + timedelta(days=notice_days)
    if requested < allowed:
        return (
            f"date demandée moins de {notice_days} jours après l'envoi de l'échéancier "
            f"(envoyé le {first.notified_on:%d/%m/%Y}, prélèvement possible à partir du {allowed:%d/%m/%Y})"
        )
    if requested < first.due_date and (requested.year, requested.month) == (first.due_date.year, first.due_date.month):
        return f"date demandée antérieure à la date annoncée dans l'échéancier ({first.due_date:%d/%m/%Y})"
    return None


def _amendment(mandate: SepaMandate) -> Amendment | None:
    current = mandate.current
    if current.amendment is None or current.amendment_sent_in is not None or len(mandate.versions) < 2:
        return None
    previous = mandate.versions[-2].details
    return Amendment(current.amendment, previous["iban"] if current.amendment == "account" else "")


def _collection(mandate: SepaMandate, line: SepaCollection, end_to_end: str, amendment: Amendment | None) -> Collection:
    details = mandate.current.details
    iban, bic = details["iban"], details.get("bic", "")
    outside = is_non_eea(iban)
    return Collection(
        debtor_name=details["holder"], iban=iban, bic=bic, amount_cents=line.amount_cents, rum=mandate.rum,
        mandate_signed_on=mandate.signed_on,
        description=f"{period_label(line.period_start, line.period_end)} - {mandate.contract_name}",
        end_to_end_id=end_to_end, address_lines=address_lines(details.get("address", "")) if outside else (),
        country=iban[:2].upper() if outside else "", amendment=amendment,
    )  # fmt: skip


def end_to_end_id(line: SepaCollection, requested: date) -> str:
    """Unique per échéancier line (its id), dated: at most 35 characters."""
    return f"CTS{line.id:010d}-{requested:%Y%m%d}"


def plan_export(session: Session, campaign_id: int | None, requested: date) -> ExportPlan:
    notice_days = setting("SEPA_PRENOTIFICATION_DAYS")
    plan = ExportPlan(requested)
    for mandate in campaign_mandates(session, campaign_id):
        query = select(SepaCollection).where(SepaCollection.mandate_id == mandate.id)
        lines = list(session.scalars(query.order_by(SepaCollection.due_date, SepaCollection.id)))
        plan.already_exported += sum(1 for line in lines if line.collected_on == requested)
        pending = [line for line in lines if line.status == CollectionStatus.SCHEDULED]
        due = [line for line in pending if line.due_date <= requested]
        if not pending or (not mandate.collectable and not due):
            continue
        reason = _refusal(mandate, pending[0], requested, notice_days)
        if reason is None and due and is_non_eea(mandate.current.details["iban"]):
            reason = _non_eea_problem(mandate.current.details)
        if reason is not None:
            plan.refused[mandate.rum] = reason
            continue
        amendment = _amendment(mandate)
        for line in due:
            plan.lines.append((line, _collection(mandate, line, end_to_end_id(line, requested), amendment)))
            amendment = None  # sent once, with the first collection of the file
    return plan


def _non_eea_problem(details: dict[str, str]) -> str | None:
    if not details.get("bic"):
        return "compte hors de l'Espace économique européen sans BIC (obligatoire avec l'adresse postale)"
    if not details.get("address"):
        return "compte hors de l'Espace économique européen sans adresse postale (obligatoire)"
    return None


@dataclass(frozen=True)
class ExportResult:
    count: int
    total_cents: int
    refused: dict[str, str]
    file: SepaFile | None
    #: collections already exported earlier for the same requested date (a re-run exports nothing twice)
    already_exported: int = 0


def export_campaign(
    session: Session, campaign_id: int | None, requested: date, output: Path, *, skip_refused: bool = False
) -> ExportResult:
    """Write the pain.008 of the campaign's due collections and record them (the caller commits). Raises
    :class:`ExportRefused` when a mandate is refused (nothing written) unless ``skip_refused``."""
    for mandate in lapse_dormant_mandates(session):
        click.echo(f"Mandat {mandate.rum} expiré (36 mois sans prélèvement) : le membre est prévenu.")
    for mandate in renew_schedules(session):
        click.echo(f"Mandat {mandate.rum} : échéancier de l'année à venir envoyé.")
    plan = plan_export(session, campaign_id, requested)
    if plan.refused and not skip_refused:
        session.flush()  # lapses and backfilled mandates are kept (the command commits them); nothing is exported
        raise ExportRefused(plan.refused)
    if not plan.lines:
        session.flush()
        return ExportResult(0, 0, plan.refused, None, plan.already_exported)
    xml = build_pain008(default_catalogue(), [c for _, c in plan.lines], requested)
    record = SepaFile(
        direction="export", schema=SCHEMA, message_id=message_id_of(xml), sha256=hashlib.sha256(xml).hexdigest(),
        filename=output.name, collection_date=requested, transactions=len(plan.lines), total_cents=plan.total_cents,
    )  # fmt: skip
    session.add(record)
    session.flush()
    now = utcnow()
    for line, collection in plan.lines:
        line.status, line.end_to_end_id, line.sequence_type = (
            CollectionStatus.EXPORTED,
            collection.end_to_end_id,
            SEQUENCE_TYPE,
        )
        line.collected_on, line.exported_at, line.export_file_id = requested, now, record.id
        line.mandate_version = line.mandate.current.version
        if collection.amendment is not None:
            line.mandate.current.amendment_sent_in = collection.end_to_end_id
    session.flush()
    output.write_bytes(xml)
    return ExportResult(len(plan.lines), plan.total_cents, plan.refused, record)


class ExportRefused(Exception):
    def __init__(self, refused: dict[str, str]) -> None:
        super().__init__(refused)
        self.refused = refused

    def message(self) -> str:
        lines = [f"Export refusé : {len(self.refused)} mandat(s) ne peuvent pas être prélevés à cette date."]
        lines += [f"  - {rum} : {reason}" for rum, reason in sorted(self.refused.items())]
        lines.append(
            "Rien n'a été exporté. Corrigez la date, ou relancez avec --skip-refused pour exporter les autres."
        )
        return "\n".join(lines)


def revoke(session: Session, rum: str) -> SepaMandate | None:
    mandate = session.scalar(select(SepaMandate).where(SepaMandate.rum == rum))
    if mandate is None:
        return None
    set_status(mandate, MandateStatus.REVOKED)
    for line in mandate_lines(session, mandate):  # the operator ends it: what is not exported never will be
        if line.status == CollectionStatus.SCHEDULED:
            line.status = CollectionStatus.CANCELLED
    return mandate


def mandate_lines(session: Session, mandate: SepaMandate) -> list[SepaCollection]:
    return list(session.scalars(select(SepaCollection).where(SepaCollection.mandate_id == mandate.id)))


# --- commands -------------------------------------------------------------------------------------------------


@click.group("sepa", cls=AppGroup, help="Prélèvements SEPA (export pain.008, retours de la banque).")
def cli_group() -> None:
    """SEPA commands."""


@cli_group.command("export", help="Exporter les prélèvements échus (pain.008.001.02), d'une campagne ou de tous.")
@click.option("--campaign", "campaign_id", type=int, help="Identifiant de la campagne (par défaut : tous les mandats).")
@click.option("--collection-date", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--skip-refused", is_flag=True, help="Exporter les autres mandats quand certains sont refusés.")
def export(campaign_id: int | None, collection_date: datetime, output: Path, skip_refused: bool) -> None:
    session = db_session()
    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"Campagne {campaign_id} introuvable.")
    requested = collection_date.date()
    if requested < paris_today():
        raise click.ClickException(f"La date de prélèvement {requested:%d/%m/%Y} est déjà passée.")
    try:
        result = export_campaign(session, campaign_id, requested, output, skip_refused=skip_refused)
    except MissingMandate as error:
        session.rollback()
        raise click.ClickException(str(error)) from error
    except ExportRefused as refused:
        commit_item(session)  # the lapses and backfilled mandates of this run are kept; nothing was exported
        raise click.ClickException(refused.message()) from refused
    for rum, reason in sorted(result.refused.items()):
        click.echo(f"Non exporté — {rum} : {reason}")
    if result.file is None:
        commit_item(session)  # the lapses and renewals of this run are kept
        done = f" ({result.already_exported} déjà exporté(s) pour cette date)" if result.already_exported else ""
        raise click.ClickException(
            f"Aucun prélèvement à exporter à cette date{done} : rien n'est échu, ou tout a déjà été exporté "
            "(un prélèvement n'est jamais exporté deux fois)."
        )
    click.echo(
        f"{result.count} prélèvement(s), total {euros(result.total_cents)}, écrit dans {output} "
        f"(message {result.file.message_id})."
    )


@cli_group.command("lapse", help="Marquer expirés les mandats sans prélèvement depuis 36 mois (et prévenir).")
def lapse() -> None:
    session = db_session()
    lapsed = lapse_dormant_mandates(session)
    for mandate in lapsed:
        click.echo(f"Mandat {mandate.rum} expiré : le membre est prévenu.")
    click.echo(f"{len(lapsed)} mandat(s) expiré(s).")


@cli_group.command(
    "renew-schedules", help="Envoyer l'échéancier de l'année à venir aux mandats dont l'échéancier finit."
)
def renew() -> None:
    session = db_session()
    renewed = renew_schedules(session)
    click.echo(f"{len(renewed)} échéancier(s) de l'année à venir envoyé(s).")


@cli_group.command("revoke", help="Révoquer un mandat (fin de contrat, demande du membre) : plus aucun prélèvement.")
@click.argument("rum")
def revoke_command(rum: str) -> None:
    session = db_session()
    mandate = revoke(session, rum)
    if mandate is None:
        raise click.ClickException(f"Mandat {rum} introuvable.")
    click.echo(f"Mandat {rum} révoqué : il ne sera plus prélevé.")


cli_group.add_command(import_returns_command)
