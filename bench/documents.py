"""Benchmark: render and seal the three subscription documents (bulletin, mandate, notice).

Usage: ``.venv/bin/python -m bench.documents --runs 20``. Prints median and p95 times in ms per document,
with the documents' embedded, subset DejaVu Sans fonts (the notice rendered anew each time, though the product
renders it once per process for each contract and date), then the **bundle**: the three documents rendered and
sealed one after the other, as the subscription does (issue #14's target: ≤ 100 ms median), and two in-run
baselines on the same machine:

* a one-paragraph plain ReportLab PDF (what the shared layout costs, independent of the machine's speed);
* WeasyPrint rendering the same documents' content from HTML with the same embedded font (the ``bench``
  extra: ``pip install '.[bench]'``), and the ratio WeasyPrint / ReportLab per document and for the bundle
  (WeasyPrint's bundle is the three renders only, no seal: the ratio compares it with ReportLab's renders, and
  the bundle line also gives it against the whole rendered and sealed bundle).

Not a test.
"""

from __future__ import annotations

import argparse
import html
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
from config.formats import euros
from signing.documents import notice as notice_module
from signing.documents.bulletin import BulletinData, render_bulletin
from signing.documents.layout import AmountLine, Consent, Contact, Identity, font_path, identity_rows
from signing.documents.mandate import MandateData, authorisation_text, render_mandate
from signing.documents.notice import NoticeData, render_notice
from signing.pki import Pki, ensure_pki
from signing.seal import seal_pdf

MEMBER = Identity("Monsieur", "Šťěpánek-Øberg", "Łukasz", date(1995, 10, 3), "Štěpánek", "Kraków (Pologne)",
                  "195109912611193")  # fmt: skip
CONTACT = Contact("3 place de l'Église, 69001 Lyon", "helene.dupre@example.org", "06 12 34 56 78")
SIGNED_ON = date(2026, 4, 12)
#: issue #14: the three subscription documents rendered and sealed, median
TARGET_MS = 100


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


def documents(*, cold: bool = False) -> dict[str, Callable[[], bytes]]:
    """The three documents' renderings; ``cold``: the notice rendered anew each time (its per-process cache
    emptied first, as for the first member of a contract and effective date in a process)."""
    bulletin, mandate = bulletin_data(), mandate_data()
    notice = NoticeData(contract_name=default_catalogue().contract_name, effective_date=date(2026, 5, 1))

    def render_notice_cold() -> bytes:
        notice_module._rendered_notice.cache_clear()  # the bench measures the cold render too
        return render_notice(notice)

    return {
        "bulletin": lambda: render_bulletin(bulletin),
        "mandat": lambda: render_mandate(mandate),
        "notice": render_notice_cold if cold else lambda: render_notice(notice),
    }


# --- WeasyPrint baseline: the same content as HTML, the same embedded font ------------------------------

PAGE_CSS = """
@font-face { font-family: "DejaVu Sans"; src: url("file://%(regular)s"); }
@font-face { font-family: "DejaVu Sans"; font-weight: bold; src: url("file://%(bold)s"); }
@page { size: A4; margin: 30mm 18mm 26mm 18mm;
        @top-left { content: "Mutuelle Horizon Publique"; font: bold 13pt "DejaVu Sans"; color: #1d4f91; }
        @bottom-right { content: "Page " counter(page) " / " counter(pages); font: 7.5pt "DejaVu Sans"; } }
body { font: 9.5pt/12.5pt "DejaVu Sans"; }
h1 { font-size: 16pt; } h2 { font-size: 11.5pt; }
table { width: 100%%; border-collapse: collapse; margin-bottom: 6pt; }
td, th { border: 0.4pt solid #5b6470; padding: 2pt 4pt; vertical-align: top; font-size: 9pt; }
th { background: #e9eef5; }
"""


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in pairs)
    return f"<table>{cells}</table>"


def _page(title: str, body: str) -> str:
    return f"<html lang='fr'><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}"


def bulletin_html(data: BulletinData) -> str:
    amounts = [(line.label, euros(line.monthly_cents)) for line in data.amounts]
    return _page(
        "Bulletin d'adhésion",
        f"<h2>L'adhérent(e)</h2>{_rows(identity_rows(data.member))}"
        f"<h2>Coordonnées</h2>{_rows([('Adresse', data.contact.address), ('Courriel', data.contact.email)])}"
        f"<h2>Formule et cotisations</h2>{_rows([*amounts, ('Total mensuel', euros(data.total_cents))])}"
        f"<p>{html.escape(data.employer_note)}</p>"
        f"<p>Fait à {data.place}, le {data.signed_on:%d/%m/%Y}</p>",
    )


