"""DocuSign anchor strings, added only to the copies of the documents that are sent to DocuSign.

Rendered documents carry no hidden text: their signature area is the destination of the bookmark
:data:`~signing.documents.layout.SIGNATURE_DESTINATION`. DocuSign places its SignHere and DateSigned tabs
on anchor strings, so :func:`with_docusign_anchors` draws ``\\sig1\\`` and ``\\date1\\`` as 1-point white text
at that destination in the copy uploaded to DocuSign. Locally signed PDFs never contain them.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import Destination
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from signing.documents.layout import DATE_ANCHOR, FONT, SIGN_ANCHOR, SIGNATURE_DESTINATION, register_fonts

#: where the anchors sit inside the signature area (from its bottom-left corner), in points
SIGN_OFFSET = (8.0, 16 * mm)
DATE_OFFSET = (8.0, 6.0)


def signature_area(pdf: bytes) -> tuple[int, float, float] | None:
    """The page index and bottom-left corner of the document's signature area, None when it has none."""
    reader = PdfReader(io.BytesIO(pdf))
    destination = next(
        (item for item in reader.outline if isinstance(item, Destination) and item.title == SIGNATURE_DESTINATION),
        None,
    )
    if destination is None:
        return None
    page = reader.get_destination_page_number(destination)
    if page is None:
        return None
    return page, float(destination.left or 0), float(destination.top or 0)


def with_docusign_anchors(pdf: bytes) -> bytes:
    """A copy of ``pdf`` with the DocuSign anchors drawn in its signature area (unchanged when it has none)."""
    area = signature_area(pdf)
    if area is None:
        return pdf
    index, left, bottom = area
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[index]
    overlay = io.BytesIO()
    register_fonts()
    canvas = Canvas(
        overlay,
        pagesize=(float(page.mediabox.width), float(page.mediabox.height)),
        invariant=1,
        initialFontName=FONT,
    )
    canvas.setFillColor(colors.white)
    canvas.setFont(FONT, 1)
    canvas.drawString(left + SIGN_OFFSET[0], bottom + SIGN_OFFSET[1], SIGN_ANCHOR)
    canvas.drawString(left + DATE_OFFSET[0], bottom + DATE_OFFSET[1], DATE_ANCHOR)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=reader)
    writer.pages[index].merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
