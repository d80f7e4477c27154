"""The document a family change signs: the avenant, from the journey's answers and the contract's cover."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from config.pricing import Quote
from forms.family_cover import Effect, effect, event_label, person_label, specimen_cover
from signing.providers.base import DocumentToSign
from wizard.journeys.flow import DocumentContext

if TYPE_CHECKING:  # ReportLab is imported by the first document rendered, not by every worker at start-up
    from signing.documents.amendment import AmendmentData, AmountRow
    from signing.documents.layout import Identity


def _member(context: DocumentContext) -> Identity:
    from signing.documents.layout import Identity  # noqa: PLC0415 - ReportLab only when rendering

    prefill = context.prefill
    first, last = prefill.get("first_name") or "", prefill.get("last_name") or ""
    if not (first or last):
        first = context.owner_name
    born = prefill.get("birth_date")
    return Identity(
        civilite=prefill.get("civility") or "", last_name=last, first_name=first,
        birth_date=born if isinstance(born, date) else date.fromisoformat(str(born)) if born else date(1900, 1, 1),
    )  # fmt: skip


def _rows(before: Quote, after: Quote) -> tuple[AmountRow, ...]:
    """One row per line of either quote, matched by label (« Vous », « Conjoint(e) », « Enfant 2 »…)."""
    from signing.documents.amendment import AmountRow  # noqa: PLC0415 - ReportLab only when rendering

    labels = list(dict.fromkeys([line.label for line in before.lines] + [line.label for line in after.lines]))
    old = {line.label: line.cents for line in before.lines}
    new = {line.label: line.cents for line in after.lines}
    return tuple(AmountRow(label, old.get(label), new.get(label)) for label in labels)


def timing_note(found: Effect) -> str:
    if found.within_period:
        return (
            f"Changement déclaré dans les {found.period_days} jours suivant l'événement : il prend effet le 1er "
            "jour du mois qui suit l'événement."
        )
    return (
        f"Changement déclaré plus de {found.period_days} jours après l'événement : il prend effet le 1er jour "
        "du mois qui suit la déclaration."
    )


def amendment_data(context: DocumentContext) -> AmendmentData:
    from signing.documents.amendment import AmendmentData  # noqa: PLC0415 - ReportLab only when rendering

    fallback = specimen_cover(context.catalogue, context.effective_date) if context.specimen else None
    found = effect(context.answers, context.catalogue, context.today, fallback)
    if found is None:
        raise ValueError("the avenant needs a complete declaration")
    level = context.catalogue.level(found.after.level)
    return AmendmentData(
        contract_name=context.contract_name, member=_member(context),
        event_label=event_label(str(context.answers.value("event", "event"))), event_date=found.event_date,
        action=found.action, person_label=person_label(found.person), effective_date=found.effective_date,
        timing_note=timing_note(found), rows=_rows(found.before, found.after),
        before_cents=found.before.total_cents, after_cents=found.after.total_cents,
        level_label=level.label if level else found.after.level, signed_on=context.today,
        place=str(context.answers.value("event", "place") or ""), brand=context.catalogue.brand,
    )  # fmt: skip


def build_amendment_documents(context: DocumentContext) -> list[DocumentToSign]:
    """One PDF: the avenant, with the figures the review page showed."""
    from signing.documents.amendment import TEMPLATE_VERSION, render_amendment  # noqa: PLC0415 - ReportLab only when rendering

    return [
        DocumentToSign(
            kind="amendment",
            title="Avenant — changement de situation familiale",
            filename="avenant-changement-de-situation.pdf",
            pdf=render_amendment(amendment_data(context), specimen=context.specimen),
            metadata={"template_version": TEMPLATE_VERSION},
        )
    ]
