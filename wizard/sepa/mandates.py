"""SEPA mandates after signature: the record, its échéancier (pre-notification), lapse and RIB problems.

* :func:`record_signed_mandate` — run in the subscription's signing transaction (its ``on_complete``): the
  mandate the member signed becomes a :class:`SepaMandate` (RUM and ICS read from the signature evidence,
  holder and account from the subscription's answers), and its échéancier is stored, rendered as the PDF
  « Échéancier de cotisation » and emailed: that email is the pre-notification.
* :func:`recompute_schedule` — whenever the amount or the dates change (a change of situation, say): the
  lines not yet exported are replaced, and a new échéancier is sent only if something really changed.
* :func:`lapse_dormant_mandates` — 36 months without a collection: the mandate lapses, the member is told.
* :func:`rib_notices` — what the dashboard says when the bank refused a debit for the account itself.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from forms.context import Answers
from forms.identifiers import mask_iban
from wizard.entry.tokens import public_url
from wizard.journeys import steps
from wizard.mail.queue import queue_email
from wizard.models import (
    SCHEDULE_KIND,
    CollectionStatus,
    Document,
    HolderStatus,
    Journey,
    MandateHolderSignature,
    MandateStatus,
    SepaCollection,
    SepaMandate,
    SepaMandateVersion,
    SignatureRequest,
    SignatureStatus,
    User,
    utcnow,
)
from wizard.sepa.schedule import ScheduledDebit, add_months, compute_schedule, month_start, months_between
from wizard.signatures import evidence
from wizard.subscription import mandate_holder
from wizard.subscription.service import PARIS, journey_terms, paris_today

if TYPE_CHECKING:
    from signing.documents import schedule as schedule_pdf

SCHEDULE_FILENAME = "echeancier-cotisation.pdf"
#: reasons meaning the account itself cannot be debited: the member must give another RIB
RIB_REASONS = frozenset({"AC01", "AC04", "AC06", "AG01", "MD01", "MD07", "BE05", "RC01"})
REASON_TEXTS = {
    "AC01": "le numéro de compte est incorrect",
    "AC04": "le compte est clôturé",
    "AC06": "le compte est bloqué",
    "AG01": "ce compte n'accepte pas les prélèvements",
    "AM04": "la provision était insuffisante",
    "MD01": "votre banque ne connaît pas de mandat pour ce prélèvement",
    "MD06": "vous avez demandé le remboursement du prélèvement",
    "MD07": "le titulaire du compte est décédé",
    "MS02": "le prélèvement a été refusé",
    "MS03": "le prélèvement a été refusé",
    "SL01": "un service spécifique de votre banque a refusé le prélèvement",
    "RC01": "le code BIC est incorrect",
    "BE05": "le créancier n'est pas reconnu par votre banque",
}


def setting(name: str) -> int:
    return int(current_app.config[name])


def reason_text(code: str) -> str:
    return REASON_TEXTS.get(code, "la banque a refusé le prélèvement")


# --- the mandate the member signed ------------------------------------------------------------------------


def holder_of(answers: Answers) -> str:
    """The account holder as the subscription's bank step recorded it (the member's name by default)."""
    bank, personal = answers.get("bank", {}), answers.get("personal", {})
    holder = bank.get("account_holder") or bank.get("holder_name")
    if holder:
        return str(holder).strip()
    return " ".join(p for p in (personal.get("first_name"), personal.get("usage_name")) if p)


def account_details(answers: Answers, holder: MandateHolderSignature | None = None) -> dict[str, Any]:
    """What a mandate version keeps of the subscription's answers (encrypted at rest); ``holder``: the
    account holder who is not the member and signed the mandate — the debtor, with their own address."""
    bank = answers.get("bank", {})
    return {
        "holder": holder.holder_name if holder is not None else holder_of(answers),
        "iban": bank["iban"],
        "bic": bank.get("bic", "") or "",
        "address": (holder.holder.get("address") if holder is not None else None)
        or answers.value("contacts", "postal_address", "")
        or "",
    }


def completed_request(session: Session, journey: Journey, step_id: str = "signature") -> SignatureRequest | None:
    query = select(SignatureRequest).where(
        SignatureRequest.journey_id == journey.id,
        SignatureRequest.step_id == step_id,
        SignatureRequest.status == SignatureStatus.COMPLETED,
    )
    return session.scalar(query.order_by(SignatureRequest.id.desc()).limit(1))


def signed_mandate_reference(request: SignatureRequest) -> tuple[str, str] | None:
    """(RUM, ICS) recorded in the evidence for the mandate the member signed."""
    for entry in evidence.entries(request, "documents"):
        if entry.get("kind") == "mandate" and entry.get("rum"):
            return str(entry["rum"]), str(entry.get("ics") or default_catalogue().brand.creditor.ics)
    return None


def mandate_of_journey(session: Session, journey: Journey) -> SepaMandate | None:
    return session.scalar(select(SepaMandate).where(SepaMandate.journey_id == journey.id))


def member_mandates(session: Session, owner: User | int) -> list[SepaMandate]:
    owner_id = owner if isinstance(owner, int) else owner.id
    query = select(SepaMandate).where(SepaMandate.owner_id == owner_id).order_by(SepaMandate.id.desc())
    return list(session.scalars(query))


def current_mandate(session: Session, owner: User | int) -> SepaMandate | None:
    """The member's mandate the collections use (the newest that can still be debited)."""
    return next((m for m in member_mandates(session, owner) if m.collectable), None)


