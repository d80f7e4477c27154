"""Inviting agents: the CSV import (all or nothing, idempotent), the invitation email and its resending.

A file is read whole and every row checked before anything is stored: one bad row and nothing is imported,
HR gets the list of rows to fix with the reason. Re-importing a file (or an updated one) never duplicates an
agent: an address already invited to the campaign is skipped (``uq_invitations_campaign_email``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import Catalogue
from wizard.entry import tokens
from wizard.mail.queue import queue_email
from wizard.models import Campaign, Invitation, utcnow

MAX_ROWS = 20_000
REQUIRED = ("email", "last_name", "first_name", "birth_date", "regime")
OPTIONAL = ("postal_address", "phone")
#: accepted spellings of each column, compared without accents, case or punctuation
HEADER_ALIASES = {
    "email": ("email", "e_mail", "courriel", "email_professionnel", "adresse_e_mail", "adresse_email",
              "adresse_e_mail_professionnelle", "adresse_email_professionnelle", "mail"),
    "last_name": ("nom", "last_name", "nom_de_famille", "nom_d_usage"),
    "first_name": ("prenom", "first_name"),
    "birth_date": ("date_de_naissance", "date_naissance", "birth_date", "naissance"),
    "regime": ("regime", "regime_de_securite_sociale", "regime_social"),
    "postal_address": ("adresse_postale", "adresse", "postal_address"),
    "phone": ("telephone", "tel", "phone", "numero_de_telephone"),
}  # fmt: skip
COLUMN_LABELS = {
    "email": "email", "last_name": "nom", "first_name": "prenom", "birth_date": "date_de_naissance",
    "regime": "regime", "postal_address": "adresse_postale", "phone": "telephone",
}  # fmt: skip
PHONE = re.compile(r"^\+?[0-9 .()-]{6,24}$")


@dataclass(frozen=True)
class AgentRow:
    line: int
    email: str
    last_name: str
    first_name: str
    birth_date: date
    regime: str
    postal_address: str = ""
    phone: str = ""


@dataclass
class ImportReport:
    #: problems with the whole file (encoding, columns), then rows with the reasons they were refused
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, list[str]]] = field(default_factory=list)
    created: int = 0
    already_invited: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors


# --- reading the file ---------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what spreadsheet programs write), else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def normalise_header(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index of each known field, and the problems with the header line."""
    lookup = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    problems = []
    for index, header in enumerate(headers):
        key = lookup.get(normalise_header(header))
        if key is None:
            problems.append(f"Colonne inconnue : « {header.strip()} ».")
        elif key in found:
            problems.append(f"Colonne en double : « {header.strip()} ».")
        else:
            found[key] = index
    missing = [COLUMN_LABELS[key] for key in REQUIRED if key not in found]
    if missing:
        problems.append("Colonnes obligatoires manquantes : " + ", ".join(missing) + ".")
    return found, problems


