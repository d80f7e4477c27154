"""PDF/A-3b identification of the rendered documents, so an archive can keep them for decades.

ReportLab writes the content (every font embedded and subset, see :mod:`signing.documents.layout`); this
module has it add what PDF/A-3b asks on top (:func:`identify_as_pdfa3b`, in the same pass): an XMP metadata
stream identifying the file (``pdfaid:part=3``, ``pdfaid:conformance=B``) and agreeing with the document
information dictionary, and an sRGB output intent whose ICC profile comes from Debian's ``colord-data``
package (never downloaded at run time). The evidence record the seal embeds is an *associated file* (``/AF``,
relationship ``/Data``), as PDF/A-3 requires for embedded files (:mod:`signing.seal`). Deterministic: the
same document gives the same bytes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from html import escape
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFCatalog, PDFDate, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfgen.canvas import Canvas

#: Debian's colord-data; ``AFFILIATION_ICC_PROFILE`` overrides it
DEFAULT_ICC_PROFILE = "/usr/share/color/icc/colord/sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab PDF Library (PDF/A-3b)"


class IccProfileMissingError(RuntimeError):
    """The sRGB profile of the output intent is not installed: no document may claim PDF/A without it."""


def icc_profile_path() -> str:
    path = os.environ.get("AFFILIATION_ICC_PROFILE") or DEFAULT_ICC_PROFILE
    if not os.path.isfile(path):
        raise IccProfileMissingError(
            f"Profil ICC sRGB introuvable ({path}) : installez le paquet Debian colord-data "
            "(ou indiquez un profil sRGB dans AFFILIATION_ICC_PROFILE)."
        )
    return path


@lru_cache(maxsize=4)
def _icc_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _xmp(title: str, author: str, subject: str, creator: str, date: str) -> bytes:
    values = {key: escape(value) for key, value in {
        "title": title, "author": author, "subject": subject, "creator": creator, "producer": PRODUCER,
        "date": date,
    }.items()}  # fmt: skip
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{values["title"]}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{values["author"]}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{values["subject"]}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{values["producer"]}</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{values["creator"]}</xmp:CreatorTool>
   <xmp:CreateDate>{values["date"]}</xmp:CreateDate>
   <xmp:ModifyDate>{values["date"]}</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _xmp_date(pdf_date: str) -> str:
    """``D:20000101000000+00'00'`` → ``2000-01-01T00:00:00+00:00`` (the information dictionary's date)."""
    raw = pdf_date.removeprefix("D:")
    stamp = f"{raw[0:4]}-{raw[4:6]}-{raw[6:8]}T{raw[8:10]}:{raw[10:12]}:{raw[12:14]}"
    zone = raw[14:].replace("'", "")
    if zone in ("", "Z"):
        return stamp + "Z"
    return f"{stamp}{zone[0]}{zone[1:3]}:{zone[3:5] or '00'}"


class _PlainStream(PDFStream):  # type: ignore[misc]  # ReportLab ships no type information
    """A stream written as is: no filter, not even an empty ``/Filter`` (the XMP packet must stay readable)."""

    def format(self, document: Any) -> bytes:
        content: bytes = self.content
        dictionary = PDFDictionary(self.dictionary.dict.copy())
        dictionary["Length"] = len(content)
        head: bytes = dictionary.format(document)
        return head + b"\nstream\n" + content + b"endstream\n"


def identify_as_pdfa3b(canvas: Canvas) -> None:
    """Make ``canvas``'s document PDF/A-3b when it is saved: XMP metadata and sRGB output intent in its catalog.

    Called just before the canvas is saved, once its information (title, author...) is final; done by
    ReportLab itself rather than by re-reading and rewriting its output (a quarter of a document's rendering).
    """
    profile = _icc_bytes(icc_profile_path())
    canvas.setProducer(PRODUCER)
    doc = canvas._doc
    info = doc.info
    created = PDFDate(ts=doc._timeStamp, dateFormatter=info._dateFormatter).format(doc).decode("latin-1")[1:-1]
    metadata = _PlainStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        _xmp(info.title, info.author, info.subject, info.creator, _xmp_date(created)),
    )
    icc = _PlainStream(PDFDictionary({"N": 3}), profile)
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"),
        "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
        "Info": PDFString(OUTPUT_CONDITION),
        "DestOutputProfile": doc.Reference(icc),
    })  # fmt: skip
    catalog = doc.Catalog
    catalog.Metadata = metadata  # one of the catalog's entries ReportLab writes as a reference
    catalog.OutputIntents = PDFArray([doc.Reference(intent)])
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]  # ReportLab writes listed entries only
