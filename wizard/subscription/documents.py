"""The documents each journey produces, built from its answers (pure: no database, no request).

* :func:`build_subscription_documents` — the subscription's signing step: bulletin d'adhésion, mandat de
  prélèvement SEPA and notice d'information. The mandate's RUM comes from the journey's primary key
  (:func:`mandate_reference`), so the SEPA export recomputes the very reference the member signed.
* :func:`build_quote` — the devis of a validated affiliation.
* :func:`public_guarantees` / :func:`public_notice` — the generic documents linked from the formula step.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from config.catalogue import Catalogue
from config.pricing import household_from_answers, price_table
from forms.context import Answers
from forms.identifiers import format_code_organisme, format_nir, generate_rum, validate_ics
from forms.subscription import civilite_label
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext
from wizard.subscription.service import Terms, affiliation_answers, subscription_terms

if TYPE_CHECKING:  # ReportLab is imported by the first document rendered, not by every worker at start-up
    from signing.documents import bulletin, mandate
    from signing.documents.layout import Consent, Identity

ATTACHED_NIR = "Rattaché(e) au n° de l'assuré"
#: a French postal address ends with « 75020 Paris »: the town is where the member signs from
TOWN = re.compile(r"\b\d{5}\s+([^\n,]+)\s*$")


def mandate_reference(catalogue: Catalogue, journey_id: int, effective_date: date) -> str:
    """The RUM of the subscription journey ``journey_id``: unique with our ICS, stable across re-renders."""
    return generate_rum(catalogue.brand.creditor.rum_prefix, journey_id, effective_date.year)


def contract_number(ctx: DocumentContext) -> int:
    """The journey's primary key, or when the caller did not pass it a 64-bit digest of its public id.

    The digest keeps the RUM stable and, in practice, unique (a collision needs billions of contracts);
    the SEPA export reads the RUM the member signed from the evidence, so both sources stay consistent.
    """
    if ctx.journey_id is not None:
        return ctx.journey_id
    digest = hashlib.sha256(ctx.journey_public_id.encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") or 1


def signing_place(address: str) -> str:
    found = TOWN.search(address.strip())
    return found.group(1).strip() if found else "En ligne"


def _birth_place(data: Mapping[str, Any]) -> str:
    city, country = data.get("birth_city") or "", data.get("birth_country") or ""
    return f"{city} ({country})" if city and country else city or country


def member_identity(answers: Answers) -> Identity:
    personal, social = answers.get("personal", {}), answers.get("social_security", {})
    return _identity(personal, social)


def partner_identity(answers: Answers) -> Identity | None:
    partner = answers.get("partner")
    return _identity(partner, partner) if partner else None


def _identity(person: Mapping[str, Any], social: Mapping[str, Any]) -> Identity:
    """One person of the household as the documents print them (NIR in full: these are the signed copies)."""
    from signing.documents.layout import Identity  # noqa: PLC0415 - ReportLab only when rendering

    return Identity(
        civilite=civilite_label(person.get("civilite")),
        last_name=person.get("usage_name", ""),
        first_name=person.get("first_name", ""),
        birth_date=person["birth_date"],
        birth_name=person.get("birth_name", ""),
        birth_place=_birth_place(person),
        nir=format_nir(social.get("nir", "")),
        code_organisme=format_code_organisme(social.get("code_organisme", "")),
    )


def child_identities(answers: Answers) -> tuple[Identity, ...]:
    from signing.documents.layout import Identity  # noqa: PLC0415 - ReportLab only when rendering

    return tuple(
        Identity(
            civilite=civilite_label(child.get("civilite")),
            last_name=child.get("last_name", ""),
            first_name=child.get("first_name", ""),
            birth_date=child["birth_date"],
            birth_place=_birth_place(child),
            nir=format_nir(child["nir"]) if child.get("nir") else ATTACHED_NIR,
            code_organisme=format_code_organisme(child.get("code_organisme", "")),
        )
        for child in answers.get("children", {}).get("children", [])
    )


def _consents(answers: Answers) -> tuple[Consent, ...]:
    """Each consent as the box was worded (the last line of the stored text is the box's label)."""
    from signing.documents.layout import Consent  # noqa: PLC0415 - ReportLab only when rendering

    records = [answers.value("social_security", "teletransmission"), answers.value("contacts", "partner_offers")]
    return tuple(Consent(r["text"].splitlines()[-1], bool(r["accepted"])) for r in records if r)


def _terms(ctx: DocumentContext) -> Terms:
    terms = subscription_terms(ctx.catalogue, ctx.sources, ctx.effective_date, ctx.today)
    if terms is None:
        raise ValueError(f"journey {ctx.journey_public_id}: the affiliation chose no formula")
    return terms


def _bulletin(ctx: DocumentContext, terms: Terms, place: str) -> bulletin.BulletinData:
    from signing.documents import bulletin  # noqa: PLC0415 - ReportLab only when rendering
    from signing.documents.layout import AmountLine, Contact  # noqa: PLC0415 - ReportLab only when rendering

    contacts = ctx.answers.get("contacts", {})
    regime = ctx.catalogue.regime(ctx.answers.value("social_security", "regime") or "")
    return bulletin.BulletinData(
        contract_name=ctx.contract_name,
        member=member_identity(ctx.answers),
        contact=Contact(contacts.get("postal_address", ""), contacts.get("email", ""), contacts.get("phone", "")),
        level_label=terms.quote.level_label,
        amounts=tuple(AmountLine(line.label, line.cents) for line in terms.quote.lines),
        employer_note=ctx.catalogue.employer_note,
        effective_date=terms.effective_date,
        place=place,
        signed_on=ctx.today,
        partner=partner_identity(ctx.answers),
        children=child_identities(ctx.answers),
        consents=_consents(ctx.answers),
        regime_label=regime.label if regime else "",
        brand=ctx.catalogue.brand,
    )


def _mandate(ctx: DocumentContext, rum: str, place: str) -> mandate.MandateData:
    from signing.documents import mandate  # noqa: PLC0415 - ReportLab only when rendering

    personal, bank = ctx.answers.get("personal", {}), ctx.answers.get("bank", {})
    creditor = ctx.catalogue.brand.creditor
    validate_ics(creditor.ics)  # a misconfigured creditor must never reach a signed mandate
    return mandate.MandateData(
        rum=rum,
        debtor_last_name=personal.get("usage_name", ""),
        debtor_first_name=personal.get("first_name", ""),
        debtor_address=ctx.answers.value("contacts", "postal_address", ""),
        iban=bank["iban"],
        bic=bank.get("bic", ""),
        place=place,
        signed_on=ctx.today,
        creditor=creditor,
        brand=ctx.catalogue.brand,
    )


def build_subscription_documents(ctx: DocumentContext) -> list[DocumentToSign]:
    """Bulletin d'adhésion, mandat SEPA and notice d'information for the member's answers."""
    from signing.documents import bulletin, mandate, notice  # noqa: PLC0415 - ReportLab only when rendering

    terms = _terms(ctx)
    rum = mandate_reference(ctx.catalogue, contract_number(ctx), terms.effective_date)
    place = signing_place(ctx.answers.value("contacts", "postal_address", ""))
    creditor = ctx.catalogue.brand.creditor
    notice_data = notice.NoticeData(ctx.contract_name, effective_date=terms.effective_date, brand=ctx.catalogue.brand)
    #: the signing page announces the effective date and the monthly amount from the bulletin's metadata
    announced = {
        "template_version": bulletin.TEMPLATE_VERSION,
        "effective_date": terms.effective_date.isoformat(),
        "monthly_amount_cents": str(terms.monthly_cents),
    }
    return [
        DocumentToSign(
            "bulletin", bulletin.TITLE, "bulletin-adhesion.pdf",
            bulletin.render_bulletin(_bulletin(ctx, terms, place), specimen=ctx.specimen), announced,
        ),
        DocumentToSign(
            "mandate", mandate.TITLE, "mandat-sepa.pdf",
            mandate.render_mandate(_mandate(ctx, rum, place), specimen=ctx.specimen),
            {"template_version": mandate.TEMPLATE_VERSION, "rum": rum, "ics": creditor.ics},
        ),
        DocumentToSign(
            "notice", notice.TITLE, "notice-information.pdf",
            notice.render_notice(notice_data, specimen=ctx.specimen),
            {"template_version": f"{notice.TEMPLATE_VERSION}/{notice_data.text.version}"},
        ),
    ]  # fmt: skip


def build_quote(
    catalogue: Catalogue,
    sources: Mapping[str, Mapping[str, Mapping[str, Any]]],
    prefill: Mapping[str, Any],
    *,
    owner_name: str,
    effective_date: date,
    issued_on: date,
    specimen: bool = False,
) -> bytes:
    """The devis of the affiliation in ``sources``: every formula's price for the declared household."""
    from signing.documents import quote  # noqa: PLC0415 - ReportLab only when rendering

    answers = affiliation_answers(sources)
    household = household_from_answers(answers)
    people = [quote.QuotePerson(f"Vous — {owner_name}", prefill.get("birth_date"))]
    if household.partner:
        people.append(quote.QuotePerson("Conjoint(e)", answers.value("household", "partner_birth_date")))
    children = answers.get("children", {}).get("children", [])
    people += [
        quote.QuotePerson(f"Enfant {rank}", children[rank - 1]["birth_date"] if rank <= len(children) else None)
        for rank in range(1, household.children + 1)
    ]
    levels = tuple(
        quote.QuoteLevel(q.level_label, tuple(line.cents for line in q.lines))
        for q in price_table(catalogue, household).values()
    )
    data = quote.QuoteData(
        contract_name=catalogue.contract_name, issued_on=issued_on, effective_date=effective_date,
        people=tuple(people), levels=levels, employer_note=catalogue.employer_note, brand=catalogue.brand,
    )  # fmt: skip
    return quote.render_quote(data, specimen=specimen)


def public_guarantees(catalogue: Catalogue) -> bytes:
    from signing.documents import guarantees  # noqa: PLC0415 - ReportLab only when rendering

    return guarantees.render_guarantees(guarantees.guarantees_from_catalogue(catalogue))


def public_notice(catalogue: Catalogue) -> bytes:
    from signing.documents import notice  # noqa: PLC0415 - ReportLab only when rendering

    return notice.render_notice(notice.NoticeData(catalogue.contract_name, brand=catalogue.brand))
