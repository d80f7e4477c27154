"""The document of « Modifier mon RIB »: the mandate's new version, same RUM, for the new account.

Pure like the other bundles: the RUM, ICS, debtor identity and address come from the journey's prefill (the
mandate in force when the journey started), the account from the journey's answers.
"""

from __future__ import annotations

from config.catalogue import Creditor
from forms.identifiers import validate_ics
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext
from wizard.subscription.documents import signing_place


def build_rib_change_documents(ctx: DocumentContext) -> list[DocumentToSign]:
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
    address = prefill.get("address", "")
    holder = details.get("account_holder", "")
    first, last = prefill.get("first_name", ""), prefill.get("last_name", "")
    # the member's own account: name and first name as at subscription; someone else's: the holder as typed
    names = (
        (last, first)
        if holder.casefold() in {f"{first} {last}".casefold(), f"{last} {first}".casefold()}
        else (holder, "")
    )
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
    return [
        DocumentToSign(
            "mandate", mandate.TITLE, "mandat-sepa-modification.pdf",
            mandate.render_mandate(data, specimen=ctx.specimen),
            {"template_version": mandate.TEMPLATE_VERSION, "rum": rum, "ics": creditor.ics},
        )
    ]  # fmt: skip