def read_rows(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return (rows[0] if rows else []), rows[1:]


# --- checking each row -----------------------------------------------------------------------------------------


def parse_date(value: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def regime_code(catalogue: Catalogue, value: str) -> str | None:
    wanted = normalise_header(value)
    for regime in catalogue.regimes:
        if wanted in (normalise_header(regime.code), normalise_header(regime.label)):
            return regime.code
    return None


def check_row(line: int, values: Mapping[str, str], catalogue: Catalogue, today: date) -> AgentRow | list[str]:
    """The agent of one line, or the list of reasons it is refused."""
    errors: list[str] = []
    email = _check_email(values.get("email", ""), errors)
    last_name = _check_text(values.get("last_name", ""), "le nom", 100, errors)
    first_name = _check_text(values.get("first_name", ""), "le prénom", 100, errors)
    birth_date = _check_birth_date(values.get("birth_date", ""), today, errors)
    regime = _check_regime(values.get("regime", ""), catalogue, errors)
    address = values.get("postal_address", "").strip()
    if len(address) > 300:
        errors.append("L'adresse postale dépasse 300 caractères.")
    phone = values.get("phone", "").strip()
    if phone and not PHONE.match(phone):
        errors.append(f"Numéro de téléphone invalide « {phone} ».")
    if errors or birth_date is None or regime is None:
        return errors
    return AgentRow(line, email, last_name, first_name, birth_date, regime, address, phone)


def _check_email(value: str, errors: list[str]) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.append(f"Adresse e-mail invalide « {value.strip()} »." if value.strip() else "Adresse e-mail manquante.")
        return ""


def _check_text(value: str, label: str, max_length: int, errors: list[str]) -> str:
    value = " ".join(value.split())
    if not value:
        errors.append(f"Il manque {label}.")
    elif len(value) > max_length:
        errors.append(f"Trop long ({label}) : {max_length} caractères au maximum.")
    return value


def _check_regime(value: str, catalogue: Catalogue, errors: list[str]) -> str | None:
    code = regime_code(catalogue, value)
    if code is None and not value.strip():
        errors.append("Il manque le régime.")
    elif code is None:
        known = ", ".join(r.code for r in catalogue.regimes)
        errors.append(f"Régime inconnu « {value.strip()} » (valeurs possibles : {known}).")
    return code


def _check_birth_date(value: str, today: date, errors: list[str]) -> date | None:
    parsed = parse_date(value)
    if parsed is None:
        errors.append(f"Date de naissance invalide « {value.strip()} » (format attendu : jj/mm/aaaa ou aaaa-mm-jj).")
    elif parsed >= today or parsed.year < today.year - 100:
        errors.append(f"Date de naissance improbable « {value.strip()} ».")
        return None
    return parsed


def parse_csv(data: bytes, catalogue: Catalogue, today: date) -> tuple[list[AgentRow], ImportReport]:
    """Every valid row, and the report of what is wrong (nothing is stored here)."""
    report = ImportReport()
    try:
        headers, rows = read_rows(decode(data))
    except csv.Error:
        report.file_errors.append(
            "Ce fichier n'est pas un CSV lisible : enregistrez-le au format « CSV » et réessayez."
        )
        return [], report
    columns, report.file_errors = map_headers(headers)
    if len(rows) > MAX_ROWS:
        report.file_errors.append(f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le en plusieurs envois.")
    if report.file_errors:
        return [], report
    agents = _check_rows(rows, columns, len(headers), catalogue=catalogue, today=today, report=report)
    if not agents and not report.row_errors:
        report.file_errors.append("Le fichier ne contient aucun agent.")
    return agents, report


def _check_rows(
    rows: list[list[str]], columns: dict[str, int], width: int, *, catalogue: Catalogue, today: date,
    report: ImportReport,
) -> list[AgentRow]:  # fmt: skip
    agents: list[AgentRow] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header, as a spreadsheet numbers it
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            report.row_errors.append((line, [f"{len(row)} colonnes au lieu de {width}."]))
            continue
        checked = check_row(line, {key: row[i] for key, i in columns.items()}, catalogue, today)
        if isinstance(checked, list):
            report.row_errors.append((line, checked))
        elif checked.email in seen:
            report.row_errors.append((line, [f"Adresse e-mail en double (déjà ligne {seen[checked.email]})."]))
        else:
            seen[checked.email] = line
            agents.append(checked)
    return agents


# --- storing and emailing ------------------------------------------------------------------------------------


def import_agents(session: Session, campaign: Campaign, data: bytes, catalogue: Catalogue, today: date) -> ImportReport:
    """Invite every agent of the file, or nobody if any row is wrong (flushes only on success)."""
    agents, report = parse_csv(data, catalogue, today)
    if not report.ok:
        return report
    existing = set(session.scalars(select(Invitation.email).where(Invitation.campaign_id == campaign.id)))
    for agent in agents:
        if agent.email in existing:
            report.already_invited += 1
            continue
        invitation = Invitation(
            campaign=campaign, email=agent.email, last_name=agent.last_name, first_name=agent.first_name,
            birth_date=agent.birth_date, regime=agent.regime, postal_address=agent.postal_address, phone=agent.phone,
        )  # fmt: skip
        session.add(invitation)
        session.flush()
        send_invitation(session, invitation)
        report.created += 1
    session.flush()
    return report


def send_invitation(session: Session, invitation: Invitation) -> None:
    """Queue the invitation email with the agent's personal link."""
    link = tokens.public_url("invitations.landing", token=tokens.invitation_token(invitation))
    campaign = invitation.campaign
    queue_email(
        session, to=invitation.email, template="invitation",
        subject=f"{campaign.employer} : finalisez votre adhésion à votre complémentaire santé",
        user_id=invitation.user_id,
        context={"invitation": invitation, "campaign": campaign, "link": link},
    )  # fmt: skip
    invitation.sent_at = utcnow()
    invitation.send_count = (invitation.send_count or 0) + 1


def prefill_from_invitation(invitation: Invitation) -> dict[str, object]:
    """What HR told us about the agent, used to prefill journeys (they can correct it)."""
    return {
        "email": invitation.email,
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "birth_date": invitation.birth_date,
        "regime": invitation.regime,
        "postal_address": invitation.postal_address,
        "phone": invitation.phone,
        "employer": invitation.campaign.employer,
    }


def example_csv(rows: Iterable[tuple[str, ...]] = ()) -> str:
    """The template HR downloads: the header line and one example agent."""
    header = ";".join(COLUMN_LABELS[k] for k in (*REQUIRED, *OPTIONAL))
    example = rows or [("prenom.nom@education.example", "Martin", "Camille", "14/03/1988", "general",
                        "8 rue des Écoles, 75005 Paris", "01 23 45 67 89")]  # fmt: skip
    return "\n".join([header, *(";".join(row) for row in example)]) + "\n"


def record_opened(session: Session, invitation: Invitation) -> None:
    """The first opening of the link, for the HR follow-up."""
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()
        session.flush()


def resend_invitation(session: Session, invitation: Invitation) -> None:
    """HR's « Renvoyer l'invitation »: the same personal link, emailed again."""
    send_invitation(session, invitation)
    session.flush()