def mandate_html(data: MandateData) -> str:
    debtor = [("Nom", data.debtor_last_name), ("Prénom", data.debtor_first_name), ("Adresse", data.debtor_address),
              ("IBAN", data.iban)]  # fmt: skip
    return _page(
        "Mandat de prélèvement SEPA",
        f"{_rows([('Référence unique du mandat (RUM)', data.rum)])}<p>{authorisation_text(data.creditor.name)}</p>"
        f"<h2>Débiteur</h2>{_rows(debtor)}<p>Fait à {data.place}, le {data.signed_on:%d/%m/%Y}</p>",
    )


def notice_html(data: NoticeData) -> str:
    sections = "".join(
        f"<h2>{html.escape(s.title)}</h2>" + "".join(f"<p>{html.escape(p)}</p>" for p in s.paragraphs)
        for s in data.text.sections
    )
    return _page("Notice d'information", f"<p>{html.escape(data.text.intro)}</p>{sections}")


def weasyprint_documents() -> dict[str, Callable[[], bytes]] | None:
    """The same three documents rendered by WeasyPrint, or None when the ``bench`` extra is not installed."""
    try:
        from weasyprint import CSS as WeasyCSS  # noqa: PLC0415, N811 - optional, bench-only dependency
        from weasyprint import HTML  # noqa: PLC0415
    except ImportError:
        return None
    from signing.documents.layout import FONT_BOLD  # noqa: PLC0415

    stylesheet = WeasyCSS(string=PAGE_CSS % {"regular": font_path(), "bold": font_path(FONT_BOLD)})
    notice = NoticeData(contract_name=default_catalogue().contract_name, effective_date=date(2026, 5, 1))
    sources = {"bulletin": bulletin_html(bulletin_data()), "mandat": mandate_html(mandate_data()),
               "notice": notice_html(notice)}  # fmt: skip

    def render(source: str) -> bytes:
        out: bytes = HTML(string=source).write_pdf(stylesheets=[stylesheet])
        return out

    return {name: partial(render, source) for name, source in sources.items()}


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
    weasy = weasyprint_documents()
    print(
        f"{'document':<10} {'render med':>10} {'p95':>8} {'seal med':>9} {'p95':>8} {'render/baseline':>16}"
        + (f" {'WeasyPrint med':>15} {'p95':>8} {'Weasy/RL':>9}" if weasy else "")
    )
    for name, render in documents(cold=True).items():
        pdf = render()
        renders = [timed(render) for _ in range(runs)]
        seals = [timed(partial(seal, pdf, pki)) for _ in range(runs)]
        median = statistics.median(renders)
        line = (
            f"{name:<10} {median:>10.1f} {p95(renders):>8.1f} {statistics.median(seals):>9.1f} "
            f"{p95(seals):>8.1f} {median / base_median:>15.1f}x"
        )
        if weasy:
            weasy[name]()  # warm-up
            other = [timed(weasy[name]) for _ in range(runs)]
            line += f" {statistics.median(other):>15.1f} {p95(other):>8.1f} {statistics.median(other) / median:>8.1f}x"
        print(line)
    print(f"baseline one-paragraph ReportLab PDF: median {base_median:.1f} ms, p95 {p95(baseline):.1f} ms")
    bundle(runs, pki, weasy)


def render_all(renders: list[Callable[[], bytes]]) -> list[bytes]:
    return [render() for render in renders]


def render_and_seal(renders: list[Callable[[], bytes]], pki: Pki) -> list[bytes]:
    """What the subscription does: each document rendered, then sealed, one after the other."""
    return [seal(render(), pki) for render in renders]


def bundle(runs: int, pki: Pki, weasy: dict[str, Callable[[], bytes]] | None) -> None:
    """The three documents rendered then sealed one after the other (what a subscription's signature costs).

    Twice: with the notice already rendered for this contract and date in the process (every member after the
    first), and cold (the notice rendered too).
    """
    rendered: list[float] = []
    for label, cold in (("", False), (", notice rendered anew", True)):
        renders = list(documents(cold=cold).values())
        sealed = [timed(partial(render_and_seal, renders, pki)) for _ in range(runs)]
        rendered = [timed(partial(render_all, renders)) for _ in range(runs)]
        median = statistics.median(sealed)
        verdict = "met" if median <= TARGET_MS else "NOT met"
        print(
            f"bundle (3 documents{label}) render+seal: median {median:.1f} ms, p95 {p95(sealed):.1f} ms "
            f"(target ≤ {TARGET_MS} ms: {verdict}); render only: median {statistics.median(rendered):.1f} ms, "
            f"p95 {p95(rendered):.1f} ms"
        )
    if weasy:  # against the cold ReportLab bundle: WeasyPrint renders all three every time
        other = [timed(partial(render_all, list(weasy.values()))) for _ in range(runs)]
        weasy_median = statistics.median(other)
        print(
            f"bundle WeasyPrint (3 documents, render only): median {weasy_median:.1f} ms, p95 {p95(other):.1f} ms; "
            f"Weasy/RL render (cold) {weasy_median / statistics.median(rendered):.1f}x, "
            f"Weasy/RL render+seal (cold) {weasy_median / median:.1f}x"
        )


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
