"""The one layout every contract document shares.

Guarantees: real, extractable text in an embedded, subset Unicode TrueType family (DejaVu Sans, from the
Debian package ``fonts-dejavu-core``: every name prints as typed, « Łukasz Šťěpánek-Øberg » included, and
tests read it back with pypdf and pdftotext); a brand header and a footer with the legal notice and « Page n / N » on
every page; a diagonal SPECIMEN watermark on every page when ``specimen`` is set (HR preview); identical
inputs give identical bytes (``invariant=1``); every file is identified as PDF/A-3b
(:mod:`signing.documents.pdfa`). User text is always escaped before it reaches ReportLab's
paragraph mark-up. Plain spaces are used everywhere (no narrow no-break space) so extracted text is
predictable.
"""

from __future__ import annotations

import html
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from config.catalogue import Brand, default_catalogue
from config.formats import short_date
from signing.documents.pdfa import identify_as_pdfa3b

#: DocuSign anchor strings, drawn as tiny white text in the signature area of what is sent to DocuSign only
#: (:func:`signing.documents.anchors.with_docusign_anchors`), never in a locally signed document
SIGN_ANCHOR = "\\sig1\\"
DATE_ANCHOR = "\\date1\\"
SPECIMEN_TEXT = "SPECIMEN"

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
#: where the TrueType files live (Debian's fonts-dejavu-core); ``AFFILIATION_FONT_DIR`` overrides it
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GREY = colors.HexColor("#5b6470")
LIGHT = colors.HexColor("#e9eef5")

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


class FontMissingError(RuntimeError):
    """The documents' TrueType family is not installed: no document may fall back to a non-embedded font."""


def font_dir() -> str:
    return os.environ.get("AFFILIATION_FONT_DIR") or DEFAULT_FONT_DIR


def font_path(name: str = FONT) -> str:
    """The TrueType file of ``name`` (``FONT`` or ``FONT_BOLD``); :class:`FontMissingError` when absent."""
    path = os.path.join(font_dir(), FONT_FILES[name])
    if not os.path.isfile(path):
        raise FontMissingError(
            f"Police {FONT_FILES[name]} introuvable dans {font_dir()} : installez le paquet Debian "
            "fonts-dejavu-core (ou indiquez le dossier des polices DejaVu dans AFFILIATION_FONT_DIR)."
        )
    return path


def register_fonts() -> None:
    """Register the embedded family with ReportLab once (idempotent); raises :class:`FontMissingError`."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in FONT_FILES:
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, font_path(name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def group_iban(iban: str) -> str:
    """Full IBAN grouped by four characters: ``"FR76 3000 6000 0112 3456 7890 189"``."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def checkbox(ticked: bool) -> str:
    """A box readable in extracted text: ``"[X]"`` or ``"[ ]"``."""
    return "[X]" if ticked else "[ ]"


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


# --- Shared plain-value inputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A person as printed on a document; empty strings are shown as « — »."""

    civilite: str
    last_name: str
    first_name: str
    birth_date: date
    birth_name: str = ""
    birth_place: str = ""
    #: full NIR (allowed in signed documents) or a note such as « rattaché au n° de l'assuré »
    nir: str = ""
    code_organisme: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.civilite, self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class Contact:
    address: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class AmountLine:
    """One person's monthly contribution, in euro cents."""

    label: str
    monthly_cents: int


@dataclass(frozen=True)
class Consent:
    """A consent exactly as worded on screen, and the member's answer."""

    text: str
    accepted: bool


def or_dash(value: str) -> str:
    return value or "—"


def default_brand() -> Brand:
    """The catalogue's brand: what a document prints when its data names none."""
    return default_catalogue().brand


def column_widths(*shares: float) -> list[float]:
    """Table column widths as shares of the text width (e.g. ``column_widths(0.5, 0.5)``)."""
    return [CONTENT_WIDTH * share for share in shares]