def signed_holder_mandate(session: Session, journey: Journey) -> MandateHolderSignature | None:
    """The mandate signed by the account holder who is not the member (None while they have not signed)."""
    record = mandate_holder.current_for(session, journey)
    if record is None or record.status != HolderStatus.SIGNED.value or record.signed_at is None:
        return None
    return record


def record_signed_mandate(session: Session, journey: Journey) -> SepaMandate | None:
    """Create the mandate record of a just-signed subscription, with its échéancier (caller commits).

    Idempotent: a journey has at most one mandate. Returns None for an HR preview or when the signed
    documents hold no mandate (nothing to debit from). When the account is someone else's, the mandate is
    the one the holder signed (:mod:`wizard.subscription.mandate_holder`): None until they have signed,
    then the holder is the debtor, with the RUM of the mandate they signed.
    """
    if journey.is_preview or journey.flow_id != "subscription":  # a RIB change amends, it creates no mandate
        return None
    existing = mandate_of_journey(session, journey)
    if existing is not None:
        return existing
    holder: MandateHolderSignature | None = None
    if mandate_holder.needs_holder(journey):
        holder = signed_holder_mandate(session, journey)
        if holder is None or holder.signed_at is None:
            return None
        reference: tuple[str, str] | None = (holder.rum, default_catalogue().brand.creditor.ics)
        signed_at = holder.signed_at
    else:
        request = completed_request(session, journey)
        reference = signed_mandate_reference(request) if request is not None else None
        if request is None or reference is None:
            return None
        signed_at = request.signed_at or utcnow()
    signed_on = signed_at.astimezone(PARIS).date()
    terms = journey_terms(journey, signed_on)
    if terms is None:
        return None
    assert reference is not None  # noqa: S101 - both branches above return early without a reference
    rum, ics = reference
    mandate = SepaMandate(
        rum=rum, ics=ics, owner_id=journey.owner_id, journey=journey, campaign_id=journey.campaign_id,
        contract_name=steps.contract_name(journey),  # the name the member signed, in the remittance text
        status=MandateStatus.ACTIVE, signed_on=signed_on, effective_date=terms.effective_date,
    )  # fmt: skip
    mandate.versions.append(
        SepaMandateVersion(
            version=1, details=account_details(steps.effective_answers(journey), holder), signed_at=signed_at,
            journey_id=journey.id,
        )
    )  # fmt: skip
    session.add(mandate)
    session.flush()
    replace_schedule(session, mandate, terms.monthly_cents, today=signed_on)
    return mandate


# --- the échéancier ----------------------------------------------------------------------------------------


def scheduled_lines(session: Session, mandate: SepaMandate) -> list[SepaCollection]:
    query = select(SepaCollection).where(
        SepaCollection.mandate_id == mandate.id, SepaCollection.status != CollectionStatus.CANCELLED
    )
    return list(session.scalars(query.order_by(SepaCollection.due_date, SepaCollection.id)))


