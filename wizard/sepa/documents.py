"""The document of « Modifier mon RIB »: the mandate's new version, same RUM, for the new account.

Pure like the other bundles: the RUM, ICS, debtor identity and address come from the journey's prefill (the
mandate in force when the journey started), the account from the journey's answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from config.catalogue import Creditor
from forms.identifiers import validate_ics
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext
from wizard.subscription.documents import signing_place


def build_rib_change_documents(ctx: DocumentContext) -> list[DocumentToSign]:
    """The amended mandate the member signs (naming the holder they typed when the account is someone
    else's: then it is their request, and the holder signs :func:`build_rib_change_holder_mandate`)."""
    return [_rib_change_mandate(ctx, None)]


def build_rib_change_holder_mandate(ctx: DocumentContext, holder: Mapping[str, str]) -> DocumentToSign:
    """The amended mandate naming the account holder who is not the member as debtor, for them to sign."""
    return _rib_change_mandate(ctx, holder)


def _rib_change_mandate(ctx: DocumentContext, holder_identity: Mapping[str, str] | None) -> DocumentToSign:
    from signing.documents import mandate  # noqa: PLC0415 - ReportLab loads only when a PDF is rendered

    prefill, details = ctx.prefill, ctx.answers.get("details", {})
    rum = prefill.get("rum") or ("SPECIMEN" if ctx.specimen else "")  # an HR preview has no mandate
    if not rum:
        raise ValueError(f"journey {ctx.journey_public_id}: a RIB change needs the mandate's RUM")
    configured = ctx.catalogue.brand.creditor
    validate_ics(configured.ics)
    # the creditor of the mandate being amended: same ICS, same RUM (a new RUM would be a new mandate)
    creditor = Creditor(
        name=configured.name, address=configured.address, ics=prefill.get("ics") or configured.ics,
        iban=configured.iban, bic=configured.bic, rum_prefix=configured.rum_prefix,
    )  # fmt: skip
    address = details.get("holder_address") or prefill.get("address", "")
    holder = details.get("account_holder", "")
    first, last = prefill.get("first_name", ""), prefill.get("last_name", "")
    # the member's own account: name and first name as at subscription; someone else's: the holder as typed
    names = (
        (last, first)
        if holder.casefold() in {f"{first} {last}".casefold(), f"{last} {first}".casefold()}
        else (holder, "")
    )
    if details.get("holder_is_member") == "no" and details.get("holder_last_name"):
        names = (details["holder_last_name"], details.get("holder_first_name", ""))
    if holder_identity is not None:
        names = (holder_identity.get("last_name", ""), holder_identity.get("first_name", ""))
        address = holder_identity.get("address") or address
    data = mandate.MandateData(
        rum=rum,
        debtor_last_name=names[0],
        debtor_first_name=names[1],
        debtor_address=address,
        iban=details["iban"],
        bic=details.get("bic", ""),
        place=signing_place(address),
        signed_on=ctx.today,
        creditor=creditor,
        brand=ctx.catalogue.brand,
    )
    return DocumentToSign(
        "mandate", mandate.TITLE, "mandat-sepa-modification.pdf",
        mandate.render_mandate(data, specimen=ctx.specimen),
        {"template_version": mandate.TEMPLATE_VERSION, "rum": rum, "ics": creditor.ics},
    )  # fmt: skip
