"""The document the designation journey signs: the designation with its full clause, from the answers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from signing.providers.base import DocumentToSign
from wizard.designation.service import MODE_LABELS, beneficiaries_from_answers, clause_from_answers, relationship_label
from wizard.journeys.flow import DocumentContext

if TYPE_CHECKING:  # ReportLab is imported by the first document rendered, not by every worker at start-up
    from signing.documents.designation import DesignationData
    from signing.documents.layout import Identity


def _member(context: DocumentContext) -> Identity:
    from signing.documents.layout import Identity  # noqa: PLC0415 - ReportLab only when rendering

    prefill = context.prefill
    born = context.answers.value("choice", "birth_date")
    first, last = prefill.get("first_name") or "", prefill.get("last_name") or ""
    if not (first or last):
        first = context.owner_name
    return Identity(
        civilite=prefill.get("civility") or "",
        last_name=last,
        first_name=first,
        birth_date=born if isinstance(born, date) else date.fromisoformat(str(born)),
        birth_name=prefill.get("birth_name") or "",
        birth_place=prefill.get("birth_place") or "",
    )


def designation_data(context: DocumentContext) -> DesignationData:
    from signing.documents.designation import Beneficiary, DesignationData  # noqa: PLC0415 - ReportLab only when rendering

    answers = context.answers
    mode = answers.value("choice", "mode")
    named = beneficiaries_from_answers(answers)
    catalogue = context.catalogue
    return DesignationData(
        contract_name=catalogue.death_benefit_contract_name or context.contract_name,
        member_number=str(context.prefill.get("member_number") or ""),
        predeceased_share=catalogue.predeceased_share_clause if named else "",
        member=_member(context),
        mode_label=MODE_LABELS[mode],
        clause_text=clause_from_answers(answers, context.catalogue),
        place=answers.value("choice", "place"),
        signed_on=context.today,
        beneficiaries=tuple(
            Beneficiary(
                rank=b.rank,
                last_name=b.last_name.upper(),
                first_names=b.first_names,
                relationship=relationship_label(b.relationship),
                share_percent=b.share,
                birth_name=b.birth_name,
                birth_date=b.birth_date,
                birth_place=b.birth_place,
                address=b.address,
            )
            for b in named
        ),
        brand=context.catalogue.brand,
    )


def build_designation_documents(context: DocumentContext) -> list[DocumentToSign]:
    """One PDF: the designation and its clause, exactly as reviewed."""
    from signing.documents.designation import TEMPLATE_VERSION, render_designation  # noqa: PLC0415 - ReportLab only when rendering

    return [
        DocumentToSign(
            kind="designation",
            title="Désignation de bénéficiaires",
            filename="designation-beneficiaires.pdf",
            pdf=render_designation(designation_data(context), specimen=context.specimen),
            metadata={"template_version": TEMPLATE_VERSION},
        )
    ]
