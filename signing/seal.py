"""Seal a signed document: embed the evidence, add the visible signature, sign as PAdES B-B with pyHanko.

The evidence file ``audit-trail.json`` is added in the same incremental revision as the signature, so the
signature's byte range covers it and the whole file. The visible field is placed over the document's
signature area (found through the DocuSign anchor string) or, failing that, at the bottom of the last page.
:func:`validate_sealed_pdf` is the product's own verifier: it trusts only the given root, never the OS list.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from config.formats import french_datetime
from signing.documents.layout import MARGIN, SIGN_ANCHOR
from signing.pki import Pki, to_asn1

EVIDENCE_FILENAME = "audit-trail.json"
FIELD_WIDTH = 230.0
FIELD_HEIGHT = 40.0
FALLBACK_Y = 80.0

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SealCheck:
    """The outcome of validating the last signature of a PDF against one trusted root."""

    intact: bool
    valid: bool
    trusted: bool
    #: pyHanko's SignatureCoverageLevel name, e.g. "ENTIRE_FILE"; "NONE" when there is no signature
    coverage: str
    covers_whole_file: bool
    signer_common_name: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


NO_SIGNATURE = SealCheck(False, False, False, "NONE", False, "")


def stamp_text(signer_name: str, signed_at: datetime, *, separator: str = " ") -> str:
    """« Signé électroniquement par {nom} le {date} » (date in French, Paris time).

    The visible stamp uses a line break as ``separator`` so the text stays legible in the signature area.
    """
    return f"Signé électroniquement par {signer_name}{separator}le {french_datetime(signed_at)}"


class Sealer:
    """Seals PDFs with the organisation's certificate; the PKI is loaded on first use."""

    def __init__(self, pki: Callable[[], Pki]) -> None:
        self._pki = pki

    def seal(self, pdf: bytes, *, signer_name: str, signed_at: datetime, evidence: dict[str, object]) -> bytes:
        """Embed ``evidence`` and seal ``pdf`` (PAdES B-B) with the organisation's certificate."""
        return seal_pdf(pdf, pki=self._pki(), signer_name=signer_name, signed_at=signed_at, evidence=evidence)


def seal_pdf(
    pdf: bytes,
    *,
    pki: Pki,
    signer_name: str,
    signed_at: datetime,
    evidence: dict[str, object],
    field_name: str = "Signature1",
) -> bytes:
    """Return ``pdf`` with ``evidence`` embedded and a visible PAdES B-B seal covering the whole file."""
    page, box = _field_position(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _embed_evidence(writer, evidence, signed_at)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer_name,
        reason="Signature électronique de l'adhérent(e)",
    )
    text = stamp_text(signer_name, signed_at, separator="\n").replace("%", "%%")  # pyHanko %-interpolates
    style = TextStampStyle(stamp_text=text, border_width=1)
    field_spec = fields.SigFieldSpec(field_name, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(meta, pki.signer(), stamp_style=style, new_field_spec=field_spec)
    output: io.BytesIO = pdf_signer.sign_pdf(writer)
    return output.getvalue()


def _embed_evidence(writer: IncrementalPdfFileWriter, evidence: dict[str, object], signed_at: datetime) -> None:
    data = json.dumps(evidence, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")
    params = embed.EmbeddedFileParams(creation_date=signed_at, modification_date=signed_at)
    spec = embed.FileSpec(
        file_spec_string=EVIDENCE_FILENAME,
        file_name=EVIDENCE_FILENAME,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, data=data, params=params, mime_type="application/json"
        ),
        description="Dossier de preuve de la signature électronique",
        af_relationship=generic.pdf_name("/Data"),
    )
    embed.embed_file(writer, spec)


def _field_position(pdf: bytes) -> tuple[int, Box]:
    """The page index and box of the signature area, from the anchor's position when the PDF has one."""
    reader = PdfReader(io.BytesIO(pdf))
    for index in range(len(reader.pages) - 1, -1, -1):
        anchor = _anchor_point(reader, index)
        if anchor is not None:
            x, y = anchor
            return index, (round(x - 4), round(y - 24), round(x - 4 + FIELD_WIDTH), round(y - 24 + FIELD_HEIGHT))
    left = round(MARGIN)
    return len(reader.pages) - 1, (left, round(FALLBACK_Y), left + round(FIELD_WIDTH), round(FALLBACK_Y + FIELD_HEIGHT))


def _anchor_point(reader: PdfReader, index: int) -> tuple[float, float] | None:
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if SIGN_ANCHOR in text and not found:
            x, y = tm[4], tm[5]
            found.append((cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))

    reader.pages[index].extract_text(visitor_text=visit)
    return found[0] if found else None


def validate_sealed_pdf(pdf: bytes, root_cert: x509.Certificate) -> SealCheck:
    """Validate the last signature of ``pdf``, trusting ``root_cert`` only (no OS trust list, no fetching)."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except PdfReadError:
        return NO_SIGNATURE
    if not signatures:
        return NO_SIGNATURE
    root = to_asn1(root_cert)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    status = validate_pdf_signature(signatures[-1], signer_validation_context=context)
    coverage = status.coverage
    return SealCheck(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=coverage.name if coverage is not None else "NONE",
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer_common_name=str(status.signing_cert.subject.native.get("common_name", "")),
    )


def read_evidence(pdf: bytes) -> dict[str, object]:
    """The ``audit-trail.json`` embedded in a sealed PDF; ``KeyError`` when there is none."""
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    if EVIDENCE_FILENAME not in attachments:
        raise KeyError(EVIDENCE_FILENAME)
    evidence: dict[str, object] = json.loads(attachments[EVIDENCE_FILENAME][-1])
    return evidence