def _months_paid(lines: Iterable[SepaCollection]) -> set[date]:
    """Months an exported (or settled, or returned) line already asked the bank for."""
    paid: set[date] = set()
    for line in lines:
        if line.status == CollectionStatus.SCHEDULED:
            continue
        paid |= {add_months(line.period_start, i) for i in range(months_between(line.period_start, line.period_end))}
    return paid


def _covered_months(mandate: SepaMandate, lines: list[SepaCollection]) -> list[date]:
    """Every month from the effective month to the end of the échéancier in force (a contract year at least)."""
    end = max([add_months(mandate.effective_date, 11), *(line.period_end for line in lines)])
    return [add_months(mandate.effective_date, i) for i in range(months_between(mandate.effective_date, end))]


def _monthly_in_force(lines: Iterable[SepaCollection]) -> dict[date, int]:
    """Each month's contribution in ``lines`` (a line paying several months is split evenly, the cents left
    over going to its first months)."""
    amounts: dict[date, int] = {}
    for line in lines:
        count = months_between(line.period_start, line.period_end)
        share, left = divmod(line.amount_cents, count)
        for i in range(count):
            amounts[add_months(line.period_start, i)] = share + (1 if i < left else 0)
    return amounts


def _debit(line: SepaCollection) -> ScheduledDebit:
    return ScheduledDebit(line.due_date, line.amount_cents, line.period_start, line.period_end)


def replace_schedule(
    session: Session,
    mandate: SepaMandate,
    monthly_cents: int,
    *,
    today: date | None = None,
    effective_date: date | None = None,
    from_date: date | None = None,
) -> bool:
    """Store the échéancier for ``monthly_cents`` over the months not yet exported.

    With ``from_date`` (a change of situation's effect date), ``monthly_cents`` applies from that month only:
    lines in force that end before it stay as they are (date and amount already notified), and the earlier
    months of a line that is replaced keep their amount in force. Returns False (and changes nothing) when the
    new échéancier is the one in force; otherwise cancels the lines replaced, stores the new ones, renders the
    PDF (every debit still to come) and queues the pre-notification email.
    """
    today = today or paris_today()
    if effective_date is not None:
        mandate.effective_date = effective_date
    start = month_start(from_date) if from_date is not None else None
    lines = scheduled_lines(session, mandate)
    paid = _months_paid(lines)
    pending = [line for line in lines if line.status == CollectionStatus.SCHEDULED]
    kept = [line for line in pending if start is not None and line.period_end < start]
    replaced = [line for line in pending if line not in kept]
    kept_months = _monthly_in_force(kept)
    to_pay = [m for m in _covered_months(mandate, lines) if m not in paid and m not in kept_months]
    earlier = {m: cents for m, cents in _monthly_in_force(replaced).items() if start is not None and m < start}

    def plan(notified_on: date) -> list[ScheduledDebit]:
        return compute_schedule(
            mandate.effective_date, monthly_cents, notified_on, collection_day=setting("SEPA_COLLECTION_DAY"),
            notice_days=setting("SEPA_PRENOTIFICATION_DAYS"), months=to_pay, amounts=earlier,
        )  # fmt: skip

    in_force = [_debit(line) for line in replaced]
    if mandate.schedule_version and plan(replaced[0].notified_on if replaced else today) == in_force:
        return False
    debits = plan(today)
    for line in replaced:
        line.status = CollectionStatus.CANCELLED
    _store(session, mandate, debits, today, renewal=False, still_due=[_debit(line) for line in kept])
    return True


def _store(
    session: Session,
    mandate: SepaMandate,
    debits: list[ScheduledDebit],
    today: date,
    *,
    renewal: bool,
    still_due: list[ScheduledDebit] | None = None,
) -> None:
    """A new échéancier version: its lines, its PDF and the pre-notification email (which also lists the
    debits ``still_due`` from the échéancier it replaces)."""
    mandate.schedule_version += 1
    for debit in debits:
        session.add(
            SepaCollection(
                mandate_id=mandate.id, schedule_version=mandate.schedule_version, due_date=debit.due_date,
                amount_cents=debit.amount_cents, period_start=debit.period_start, period_end=debit.period_end,
                notified_on=today,
            )
        )  # fmt: skip
    session.flush()
    if debits:
        _send_schedule(session, mandate, [*(still_due or []), *debits], today, renewal=renewal)


