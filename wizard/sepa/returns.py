"""The bank's answers to a pain.008: ``flask sepa import-returns FILE``.

* pain.002.001.03 (customer payment status report): rejects before settlement — a transaction with
  ``TxSts`` = ``RJCT``, or a whole original message rejected (``GrpSts`` = ``RJCT``);
* camt.054.001.02 (debit notification): returns after settlement — entries whose ``RtrInf`` gives the reason.

The file is read all or nothing: not XML, another format, not valid against its ISO 20022 XSD, already
imported (same hash or message id), or naming an EndToEndId we never exported — nothing changes and the
command says why. Otherwise each collection is marked rejected or returned with its reason code; for a
reason meaning the account itself cannot be debited (AC04 closed, AC06 blocked, MD01 no mandate…) the
member is emailed and the dashboard asks them to update their RIB, with a link to « Modifier mon RIB ».
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.db import db_session
from wizard.entry.tokens import public_url
from wizard.mail.queue import queue_email
from wizard.models import CollectionStatus, SepaCollection, SepaFile, utcnow
from wizard.sepa.iso20022 import CAMT_054, PAIN_002, xsd_path
from wizard.sepa.mandates import RIB_REASONS, reason_text

if TYPE_CHECKING:
    from lxml import etree

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
SUPPORTED = {PAIN_002: "rejets (pain.002)", CAMT_054: "retours (camt.054)"}


class ReturnsFileError(Exception):
    """The file cannot be applied; the message says why, in French. Nothing was changed."""


@dataclass(frozen=True)
class BankReturn:
    end_to_end_id: str
    reason: str


@dataclass
class ParsedFile:
    schema: str
    message_id: str
    returns: list[BankReturn] = field(default_factory=list)
    #: message ids of our exports rejected as a whole (pain.002 group status RJCT), with the reason
    rejected_messages: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    schema: str
    message_id: str
    marked: int
    members_told: int


@cache
def _parser() -> etree.XMLParser:
    """lxml's parser without entities, network or DTD (lxml and xmlschema are imported here, not by a worker)."""
    from lxml import etree  # noqa: PLC0415 - imported when first used (worker memory)

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(content: bytes) -> ParsedFile:
    import xmlschema  # noqa: PLC0415 - imported when first used (worker memory)
    from lxml import etree  # noqa: PLC0415 - imported when first used (worker memory)

    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise ReturnsFileError(f"Fichier illisible : ce n'est pas un fichier XML valide ({error.msg}).") from error
    namespace = etree.QName(root).namespace or ""
    schema = namespace.removeprefix(NAMESPACE_PREFIX)
    if schema not in SUPPORTED:
        expected = ", ".join(f"{name} ({label})" for name, label in SUPPORTED.items())
        found = schema if namespace.startswith(NAMESPACE_PREFIX) else (namespace or etree.QName(root).localname)
        raise ReturnsFileError(f"Format non pris en charge : {found}. Formats attendus : {expected}.")
    validator = xmlschema.XMLSchema(str(xsd_path(schema)))
    errors = list(validator.iter_errors(content.decode("utf-8", errors="replace")))
    if errors:
        raise ReturnsFileError(f"Fichier non conforme au schéma ISO 20022 {schema} : {errors[0].reason}")
    ns = {"p": namespace}
    message_id = root.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) or ""
    parsed = ParsedFile(schema, message_id)
    if schema == PAIN_002:
        _read_pain002(root, ns, parsed)
    else:
        _read_camt054(root, ns, parsed)
    return parsed


def _read_pain002(root: etree._Element, ns: dict[str, str], parsed: ParsedFile) -> None:
    group = root.find(".//p:OrgnlGrpInfAndSts", ns)
    if group is not None and group.findtext("p:GrpSts", namespaces=ns) == "RJCT":
        reason = group.findtext("p:StsRsnInf/p:Rsn/p:Cd", namespaces=ns) or "NARR"
        parsed.rejected_messages[group.findtext("p:OrgnlMsgId", namespaces=ns) or ""] = reason
    for tx in root.iterfind(".//p:TxInfAndSts", ns):
        status = tx.findtext("p:TxSts", namespaces=ns)
        if status != "RJCT":
            continue
        reason = tx.findtext("p:StsRsnInf/p:Rsn/p:Cd", namespaces=ns) or "NARR"
        parsed.returns.append(BankReturn(tx.findtext("p:OrgnlEndToEndId", namespaces=ns) or "", reason))


def _read_camt054(root: etree._Element, ns: dict[str, str], parsed: ParsedFile) -> None:
    for details in root.iterfind(".//p:Ntry/p:NtryDtls/p:TxDtls", ns):
        reason = details.findtext("p:RtrInf/p:Rsn/p:Cd", namespaces=ns)
        if reason is None:
            continue  # a booked entry that is not a return (the notification may list settled debits too)
        parsed.returns.append(BankReturn(details.findtext("p:Refs/p:EndToEndId", namespaces=ns) or "", reason))