def identity_block(
    title_text: str, person: Identity, *, rows: int | None = None, extra: Iterable[tuple[str, str]] = ()
) -> list[Flowable]:
    """« L'adhérent(e) » / « L'assuré(e) »: a heading, then the first ``rows`` identity rows and any ``extra``."""
    return [heading(title_text), key_values([*identity_rows(person)[:rows], *extra])]


def identity_rows(person: Identity) -> list[tuple[str, str]]:
    """Label/value pairs describing a person, in the order of the wizard's screens."""
    return [
        ("Civilité", or_dash(person.civilite)),
        ("Nom d'usage", or_dash(person.last_name)),
        ("Nom de naissance", or_dash(person.birth_name)),
        ("Prénom", or_dash(person.first_name)),
        ("Date de naissance", short_date(person.birth_date)),
        ("Lieu de naissance", or_dash(person.birth_place)),
        ("N° de Sécurité sociale", or_dash(person.nir)),
        ("Code organisme", or_dash(person.code_organisme)),
    ]


def contact_rows(contact: Contact) -> list[tuple[str, str]]:
    return [
        ("Adresse", or_dash(contact.address)),
        ("Courriel", or_dash(contact.email)),
        ("Téléphone", or_dash(contact.phone)),
    ]


# --- Styles and flowables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4, language="fr")
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=8),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, spaceBefore=8),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        cell=ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11),
    )


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of *plain* text: mark-up characters are escaped, line breaks kept."""
    return Paragraph(html.escape(text, quote=False).replace("\n", "<br/>"), style or styles().body)


def title(text: str) -> Paragraph:
    return para(text, styles().title)


def heading(text: str) -> Paragraph:
    return para(text, styles().heading)


def table(
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] | None = None,
    header: bool = True,
    bold_last: bool = False,
) -> Table:
    """A full-width grid of wrapped plain-text cells; the first row is a header unless ``header=False``."""
    st = styles()
    bold = {0} if header else set()
    if bold_last:
        bold.add(len(rows) - 1)
    cells = [[para(cell, st.cell_bold if index in bold else st.cell) for cell in row] for index, row in enumerate(rows)]
    count = max(len(row) for row in rows)
    grid = Table(cells, colWidths=list(widths or [CONTENT_WIDTH / count] * count), repeatRows=int(header))
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # ReportLab's default cell font is the non-embedded Helvetica
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT))
    grid.setStyle(TableStyle(commands))
    grid.spaceAfter = 6
    return grid


def key_values(pairs: Iterable[tuple[str, str]]) -> Table:
    """Two columns: bold label, value."""
    st = styles()
    cells = [[para(label, st.cell_bold), para(value, st.cell)] for label, value in pairs]
    grid = Table(cells, colWidths=[CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.66])
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ]
        )
    )
    grid.spaceAfter = 6
    return grid


#: the outline entry (bookmark) whose destination is the bottom-left corner of the signature area
SIGNATURE_DESTINATION = "Zone de signature"


class SignatureBox(Flowable):  # type: ignore[misc]  # ReportLab ships no type information
    """A framed signature area; its position is recorded as the bookmark (outline entry) ``destination``.

    No hidden text: the local seal and the DocuSign anchors (:mod:`signing.documents.anchors`, added only
    to what is sent to DocuSign) both find the area through the destination.
    """

    def __init__(
        self,
        caption: str,
        width: float = 85 * mm,
        height: float = 32 * mm,
        destination: str = SIGNATURE_DESTINATION,
    ) -> None:
        super().__init__()
        self.caption = caption
        self.width = width
        self.height = height
        self.destination = destination

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setStrokeColor(GREY)
        canv.roundRect(0, 0, self.width, self.height, 3, stroke=1, fill=0)
        canv.setFillColor(GREY)
        canv.setFont(FONT, 8)
        canv.drawString(4, self.height - 11, self.caption)
        canv.bookmarkHorizontal(self.destination, 0, 0)
        canv.addOutlineEntry(self.destination, self.destination, level=0)


def signature_block(place: str, signed_on: date, caption: str = "Signature de l'adhérent(e)") -> Flowable:
    """« Fait à … le … » followed by the signature area, kept on one page."""
    return KeepTogether([Spacer(1, 4 * mm), para(f"Fait à {place}, le {short_date(signed_on)}"), SignatureBox(caption)])


# --- Page decoration and rendering -------------------------------------------------------------------


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no type information
    """Defers pages until the end so each footer can say « Page n / N »."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = FONT  # never a reference to the non-embedded Helvetica
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  # ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(GREY)
            self.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"Page {self._pageNumber} / {total}")
            super().showPage()
        identify_as_pdfa3b(self)
        super().save()