def renew_schedules(session: Session, today: date | None = None) -> list[SepaMandate]:
    """Send next year's échéancier to every collectable mandate whose échéancier ends within two months
    (caller commits). The lines in force are kept; the new year's are added with a new version."""
    today = today or paris_today()
    renewed = []
    query = select(SepaMandate).where(SepaMandate.status.in_((MandateStatus.ACTIVE, MandateStatus.AMENDED)))
    for mandate in session.scalars(query.order_by(SepaMandate.id)):
        lines = scheduled_lines(session, mandate)
        if not lines:
            continue  # nothing is debited (a contribution of zero)
        last = max(line.period_end for line in lines)
        if last >= add_months(month_start(today), 2):
            continue
        # the amount in force (a change of situation may have changed the subscription's)
        monthly = _monthly_in_force(lines).get(month_start(last))
        if monthly is None:
            terms = journey_terms(mandate.journey, mandate.signed_on)
            monthly = terms.monthly_cents if terms else 0
        months = [add_months(last, i + 1) for i in range(12)]
        debits = compute_schedule(
            mandate.effective_date, monthly, today,
            collection_day=setting("SEPA_COLLECTION_DAY"), notice_days=setting("SEPA_PRENOTIFICATION_DAYS"),
            months=months,
        )  # fmt: skip
        if debits:
            _store(session, mandate, debits, today, renewal=True)
            renewed.append(mandate)
    return renewed


def schedule_data(
    mandate: SepaMandate, debits: list[ScheduledDebit], issued_on: date, *, renewal: bool = False
) -> schedule_pdf.ScheduleData:
    from signing.documents import schedule as schedule_pdf  # noqa: PLC0415 - ReportLab loads only to render

    details = mandate.current.details
    return schedule_pdf.ScheduleData(
        contract_name=mandate.contract_name, rum=mandate.rum, holder=details["holder"],
        masked_iban=mask_iban(details["iban"]), effective_date=mandate.effective_date, issued_on=issued_on,
        notice_days=setting("SEPA_PRENOTIFICATION_DAYS"), debits=debits, version=mandate.schedule_version,
        renewal=renewal, brand=default_catalogue().brand,
    )  # fmt: skip


def _send_schedule(
    session: Session, mandate: SepaMandate, debits: list[ScheduledDebit], today: date, *, renewal: bool
) -> None:
    from signing.documents import schedule as schedule_pdf  # noqa: PLC0415 - ReportLab loads only to render

    content = schedule_pdf.render_schedule(schedule_data(mandate, debits, today, renewal=renewal))
    document = Document(
        public_id=secrets.token_urlsafe(16), journey=mandate.journey, kind=SCHEDULE_KIND,
        title=f"{schedule_pdf.TITLE} (version {mandate.schedule_version})", filename=SCHEDULE_FILENAME,
        template_version=schedule_pdf.TEMPLATE_VERSION, sha256=evidence.sha256(content), content=content,
        signed=False,
    )  # fmt: skip
    session.add(document)
    owner = mandate.owner or session.get(User, mandate.owner_id)
    assert owner is not None  # noqa: S101 - a foreign key
    first = debits[0]
    queue_email(
        session, to=owner.email, subject="Votre échéancier de cotisation", template="sepa_schedule",
        context={
            "first_name": owner.first_name, "contract_name": mandate.contract_name, "rum": mandate.rum,
            "debits": debits, "first": first, "replaces": mandate.schedule_version > 1 and not renewal,
            "renewal": renewal,
            "notice_days": setting("SEPA_PRENOTIFICATION_DAYS"), "documents_url": public_url("documents.my_documents"),
        },
        user_id=owner.id, journey=mandate.journey,
        dedup_key=f"sepa-schedule:{mandate.id}:{mandate.schedule_version}",
    )  # fmt: skip