def import_returns(session: Session, content: bytes, filename: str) -> ImportResult:
    """Apply a pain.002 or camt.054 file (the caller commits), or raise :class:`ReturnsFileError` changing nothing."""
    parsed = parse(content)
    digest = hashlib.sha256(content).hexdigest()
    seen = session.scalar(
        select(SepaFile).where(
            (SepaFile.sha256 == digest)
            | ((SepaFile.direction == "import") & (SepaFile.message_id == parsed.message_id))
        )
    )
    if seen is not None:
        raise ReturnsFileError(
            f"Fichier déjà importé le {seen.created_at:%d/%m/%Y à %H:%M} UTC (message {seen.message_id}, "
            f"{seen.filename}) : rien n'a été modifié."
        )
    targets = _targets(session, parsed)
    record = SepaFile(
        direction="import", schema=parsed.schema, message_id=parsed.message_id or digest[:35], sha256=digest,
        filename=filename[:300], transactions=len(targets), total_cents=sum(line.amount_cents for line, _ in targets),
    )  # fmt: skip
    session.add(record)
    session.flush()
    status = CollectionStatus.REJECTED if parsed.schema == PAIN_002 else CollectionStatus.RETURNED
    told = 0
    now = utcnow()
    for line, reason in targets:
        line.status, line.reason_code, line.returned_at, line.return_file_id = status, reason, now, record.id
        if reason in RIB_REASONS and line.mandate.collectable:
            line.mandate.rib_problem_code = reason
            told += _tell_member(session, line, reason)
    session.flush()
    return ImportResult(parsed.schema, parsed.message_id, len(targets), told)


def _targets(session: Session, parsed: ParsedFile) -> list[tuple[SepaCollection, str]]:
    """The exported collections the file names, or :class:`ReturnsFileError` listing what is wrong."""
    targets: list[tuple[SepaCollection, str]] = []
    for message_id, reason in parsed.rejected_messages.items():
        export = session.scalar(
            select(SepaFile).where(SepaFile.direction == "export", SepaFile.message_id == message_id)
        )
        if export is None:
            raise ReturnsFileError(f"Message d'origine inconnu : {message_id}. Rien n'a été modifié.")
        lines = session.scalars(select(SepaCollection).where(SepaCollection.export_file_id == export.id))
        targets += [(line, reason) for line in lines]
    ids = [item.end_to_end_id for item in parsed.returns]
    found = {
        line.end_to_end_id: line
        for line in session.scalars(select(SepaCollection).where(SepaCollection.end_to_end_id.in_(ids)))
    } if ids else {}  # fmt: skip
    unknown = sorted({i for i in ids if i not in found})
    if unknown:
        raise ReturnsFileError(
            f"EndToEndId inconnu(s) : {', '.join(unknown)} — aucun prélèvement exporté ne porte cette référence. "
            "Rien n'a été modifié."
        )
    targets += [(found[item.end_to_end_id], item.reason) for item in parsed.returns]
    done = sorted({line.end_to_end_id or "" for line, _ in targets if line.status != CollectionStatus.EXPORTED})
    if done:
        raise ReturnsFileError(
            f"Prélèvement(s) déjà marqué(s) rejeté(s) ou retourné(s) : {', '.join(done)}. Rien n'a été modifié."
        )
    if not targets:
        raise ReturnsFileError("Le fichier ne contient aucun rejet ni retour : rien à enregistrer.")
    return targets


def _tell_member(session: Session, line: SepaCollection, reason: str) -> int:
    mandate = line.mandate
    owner = mandate.owner
    queued = queue_email(
        session, to=owner.email, subject="Prélèvement refusé : mettez à jour votre RIB", template="sepa_rib_problem",
        context={
            "first_name": owner.first_name, "amount_cents": line.amount_cents, "due_date": line.collected_on,
            "reason": reason_text(reason), "code": reason, "contract_name": mandate.contract_name,
            "rib_url": public_url("rib_change.start"),
        },
        user_id=owner.id, dedup_key=f"sepa-rib-problem:{line.id}",
    )  # fmt: skip
    return 1 if queued is not None else 0


@click.command("import-returns", help="Lire un fichier de rejets (pain.002) ou de retours (camt.054) de la banque.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_returns_command(file: Path) -> None:
    session = db_session()
    try:
        result = import_returns(session, file.read_bytes(), file.name)
    except ReturnsFileError as error:
        session.rollback()
        raise click.ClickException(str(error)) from error
    kind = "rejet(s)" if result.schema == PAIN_002 else "retour(s)"
    click.echo(
        f"{result.marked} {kind} enregistré(s) ({result.schema}, message {result.message_id}) ; "
        f"{result.members_told} membre(s) invité(s) à mettre à jour leur RIB."
    )
