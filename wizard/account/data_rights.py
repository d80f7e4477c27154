"""Data rights: « Télécharger mes données » (right of access and portability) and « Supprimer mon compte ».

The download is a zip prepared in the background by ``flask data-export run`` workers (like the outbox:
rows claimed one at a time, SKIP LOCKED on PostgreSQL): ``mes-donnees.json``, a readable JSON of everything
held about the member — account, contact details, consents and their history, journeys with their answers,
events and satisfaction answers, documents, designations, supporting documents (« justificatifs ») with their
files' metadata, signed family changes, SEPA mandates with every version, their échéancier lines and
collections, emails sent, account changes — then the member's signed PDFs and the files they sent as proofs,
decrypted. It is the member's own copy, so nothing is masked (the IBAN is shown in full); the JSON says which
fields are encrypted at rest (``chiffre_au_repos``). The row's ``progress``/``total`` are committed after each
part, so the page shows where it stands.

Closing an account records one :class:`DeletionRequest` (asking twice is the same request), erases at once
what nothing requires us to keep (open or abandoned journeys without a signed document, contact details,
pending exports), withdraws every consent (the history stays as evidence), disables the login and ends
every session. What the law requires us to keep (signed contract documents, SEPA mandates, designations)
stays for the periods in ``config/legal.json`` and is listed on the page.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.account import consents
from wizard.account.retention import delete_journeys
from wizard.db import commit_item, db_session, drain_due, poll
from wizard.entry import accounts, tokens
from wizard.entry.passwords import verify_password
from wizard.mail.queue import queue_email
from wizard.models import (
    AccountChange,
    Actor,
    BeneficiaryDesignation,
    DataExport,
    DeletionRequest,
    Document,
    ExportStatus,
    FamilyChange,
    Invitation,
    Journey,
    JourneyStatus,
    MemberProfile,
    OutboxMessage,
    Proof,
    ProofFile,
    SatisfactionAnswer,
    SepaCollection,
    SepaMandate,
    User,
    utcnow,
)

JSON_NAME = "mes-donnees.json"
#: the JSON's sections, each one progress step
SECTIONS = (
    "compte", "coordonnees", "invitations", "consentements", "demarches", "designations", "justificatifs",
    "changements_familiaux", "prelevements_sepa", "emails", "modifications",
)  # fmt: skip
#: where each kind of file goes in the zip
SIGNED_FOLDER, PROOF_FOLDER = "documents", "justificatifs"
#: the parts of the JSON stored encrypted at rest (AES-256-GCM, ``FIELD_ENCRYPTION_KEY``): shown here in clear
ENCRYPTED_AT_REST = {
    "demarches[].reponses (donnees, saisie)": "réponses aux étapes des démarches",
    "demarches[].documents (contenu des PDF)": "documents générés et signés",
    "designations[].clause, designations[].beneficiaires": "clause et bénéficiaires désignés",
    "justificatifs[].fichiers[].nom_du_fichier et contenu": "fichiers envoyés comme justificatifs",
    "changements_familiaux[].personne": "personne ajoutée ou retirée du contrat",
    "prelevements_sepa[].versions[].compte (titulaire, iban, bic, adresse)": "compte de chaque version du mandat",
    "emails (contenu)": "contenu des e-mails envoyés (effacé après l'envoi, selon la durée de conservation)",
}


# --- requesting and reading exports -------------------------------------------------------------------------


def latest_export(session: Session, user: User) -> DataExport | None:
    query = select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id.desc()).limit(1)
    return session.scalar(query)


def request_export(session: Session, user: User) -> DataExport:
    """A new export, unless one is already waiting or running (a double click asks once); the caller commits."""
    latest = latest_export(session, user)
    if latest is not None and latest.status in (ExportStatus.PENDING, ExportStatus.RUNNING):
        return latest
    export = DataExport(user_id=user.id, status=ExportStatus.PENDING)
    session.add(export)
    session.flush()
    return export


def ready_export(session: Session, user: User, public_id: str) -> DataExport | None:
    query = select(DataExport).where(
        DataExport.public_id == public_id, DataExport.user_id == user.id, DataExport.status == ExportStatus.READY
    )
    return session.scalar(query)


# --- building an export -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _journeys(session: Session, user: User) -> list[Journey]:
    query = select(Journey).where(Journey.owner_id == user.id, Journey.is_preview.is_(False)).order_by(Journey.id)
    return list(session.scalars(query))


def signed_documents(session: Session, user: User) -> list[Document]:
    query = (
        select(Document)
        .join(Journey, Document.journey_id == Journey.id)
        .where(Journey.owner_id == user.id, Journey.is_preview.is_(False), Document.signed.is_(True))
        .order_by(Document.id)
    )
    return list(session.scalars(query))


def _proofs(session: Session, user: User) -> list[Proof]:
    query = (
        select(Proof)
        .join(Journey, Proof.journey_id == Journey.id)
        .where(Proof.owner_id == user.id, Journey.owner_id == user.id, Journey.is_preview.is_(False))
        .order_by(Proof.id)
    )
    return list(session.scalars(query))


def proof_files(session: Session, user: User) -> list[ProofFile]:
    """The files this member sent as proofs, in the order the archive holds them."""
    return [f for p in _proofs(session, user) for f in p.files]


def _satisfaction(session: Session, journey: Journey) -> dict[str, Any] | None:
    answer = session.scalar(select(SatisfactionAnswer).where(SatisfactionAnswer.journey_id == journey.id))
    return None if answer is None else {"reponse": answer.answer.value, "le": answer.answered_at}


def _mandate(session: Session, mandate: SepaMandate) -> dict[str, Any]:
    collections = select(SepaCollection).where(SepaCollection.mandate_id == mandate.id)
    return {
        "rum": mandate.rum, "ics": mandate.ics, "contrat": mandate.contract_name, "statut": mandate.status.value,
        "signe_le": mandate.signed_on, "date_d_effet": mandate.effective_date,
        "version_de_l_echeancier": mandate.schedule_version, "probleme_de_rib": mandate.rib_problem_code,
        "cree_le": mandate.created_at, "statut_modifie_le": mandate.status_changed_at,
        "versions": [
            {"version": v.version, "compte": {"titulaire": v.details.get("holder"), "iban": v.details.get("iban"),
                                              "bic": v.details.get("bic"), "adresse": v.details.get("address")},
             "signee_le": v.signed_at, "modification_signalee_a_la_banque": v.amendment,
             "transmise_avec": v.amendment_sent_in}
            for v in mandate.versions
        ],
        "echeancier_et_prelevements": [
            {"version_de_l_echeancier": c.schedule_version, "echeance": c.due_date, "montant_centimes": c.amount_cents,
             "periode_du": c.period_start, "periode_au": c.period_end, "annonce_le": c.notified_on,
             "statut": c.status.value, "reference_de_bout_en_bout": c.end_to_end_id, "sequence": c.sequence_type,
             "preleve_le": c.collected_on, "version_du_mandat": c.mandate_version, "exporte_le": c.exported_at,
             "motif_de_rejet": c.reason_code, "rejete_le": c.returned_at}
            for c in session.scalars(collections.order_by(SepaCollection.due_date, SepaCollection.id))
        ],
    }  # fmt: skip


def _proofs_section(session: Session, user: User, names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"demarche": p.journey.flow_id, "etape": p.step_id, "code": p.code, "libelle": p.label,
             "statut": p.status.value, "envoi_plus_tard_possible": p.later_allowed,
             "motif_du_refus": p.refusal_reason, "examine_le": p.reviewed_at, "cree_le": p.created_at,
             "modifie_le": p.updated_at,
             "fichiers": [{"nom_du_fichier": f.filename, "fichier_dans_l_archive": names.get(f.id),
                           "type": f.media_type, "taille_octets": f.size, "pages": f.pages,
                           "sha256": f.sha256, "analyse_antivirus": f.scan, "envoye_le": f.created_at}
                          for f in p.files]}
            for p in _proofs(session, user)]  # fmt: skip


def _family_changes_section(session: Session, user: User, names: dict[int, str]) -> list[dict[str, Any]]:
    changes = select(FamilyChange).where(FamilyChange.owner_id == user.id).order_by(FamilyChange.id)
    return [{"demarche": c.journey.flow_id, "evenement": c.event, "action": c.action, "personne": c.person,
             "date_de_l_evenement": c.event_date, "date_d_effet": c.effective_date,
             "cotisation_mensuelle_avant_centimes": c.monthly_before_cents,
             "cotisation_mensuelle_apres_centimes": c.monthly_after_cents, "statut": c.status.value,
             "avenant": c.document.filename if c.document else None, "cree_le": c.created_at}
            for c in session.scalars(changes)]  # fmt: skip


def _sepa_section(session: Session, user: User, names: dict[int, str]) -> list[dict[str, Any]]:
    mandates = select(SepaMandate).where(SepaMandate.owner_id == user.id).order_by(SepaMandate.id)
    return [_mandate(session, m) for m in session.scalars(mandates)]


#: the sections of the features that came after the first export (one function each)
_FEATURE_SECTIONS: dict[str, Callable[[Session, User, dict[int, str]], list[dict[str, Any]]]] = {
    "justificatifs": _proofs_section,
    "changements_familiaux": _family_changes_section,
    "prelevements_sepa": _sepa_section,
}


def _section(  # noqa: PLR0911 - one branch per section
    session: Session, user: User, name: str, names: dict[int, str] | None = None
) -> Any:
    if name in _FEATURE_SECTIONS:
        return _FEATURE_SECTIONS[name](session, user, names or {})
    if name == "compte":
        return {
            "email_de_connexion": user.email, "prenom": user.first_name, "nom": user.last_name,
            "numero_adherent": user.member_number, "cree_le": user.created_at, "active": user.activated,
            # no log of logins or password changes is kept; this counter is raised each time every session of
            # the account is ended (logout, password change or reset, closure); password changes are also
            # in « emails » (the confirmation sent)
            "fins_de_toutes_les_sessions": user.session_epoch,
        }  # fmt: skip
    if name == "coordonnees":
        profile = session.get(MemberProfile, user.id)
        if profile is None:
            return None
        return {"adresse": [profile.address_line1, profile.address_line2], "code_postal": profile.postal_code,
                "commune": profile.commune, "email_de_contact": profile.contact_email,
                "telephone_mobile": profile.mobile_phone, "telephone_fixe": profile.landline_phone,
                "zero_papier": profile.paperless, "modifie_le": profile.updated_at}  # fmt: skip
    if name == "invitations":  # what the employer sent about me
        invitations = select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.id)
        return [{"campagne": i.campaign.name, "employeur": i.campaign.employer, "email": i.email, "nom": i.last_name,
                 "prenom": i.first_name, "date_de_naissance": i.birth_date, "regime": i.regime,
                 "adresse_postale": i.postal_address, "telephone": i.phone, "envoyee_le": i.sent_at}
                for i in session.scalars(invitations)]  # fmt: skip
    if name == "consentements":
        values = consents.current(session, user)
        return {
            "actuels": [{"finalite": p, "canal": c, "donne": v} for (p, c), v in sorted(values.items())],
            "historique": [
                {"finalite": r.purpose, "canal": r.channel, "donne": r.given, "texte_affiche": r.text_shown,
                 "source": r.source, "le": r.at, "adresse_ip": r.ip}
                for r in reversed(consents.history(session, user))
            ],
        }  # fmt: skip
    if name == "demarches":
        return [
            {"parcours": j.flow_id, "version": j.flow_version, "etape": j.state, "statut": j.status.value,
             "commencee_le": j.created_at, "terminee_le": j.completed_at,
             "reponses": {a.step_id: {"donnees": a.data, "saisie": a.raw, "brouillon": a.is_draft} for a in j.answers},
             "evenements": [
                 {"action": e.trigger, "de": e.from_state, "vers": e.to_state, "le": e.at, "adresse_ip": e.ip}
                 for e in j.events
             ],
             "documents": [{"titre": d.title, "fichier": d.filename, "signe": d.signed, "sha256": d.sha256,
                            "cree_le": d.created_at}
                           for d in session.scalars(select(Document).where(Document.journey_id == j.id))],
             "satisfaction": _satisfaction(session, j)}
            for j in _journeys(session, user)
        ]  # fmt: skip
    if name == "designations":
        designations = select(BeneficiaryDesignation).where(BeneficiaryDesignation.owner_id == user.id)
        return [{"version": d.version, "mode": d.mode, "clause": d.clause_text, "beneficiaires": d.beneficiaries,
                 "le": d.created_at, "acceptee_par_un_beneficiaire": d.accepted_by_beneficiary}
                for d in session.scalars(designations.order_by(BeneficiaryDesignation.version))]  # fmt: skip
    if name == "emails":
        emails = select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
        return [{"a": m.to_address, "objet": m.subject, "cree_le": m.created_at, "envoye_le": m.sent_at}
                for m in session.scalars(emails)]  # fmt: skip
    changes = select(AccountChange).where(AccountChange.user_id == user.id).order_by(AccountChange.id)
    return [{"quoi": c.what, "le": c.at, "adresse_ip": c.ip} for c in session.scalars(changes)]


def build_export(
    session: Session, export: DataExport, *, pause: float = 0.0, checkpoint: Callable[[Session], None] = commit_item
) -> None:
    """Build one export's zip, passing each part's progress to ``checkpoint``.

    The worker commits each part (:func:`wizard.db.commit_item`: the page reads the progress); a build done
    inside a request (``DATA_EXPORT_INLINE``) passes ``Session.flush`` and leaves the commit to the request.
    """
    user = session.get(User, export.user_id)
    assert user is not None  # noqa: S101 - the foreign key guarantees it
    documents = signed_documents(session, user)
    files = proof_files(session, user)
    export.status, export.total, export.progress = ExportStatus.RUNNING, len(SECTIONS) + len(documents) + len(files), 0
    checkpoint(session)
    used: set[str] = set()
    document_names = [_unique(f"{SIGNED_FOLDER}/{_safe_name(d.filename)}", used) for d in documents]
    file_names = {f.id: _unique(f"{PROOF_FOLDER}/{_safe_name(f.filename)}", used) for f in files}
    content: dict[str, Any] = {"genere_le": utcnow(), "documents_signes": [d.filename for d in documents],
                               "chiffre_au_repos": ENCRYPTED_AT_REST}  # fmt: skip
    for name in SECTIONS:
        content[name] = _section(session, user, name, file_names)
        _step(session, export, pause, checkpoint)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(_plain(content), ensure_ascii=False, indent=2, sort_keys=False))
        for document, entry in zip(documents, document_names, strict=True):
            archive.writestr(entry, document.content)
            _step(session, export, pause, checkpoint)
        for file in files:
            archive.writestr(file_names[file.id], file.content)
            _step(session, export, pause, checkpoint)
    export.content = buffer.getvalue()
    export.status = ExportStatus.READY
    export.finished_at = utcnow()
    checkpoint(session)


def _safe_name(filename: str) -> str:
    """A file name the member chose, made safe as one zip entry (no folders, no ``..``, printable)."""
    cleaned = re.sub(r"[^\w.\- ]", "_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return cleaned[-120:] or "fichier"


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in used:
        counter += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem}-{counter}{dot}{ext}" if dot else f"{name}-{counter}"
    used.add(candidate)
    return candidate


def _step(session: Session, export: DataExport, pause: float, checkpoint: Callable[[Session], None]) -> None:
    export.progress += 1
    checkpoint(session)
    if pause:
        time.sleep(pause)


def claim_next(session: Session) -> DataExport | None:
    query = (
        select(DataExport)
        .where(DataExport.status == ExportStatus.PENDING)
        .order_by(DataExport.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).first()


def drain(session: Session, *, pause: float = 0.0, on_done: Callable[[DataExport], None] | None = None) -> int:
    """Build every waiting export, one committed unit each; one that fails is marked failed, not retried."""

    def build(session: Session, export: DataExport, _now: datetime) -> bool:
        try:
            build_export(session, export, pause=pause)
        except Exception as error:
            session.rollback()
            export.status, export.error = ExportStatus.FAILED, f"{type(error).__name__}: {error}"[:500]
            commit_item(session)
        if on_done:
            on_done(export)
        return True

    done, _failed = drain_due(session, lambda session, _now: claim_next(session), build, now=utcnow)
    return done


@click.group("data-export", help="« Télécharger mes données » archives.")
def cli_group() -> None:
    """Data export commands."""


@cli_group.command("run", help="Prepare the requested archives (a worker, like `outbox run`).")
@click.option("--once", is_flag=True, help="Prepare what is waiting now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between two polls.")
@with_appcontext
def run_command(once: bool, interval: float) -> None:

    def work() -> str | None:
        done = drain(db_session())
        return f"Archives préparées : {done}." if done else None

    poll(work, once=once, interval=interval, report=click.echo)


# --- closing an account ------------------------------------------------------------------------------------


def password_matches(user: User, password: str) -> bool:
    return verify_password(user.password_hash, password)


def end_sessions(session: Session, user: User) -> None:
    """Every session of this user stops at its next request, and the closed account cannot log in again.

    The session epoch ends the sessions already open; a deactivated account is refused at login.
    """
    user.activated = False
    accounts.end_all_sessions(session, user)


def close_account(session: Session, user: User, actor: Actor) -> DeletionRequest:
    """Record the request, erase what need not be kept, close the account (the caller commits). Idempotent."""
    existing = session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id))
    if existing is not None:
        return existing
    erased: dict[str, int] = {"demarches": 0, "coordonnees": 0, "archives": 0}
    signed_journeys = {d.journey_id for d in signed_documents(session, user)}
    drafts = [j.id for j in _journeys(session, user)
              if j.status != JourneyStatus.COMPLETED and j.id not in signed_journeys]  # fmt: skip
    erased["demarches"] = delete_journeys(session, drafts)
    profile = session.get(MemberProfile, user.id)
    if profile is not None:
        session.delete(profile)
        erased["coordonnees"] = 1
    for export in session.scalars(select(DataExport).where(DataExport.user_id == user.id)):
        session.delete(export)
        erased["archives"] += 1
    erased["consentements_retires"] = consents.withdraw_all(session, user, actor, "suppression_du_compte")
    request = DeletionRequest(user_id=user.id, ip=actor.ip, user_agent=(actor.user_agent or "")[:300] or None,
                              erased=erased)  # fmt: skip
    session.add(request)
    session.add(AccountChange(user_id=user.id, what="account_closed", actor_id=actor.user_id, ip=actor.ip))
    queue_email(
        session, to=user.email, subject="Votre compte a été fermé", template="account_closed", user_id=user.id,
        context={"name": user.full_name, "privacy_url": tokens.public_url("legal.privacy")},
    )  # fmt: skip
    user.password_hash = None
    end_sessions(session, user)
    session.flush()
    return request
