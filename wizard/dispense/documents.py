"""The document the dispense journey signs: the attestation sur l'honneur, built from the journey's answers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext

if TYPE_CHECKING:  # ReportLab is imported by the first document rendered, not by every worker at start-up
    from signing.documents.dispense import DispenseData


def _birth_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[no-any-return]


def dispense_data(context: DocumentContext) -> DispenseData:
    """The attestation's content: the agent's identity and contacts as confirmed, the ticked reason, the dates."""
    from signing.documents.dispense import DispenseData  # noqa: PLC0415 - ReportLab only when rendering
    from signing.documents.layout import Contact, Identity  # noqa: PLC0415 - ReportLab only when rendering

    answers = context.answers
    person = answers["attestation"]
    code = answers.value("reason", "reason")
    reason = context.catalogue.dispense_reason(code)
    # details answered for an earlier reason must not leak onto the attestation of the current one
    needs_insurer = reason is not None and reason.needs_insurer
    return DispenseData(
        contract_name=context.contract_name,
        agent=Identity(
            civilite=person["civility"],
            last_name=person["last_name"],
            first_name=person["first_name"],
            birth_date=_birth_date(person["birth_date"]),
            birth_name=person.get("birth_name") or "",
        ),
        contact=Contact(address=person["postal_address"], email=person["email"], phone=person.get("phone") or ""),
        reasons=context.catalogue.dispense_reasons,
        chosen_reason=code,
        place=person["place"],
        signed_on=context.today,
        end_date=answers.value("details", "end_date"),
        other_insurer=(answers.value("details", "other_insurer") or "") if needs_insurer else "",
        brand=context.catalogue.brand,
    )


def build_dispense_documents(context: DocumentContext) -> list[DocumentToSign]:
    """One PDF: the attestation sur l'honneur, the only proof a dispense is accepted on."""
    from signing.documents.dispense import TEMPLATE_VERSION, render_dispense  # noqa: PLC0415 - ReportLab only when rendering

    pdf = render_dispense(dispense_data(context), specimen=context.specimen)
    return [
        DocumentToSign(
            kind="dispense",
            title="Attestation sur l'honneur de dispense d'adhésion",
            filename="attestation-dispense.pdf",
            pdf=pdf,
            metadata={"template_version": TEMPLATE_VERSION},
        )
    ]