def latest_schedule_document(session: Session, owner_id: int) -> Document | None:
    query = (
        select(Document)
        .join(Journey, Document.journey_id == Journey.id)
        .where(Journey.owner_id == owner_id, Document.kind == SCHEDULE_KIND)
        .order_by(Document.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def recompute_schedule(
    session: Session,
    journey_or_member: Journey | User,
    *,
    monthly_cents: int | None = None,
    effective_date: date | None = None,
    today: date | None = None,
    from_date: date | None = None,
) -> list[SepaMandate]:
    """Recompute the échéancier after the amount or the dates changed (caller commits).

    ``journey_or_member`` is the subscription journey or the member (all their collectable mandates).
    ``monthly_cents`` defaults to the subscription's current terms; with ``from_date`` it applies from that
    month only (a change of situation), the months before keeping their amount. Exported lines never change.
    Returns the mandates whose échéancier
    changed (a new one was sent); an unchanged amount and dates send nothing.
    """
    if isinstance(journey_or_member, Journey):
        found = mandate_of_journey(session, journey_or_member)
        mandates = [found] if found is not None else []
    else:
        mandates = member_mandates(session, journey_or_member)
    changed = []
    for mandate in mandates:
        if not mandate.collectable:
            continue
        amount = monthly_cents
        if amount is None:
            terms = journey_terms(mandate.journey, mandate.signed_on)
            amount = terms.monthly_cents if terms else 0
        if replace_schedule(session, mandate, amount, today=today, effective_date=effective_date, from_date=from_date):
            changed.append(mandate)
    return changed


# --- lapse --------------------------------------------------------------------------------------------------


def last_collection_on(session: Session, mandate: SepaMandate) -> date | None:
    query = select(SepaCollection.collected_on).where(
        SepaCollection.mandate_id == mandate.id, SepaCollection.collected_on.is_not(None)
    )
    value: date | None = session.scalar(query.order_by(SepaCollection.collected_on.desc()).limit(1))
    return value


def lapse_date(session: Session, mandate: SepaMandate) -> date:
    """The day the mandate lapses if nothing is collected before (36 months after the last collection,
    or after the signature when nothing was ever collected)."""
    since = last_collection_on(session, mandate) or mandate.signed_on
    months = setting("SEPA_LAPSE_MONTHS")
    index = since.year * 12 + since.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(since.day, calendar.monthrange(year, month + 1)[1]))


def lapse_dormant_mandates(session: Session, today: date | None = None) -> list[SepaMandate]:
    """Mark lapsed every collectable mandate unused for 36 months and tell its member (caller commits)."""
    today = today or paris_today()
    query = select(SepaMandate).where(SepaMandate.status.in_((MandateStatus.ACTIVE, MandateStatus.AMENDED)))
    lapsed = []
    for mandate in session.scalars(query.order_by(SepaMandate.id)):
        if lapse_date(session, mandate) > today:
            continue
        set_status(mandate, MandateStatus.LAPSED)  # its due lines stay: an export names and refuses them
        queue_email(
            session, to=mandate.owner.email, subject="Votre mandat de prélèvement SEPA a expiré",
            template="sepa_mandate_lapsed",
            context={
                "first_name": mandate.owner.first_name, "rum": mandate.rum, "contract_name": mandate.contract_name,
                "months": setting("SEPA_LAPSE_MONTHS"), "contract_url": public_url("contract.contract"),
            },
            user_id=mandate.owner_id, dedup_key=f"sepa-lapsed:{mandate.id}",
        )  # fmt: skip
        lapsed.append(mandate)
    return lapsed


def set_status(mandate: SepaMandate, status: MandateStatus) -> None:
    mandate.status = status
    mandate.status_changed_at = utcnow()


# --- what the member sees -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RibNotice:
    rum: str
    reason: str
    collected_on: date | None


def rib_notices(session: Session, owner_id: int) -> list[RibNotice]:
    """The member's mandates whose account the bank refused (AC04, AC06, MD01…): « mettez à jour votre RIB »."""
    notices = []
    for mandate in member_mandates(session, owner_id):
        if mandate.rib_problem_code and mandate.collectable:
            query = select(SepaCollection.collected_on).where(
                SepaCollection.mandate_id == mandate.id, SepaCollection.reason_code == mandate.rib_problem_code
            )
            collected = session.scalar(query.order_by(SepaCollection.id.desc()).limit(1))
            notices.append(RibNotice(mandate.rum, reason_text(mandate.rib_problem_code), collected))
    return notices


def status_label(mandate: SepaMandate) -> str:
    return {
        MandateStatus.ACTIVE: "Actif",
        MandateStatus.AMENDED: "Actif (coordonnées bancaires modifiées)",
        MandateStatus.LAPSED: "Expiré (aucun prélèvement depuis 36 mois) : un nouveau mandat est nécessaire",
        MandateStatus.REVOKED: "Révoqué",
    }[mandate.status]
