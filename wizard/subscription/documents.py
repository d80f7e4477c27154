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
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from config.catalogue import Catalogue
from config.pricing import household_from_answers, price_table
from forms.affiliation import PARTNER_LINKS
from forms.context import Answers
from forms.identifiers import format_code_organisme, format_nir, generate_rum, validate_ics
from forms.subscription import civilite_label
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext
from wizard.subscription.service import Terms, affiliation_answers, subscription_terms

if TYPE_CHECKING:  # ReportLab is imported by the first document rendered, not by every worker at start-up
    from signing.documents import bulletin, mandate
    from signing.documents.layout import AmountLine, Consent, Identity

ATTACHED_NIR = "Rattaché(e) au n° de l'assuré"
ATTACHED_PARTNER_NIR = "Rattaché(e) au n° du (de la) conjoint(e)"
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


def _attached_label(choice: str | None) -> str:
    return ATTACHED_PARTNER_NIR if choice == "attached_partner" else ATTACHED_NIR


def child_identities(answers: Answers) -> tuple[Identity, ...]:
    from signing.documents.layout import Identity  # noqa: PLC0415 - ReportLab only when rendering

    return tuple(
        Identity(
            civilite=civilite_label(child.get("civilite")),
            last_name=child.get("last_name", ""),
            first_name=child.get("first_name", ""),
            birth_date=child["birth_date"],
            birth_place=_birth_place(child),
            nir=format_nir(child["nir"]) if child.get("nir") else _attached_label(child.get("nir_choice")),
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


#: why a child is covered past 21, and the proof the member sends for it
CHILD_SITUATION_PROOFS = {
    "student": ("Étudiant(e)", "Certificat de scolarité de l'année en cours"),
    "apprentice": ("Apprenti(e)", "Copie du contrat d'apprentissage en cours"),
    "job_seeker": ("Demandeur(se) d'emploi", "Attestation d'inscription à France Travail"),
    "disabled": ("En situation de handicap reconnue (CDAPH)", "Notification de décision de la CDAPH"),
}


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - int((on.month, on.day) < (born.month, born.day))


def child_situations(ctx: DocumentContext, effective: date) -> tuple[bulletin.ChildSituation, ...]:
    """Children aged 21 or more on the member's effective date, with the situation declared at affiliation."""
    from signing.documents import bulletin  # noqa: PLC0415 - ReportLab only when rendering

    declared = affiliation_answers(ctx.sources).get("children", {}).get("children", [])
    found = []
    for index, child in enumerate(child_identities(ctx.answers)):
        situation = declared[index].get("situation") if index < len(declared) else None
        age = _age_on(child.birth_date, effective)
        if age >= 21 and situation in CHILD_SITUATION_PROOFS:
            label, proof = CHILD_SITUATION_PROOFS[situation]
            found.append(bulletin.ChildSituation(f"{child.first_name} {child.last_name}", age, label, proof))
    return tuple(found)


def named_amounts(ctx: DocumentContext, terms: Terms) -> tuple[AmountLine, ...]:
    """The contribution lines with each person's name (« Vous / Conjoint(e) / Enfant n » on screen)."""
    from signing.documents.layout import AmountLine  # noqa: PLC0415 - ReportLab only when rendering

    member = member_identity(ctx.answers)
    partner = partner_identity(ctx.answers)
    children = child_identities(ctx.answers)
    names = [f"{member.first_name} {member.last_name} (adhérent(e))"]
    if partner is not None:
        names.append(f"{partner.first_name} {partner.last_name} (conjoint(e))")
    names += [f"{child.first_name} {child.last_name} (enfant)" for child in children]
    lines = terms.quote.lines
    return tuple(
        AmountLine(names[index] if index < len(names) else line.label, line.cents) for index, line in enumerate(lines)
    )


def partner_link_label(ctx: DocumentContext) -> str:
    link = affiliation_answers(ctx.sources).value("household", "partner_link")
    return next((str(choice.label) for choice in PARTNER_LINKS if choice.value == link), "")


def _bulletin(ctx: DocumentContext, terms: Terms, place: str) -> bulletin.BulletinData:
    from signing.documents import bulletin  # noqa: PLC0415 - ReportLab only when rendering
    from signing.documents.layout import Contact  # noqa: PLC0415 - ReportLab only when rendering

    contacts = ctx.answers.get("contacts", {})
    regime = ctx.catalogue.regime(ctx.answers.value("social_security", "regime") or "")
    return bulletin.BulletinData(
        contract_name=ctx.contract_name,
        member=member_identity(ctx.answers),
        contact=Contact(contacts.get("postal_address", ""), contacts.get("email", ""), contacts.get("phone", "")),
        level_label=terms.quote.level_label,
        amounts=named_amounts(ctx, terms),
        partner_link=partner_link_label(ctx),
        child_situations=child_situations(ctx, terms.effective_date),
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


def holder_is_member(answers: Answers) -> bool:
    """« Êtes-vous titulaire du compte ? » answered « Oui » (answers from before the question: the member)."""
    return bool(answers.value("bank", "holder_is_member") != "no")


def account_holder(answers: Answers) -> dict[str, str]:
    """Who holds the debited account, as typed on the bank step: identity, email (another holder) and address."""
    bank, personal = answers.get("bank", {}), answers.get("personal", {})
    member = holder_is_member(answers)
    return {
        "civilite": bank.get("holder_civilite") or (personal.get("civilite", "") if member else ""),
        "first_name": bank.get("holder_first_name") or (personal.get("first_name", "") if member else ""),
        "last_name": bank.get("holder_last_name") or (personal.get("usage_name", "") if member else ""),
        "email": bank.get("holder_email") or "",
        #: the holder's typed address; before the bank step asked it, the contacts address
        "address": bank.get("debtor_address") or answers.value("contacts", "postal_address", ""),
    }


def documents_place(answers: Answers) -> str:
    """« Fait à … »: the town the member typed on the bank step (older answers: the address's town)."""
    typed = answers.value("bank", "signing_place")
    return str(typed) if typed else signing_place(answers.value("contacts", "postal_address", ""))


def _mandate(
    ctx: DocumentContext, rum: str, place: str, holder: Mapping[str, str] | None = None
) -> mandate.MandateData:
    from signing.documents import mandate  # noqa: PLC0415 - ReportLab only when rendering

    bank = ctx.answers.get("bank", {})
    holder = holder or account_holder(ctx.answers)
    creditor = ctx.catalogue.brand.creditor
    validate_ics(creditor.ics)  # a misconfigured creditor must never reach a signed mandate
    return mandate.MandateData(
        rum=rum,
        debtor_last_name=holder["last_name"],
        debtor_first_name=holder["first_name"],
        debtor_address=holder["address"],
        iban=bank["iban"],
        bic=bank.get("bic", ""),
        place=place,
        signed_on=ctx.today,
        creditor=creditor,
        brand=ctx.catalogue.brand,
        signer_caption="Signature du débiteur"
        if holder_is_member(ctx.answers)
        else "Signature du titulaire du compte (débiteur)",
    )


def build_holder_mandate(ctx: DocumentContext, holder: Mapping[str, str] | None = None) -> DocumentToSign:
    """The mandate alone, for the account holder who is not the member to sign (``holder`` overrides the
    identity typed on the bank step when the member changed the holder afterwards)."""
    from signing.documents import mandate  # noqa: PLC0415 - ReportLab only when rendering

    terms = _terms(ctx)
    rum = mandate_reference(ctx.catalogue, contract_number(ctx), terms.effective_date)
    creditor = ctx.catalogue.brand.creditor
    return DocumentToSign(
        "mandate", mandate.TITLE, "mandat-sepa.pdf",
        mandate.render_mandate(_mandate(ctx, rum, documents_place(ctx.answers), holder), specimen=ctx.specimen),
        {"template_version": mandate.TEMPLATE_VERSION, "rum": rum, "ics": creditor.ics},
    )  # fmt: skip


def build_subscription_documents(ctx: DocumentContext) -> list[DocumentToSign]:
    """Bulletin d'adhésion, mandat SEPA and notice d'information for the member's answers."""
    from signing.documents import bulletin, mandate, notice  # noqa: PLC0415 - ReportLab only when rendering

    terms = _terms(ctx)
    rum = mandate_reference(ctx.catalogue, contract_number(ctx), terms.effective_date)
    place = documents_place(ctx.answers)
    creditor = ctx.catalogue.brand.creditor
    notice_data = notice.NoticeData(ctx.contract_name, effective_date=terms.effective_date, brand=ctx.catalogue.brand)
    #: the signing page announces the effective date and the monthly amount from the bulletin's metadata
    announced = {
        "template_version": bulletin.TEMPLATE_VERSION,
        "effective_date": terms.effective_date.isoformat(),
        "monthly_amount_cents": str(terms.monthly_cents),
    }
    built = [
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
    # an account held by someone else: they sign the mandate (wizard.subscription.mandate_holder), not the member
    return built if holder_is_member(ctx.answers) else [d for d in built if d.kind != "mandate"]


def build_quote(
    catalogue: Catalogue,
    sources: Mapping[str, Mapping[str, Mapping[str, Any]]],
    prefill: Mapping[str, Any],
    *,
    owner_name: str,
    effective_date: date,
    issued_on: date,
    specimen: bool = False,
    contract_name: str = "",
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
        contract_name=contract_name or catalogue.contract_name, issued_on=issued_on, effective_date=effective_date,
        people=tuple(people), levels=levels, employer_note=catalogue.employer_note, brand=catalogue.brand,
    )  # fmt: skip
    return quote.render_quote(data, specimen=specimen)


def public_guarantees(catalogue: Catalogue, contract_name: str = "") -> bytes:
    """The tableau de garanties, titled with the member's contract name when known (else the catalogue's)."""
    from signing.documents import guarantees  # noqa: PLC0415 - ReportLab only when rendering

    data = guarantees.guarantees_from_catalogue(catalogue)
    if contract_name:
        data = replace(data, contract_name=contract_name)
    return guarantees.render_guarantees(data)


def public_notice(catalogue: Catalogue, contract_name: str = "") -> bytes:
    from signing.documents import notice  # noqa: PLC0415 - ReportLab only when rendering

    return notice.render_notice(notice.NoticeData(contract_name or catalogue.contract_name, brand=catalogue.brand))
