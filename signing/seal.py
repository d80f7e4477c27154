"""Seal a signed document: embed the evidence, add the visible signature, sign as PAdES B-B with pyHanko.

The evidence file ``audit-trail.json`` is added in the same incremental revision as the signature, so the
signature's byte range covers it and the whole file. The visible field is placed over the document's
signature area (the destination of the document's bookmark :data:`~signing.documents.layout.SIGNATURE_DESTINATION`) or,
failing that, at the bottom of the last page. The stamp's text is set in the documents' embedded Unicode
family (subset), so the signer's name prints as typed.
:func:`validate_sealed_pdf` is the product's own verifier: it trusts only the given root, never the OS list.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from config.formats import french_datetime
from signing.documents.anchors import signature_area
from signing.documents.layout import MARGIN, font_path
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
    style = TextStampStyle(
        stamp_text=text,
        border_width=1,
        text_box_style=TextBoxStyle(font=_StampFont(text)),
    )
    field_spec = fields.SigFieldSpec(field_name, on_page=page, box=box)
    signer = pki.signer()
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=field_spec)
    output: io.BytesIO = pdf_signer.sign_pdf(writer, bytes_reserved=reserved_bytes(signer))
    return output.getvalue()


_RESERVED: dict[tuple[bytes, ...], int] = {}


def reserved_bytes(signer: signers.SimpleSigner) -> int | None:
    """The room left in the PDF for the signature container, measured once per process and chain.

    Without it pyHanko builds a whole dry-run CMS at every seal (about a third of a seal's time) only to size
    the placeholder. The container's size depends on the certificates it carries and the key (not on the
    document, the signer's name or the time), so the dry run is done here once per chain with pyHanko's own
    rule: twice the DER size (hexadecimal) plus a 50 % margin, even. ``None`` (pyHanko estimates) without a
    certificate.
    """
    if signer.signing_cert is None:
        return None
    chain = (signer.signing_cert.dump(), *sorted(cert.dump() for cert in signer.cert_registry))
    if chain not in _RESERVED:
        if len(_RESERVED) >= 16:  # a handful of chains per process at most (tests make one per PKI)
            _RESERVED.clear()
        digest = hashes.Hash(hashes.SHA256()).finalize()
        attrs = PdfCMSSignedAttributes(signing_time=datetime.now(UTC))
        dry_run = signer.async_sign(digest, "sha256", dry_run=True, use_pades=True, signed_attr_settings=attrs)
        size = len(asyncio.run(dry_run).dump()) * 2
        _RESERVED[chain] = size + 2 * (size // 4)
    return _RESERVED[chain]


class _StampFont(FontEngineFactory):
    """The documents' TrueType family for the stamp, subset and embedded (read into memory, no open file).

    pyHanko parses the font and subsets it for every stamp; on the whole DejaVu file (≈ 700 kB, thousands of
    glyphs, large GSUB/GPOS tables) that was most of a seal's time. So the stamp uses a copy of the family cut
    down once per process to the Latin scripts, without OpenType layout tables (:func:`_latin_font`), which
    pyHanko then subsets as before; a text with a character outside that copy (a Greek or Cyrillic name, a
    combining accent...) gets the whole family.
    """

    def __init__(self, text: str) -> None:
        latin, covered = _latin_font()
        self._font = latin if all(ord(char) in covered for char in text if char != "\n") else _font_bytes()

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        return GlyphAccumulator(writer, font_handle=io.BytesIO(self._font), font_size=9, obj_stream=obj_stream)


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    with open(font_path(), "rb") as handle:
        return handle.read()


#: the code points the stamp's Latin copy keeps: Basic Latin to Latin Extended-B, Latin Extended Additional,
#: general punctuation (typographic apostrophe, dashes, narrow no-break space of French dates) and the euro sign.
#: Not the combining diacritical marks (a name typed decomposed gets the whole family): precomposed letters
#: need no OpenType layout, so the copy keeps none (see :func:`_latin_font`).
LATIN_RANGES = ((0x20, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20AC, 0x20AC))
#: tables the stamp's Latin copy leaves out: OpenType layout (kerning, ligatures, mark positioning) and maths.
#: pyHanko subsets the stamp's font anew at every seal and fontTools decompiles the layout tables it finds
#: even though pyHanko then drops them: with DejaVu's kerning that was about 40 % of a seal.
LATIN_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "FFTM")


@lru_cache(maxsize=1)
def _latin_font() -> tuple[bytes, frozenset[int]]:
    """The family cut down to :data:`LATIN_RANGES` without layout tables, and the code points it maps."""
    from fontTools import subset, ttLib  # noqa: PLC0415 - only the sealing worker needs it

    font = ttLib.TTFont(io.BytesIO(_font_bytes()))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True  # names read from 'post': slightly cheaper per seal than deriving them from 'cmap'
    options.drop_tables = [*options.drop_tables, *LATIN_DROPPED_TABLES]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in LATIN_RANGES for code in range(low, high + 1)])
    subsetter.subset(font)
    output = io.BytesIO()
    font.save(output)
    return output.getvalue(), frozenset(font.getBestCmap())


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
    """The page index and box of the signature area, from the document's signature bookmark when it has one."""
    area = signature_area(pdf)
    if area is not None:
        index, x, y = area
        return index, (round(x + 4), round(y + 21), round(x + 4 + FIELD_WIDTH), round(y + 21 + FIELD_HEIGHT))
    reader = PdfReader(io.BytesIO(pdf))
    left = round(MARGIN)
    return len(reader.pages) - 1, (left, round(FALLBACK_Y), left + round(FIELD_WIDTH), round(FALLBACK_Y + FIELD_HEIGHT))


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