@dataclass(frozen=True)
class _PageDecor:
    brand: Brand
    reference: str
    specimen: bool

    def __call__(self, canv: Canvas, doc: SimpleDocTemplate) -> None:
        canv.saveState()
        if self.specimen:
            _draw_watermark(canv)
        _draw_header(canv, self.brand)
        _draw_footer(canv, self.brand, self.reference)
        canv.restoreState()


def _draw_watermark(canv: Canvas) -> None:
    canv.saveState()
    canv.setFillColor(colors.HexColor("#c8ccd2"))
    canv.setFillAlpha(0.45)
    canv.setFont(FONT_BOLD, 100)
    canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canv.rotate(45)
    canv.drawCentredString(0, -35, SPECIMEN_TEXT)
    canv.restoreState()


def _draw_header(canv: Canvas, brand: Brand) -> None:
    top = PAGE_HEIGHT - 14 * mm
    canv.setFillColor(colors.HexColor(brand.primary_colour))
    canv.setFont(FONT_BOLD, 13)
    canv.drawString(MARGIN, top, brand.name)
    canv.setFont(FONT, 8)
    canv.setFillColor(GREY)
    canv.drawRightString(PAGE_WIDTH - MARGIN, top, brand.tagline)
    canv.setFillColor(colors.HexColor(brand.primary_colour))
    canv.rect(MARGIN, top - 6 * mm, CONTENT_WIDTH, 2.2 * mm, stroke=0, fill=1)
    canv.setFillColor(colors.HexColor(brand.accent_colour))
    canv.rect(MARGIN, top - 6 * mm, CONTENT_WIDTH * 0.18, 2.2 * mm, stroke=0, fill=1)


def _draw_footer(canv: Canvas, brand: Brand, reference: str) -> None:
    lines = simpleSplit(brand.legal_notice, FONT, 7, CONTENT_WIDTH)
    y = 10 * mm + 9 + 8.5 * (len(lines) - 1)
    canv.setStrokeColor(LIGHT)
    canv.line(MARGIN, y + 9, PAGE_WIDTH - MARGIN, y + 9)
    canv.setFont(FONT, 7)
    canv.setFillColor(GREY)
    for line in lines:
        canv.drawString(MARGIN, y, line)
        y -= 8.5
    canv.drawString(MARGIN, 10 * mm, reference)


@dataclass(frozen=True)
class DocumentInfo:
    """What identifies a rendered document: its title, kind and template version (printed in the footer)."""

    title: str
    kind: str
    template_version: str


def render_document(info: DocumentInfo, story: Sequence[Flowable], *, brand: Brand, specimen: bool) -> bytes:
    """Lay ``story`` out on branded A4 pages and return the PDF bytes (deterministic)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=30 * mm,
        bottomMargin=26 * mm,
        title=info.title,
        author=brand.name,
        subject=f"{info.title} — {brand.name}",
        creator=f"{brand.short_name} affiliation — {info.kind} v{info.template_version}",
        invariant=1,
    )
    decor: Callable[[Canvas, SimpleDocTemplate], None] = _PageDecor(
        brand, f"Réf. modèle {info.kind} v{info.template_version}", specimen
    )
    doc.build(list(story), onFirstPage=decor, onLaterPages=decor, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
