"""Benchmark: render and seal the three subscription documents (bulletin, mandate, notice).

Usage: ``.venv/bin/python -m bench.documents --runs 20``. Prints median and p95 times in ms per document,
and, as an in-run baseline on the same machine, the time to render a one-paragraph plain ReportLab PDF
(the ratio shows what the shared layout costs, independent of the machine's speed). Not a test.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from config.catalogue import default_catalogue
from signing.documents.bulletin import BulletinData, render_bulletin
from signing.documents.layout import AmountLine, Consent, Contact, Identity
from signing.documents.mandate import MandateData, render_mandate
from signing.documents.notice import NoticeData, render_notice
from signing.pki import Pki, ensure_pki
from signing.seal import seal_pdf

MEMBER = Identity("Madame", "Dupré", "Hélène", date(1995, 10, 3), "Garçon", "Genève (Suisse)", "295109912611193")
CONTACT = Contact("3 place de l'Église, 69001 Lyon", "helene.dupre@example.org", "06 12 34 56 78")
SIGNED_ON = date(2026, 4, 12)


def bulletin_data() -> BulletinData:
    catalogue = default_catalogue()
    return BulletinData(
        contract_name=catalogue.contract_name,
        member=MEMBER,
        contact=CONTACT,
        level_label="Base + Option 2",
        amounts=(AmountLine("Hélène Dupré (agent)", 1600), AmountLine("Léa Dupré (enfant)", 1600)),
        employer_note=catalogue.employer_note,
        effective_date=date(2026, 5, 1),
        place="Lyon",
        signed_on=SIGNED_ON,
        children=(Identity("", "Dupré", "Léa", date(2019, 6, 1), birth_place="Lyon"),),
        consents=(Consent("J'accepte l'utilisation de la télétransmission de mes données", True),),
    )


def mandate_data() -> MandateData:
    return MandateData(
        rum="HP-2026-000123",
        debtor_last_name="Dupré",
        debtor_first_name="Hélène",
        debtor_address=CONTACT.address,
        iban="FR7630006000011234567890189",
        place="Lyon",
        signed_on=SIGNED_ON,
    )


def documents() -> dict[str, Callable[[], bytes]]:
    bulletin, mandate = bulletin_data(), mandate_data()
    notice = NoticeData(contract_name=default_catalogue().contract_name, effective_date=date(2026, 5, 1))
    return {
        "bulletin": lambda: render_bulletin(bulletin),
        "mandat": lambda: render_mandate(mandate),
        "notice": lambda: render_notice(notice),
    }


def plain_pdf() -> bytes:
    """The baseline: one paragraph, default ReportLab template, no custom layout."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, invariant=1)
    doc.build([Paragraph("Bulletin d'adhésion — un seul paragraphe.", getSampleStyleSheet()["Normal"])])
    return buffer.getvalue()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def seal(pdf: bytes, pki: Pki) -> bytes:
    now = datetime.now(UTC)
    return seal_pdf(pdf, pki=pki, signer_name="Hélène Dupré", signed_at=now, evidence={"bench": True})


def run(runs: int, pki: Pki) -> None:
    baseline = [timed(plain_pdf) for _ in range(runs)]
    base_median = statistics.median(baseline)
    print(f"{'document':<10} {'render med':>10} {'p95':>8} {'seal med':>9} {'p95':>8} {'render/baseline':>16}")
    for name, render in documents().items():
        pdf = render()
        renders = [timed(render) for _ in range(runs)]
        seals = [timed(partial(seal, pdf, pki)) for _ in range(runs)]
        median = statistics.median(renders)
        print(
            f"{name:<10} {median:>10.1f} {p95(renders):>8.1f} {statistics.median(seals):>9.1f} "
            f"{p95(seals):>8.1f} {median / base_median:>15.1f}x"
        )
    print(f"baseline one-paragraph ReportLab PDF: median {base_median:.1f} ms, p95 {p95(baseline):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="timed repetitions per measure (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pki = ensure_pki(Path(folder) / "pki", "Mutuelle Horizon Publique (banc d'essai)")
        for render in documents().values():  # warm-up: imports, font metrics, caches
            seal(render(), pki)
        plain_pdf()
        run(max(args.runs, 1), pki)


if __name__ == "__main__":
    main()
