"""Sealing: evidence embedded, visible field, PAdES B-B valid against our root only, tampering detected."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from signing.documents.mandate import MandateData, render_mandate
from signing.pki import Pki, ensure_pki
from signing.seal import NO_SIGNATURE, read_evidence, reserved_bytes, seal_pdf, stamp_text, validate_sealed_pdf

SIGNED_AT = datetime(2026, 4, 12, 12, 5, 33, tzinfo=UTC)
EVIDENCE: dict[str, object] = {
    "transaction_id": "5f0c8e1a-93c4-4d2e-9a57-0b1f6a3d2c11",
    "documents": [{"kind": "mandate", "template_version": "2026.1", "sha256_shown": "ab" * 32}],
    "rum": "HP-2026-000123",
    "ics": "FR46ZZZ005002",
    "signer": {"name": "Hélène Dupré", "otp_channel": "email", "masked_destination": "h***@example.org"},
    "consents": [{"text": "Je certifie l'exactitude de la présente déclaration", "ticked_at": "2026-04-12T12:04:58Z"}],
    "ip": "203.0.113.7",
    "attempts": 1,
}


@pytest.fixture
def sealed(mandate_data: MandateData, pki: Pki) -> bytes:
    return seal_pdf(
        render_mandate(mandate_data), pki=pki, signer_name="Hélène Dupré", signed_at=SIGNED_AT, evidence=EVIDENCE
    )


def test_stamp_text_is_french() -> None:
    expected = "Signé électroniquement par Hélène Dupré le 12 avril 2026 à 14 h 05"
    assert stamp_text("Hélène Dupré", SIGNED_AT) == expected


def test_sealed_pdf_is_intact_valid_trusted_and_whole_file(sealed: bytes, pki: Pki) -> None:
    check = validate_sealed_pdf(sealed, pki.root_cert)
    assert check.intact
    assert check.valid
    assert check.trusted
    assert check.covers_whole_file
    assert check.coverage == "ENTIRE_FILE"
    assert check.ok
    assert check.signer_common_name == "Mutuelle Horizon Publique - Cachet électronique"


def test_sealed_pdf_is_pades_with_a_visible_french_stamp(sealed: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(sealed))
    [signature] = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Name"] == "Hélène Dupré"
    field = signature.sig_field
    rect = [float(v) for v in field["/Rect"]]
    assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 20
    appearance = field["/AP"]["/N"].data
    assert _pdf_literal("Signé électroniquement par Hélène Dupré") in appearance
    assert _pdf_literal("le 12 avril 2026 à 14 h 05") in appearance


def _pdf_literal(text: str) -> bytes:
    """How pyHanko writes text in the appearance stream: PDFDocEncoding, accents as octal escapes."""
    return "".join(c if ord(c) < 128 else f"\\{ord(c):03o}" for c in text).encode("ascii")


def test_the_signature_room_is_pyhankos_own_estimate_measured_once_per_chain(
    sealed: bytes, mandate_data: MandateData, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reserved without pyHanko's dry run at every seal, yet the same room pyHanko would have left."""
    writer = IncrementalPdfFileWriter(io.BytesIO(render_mandate(mandate_data)))
    meta = signers.PdfSignatureMetadata(field_name="Other", subfilter=fields.SigSeedSubFilter.PADES)
    estimated = signers.sign_pdf(writer, meta, signer=pki.signer()).getvalue()  # pyHanko sizes it itself
    [ours] = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
    [theirs] = PdfFileReader(io.BytesIO(estimated)).embedded_signatures
    assert len(ours.sig_object["/Contents"]) * 2 == reserved_bytes(pki.signer())
    # the dry run's ECDSA signature is a real one, its DER length varies by a byte or two: hence the margin
    assert abs(len(ours.sig_object["/Contents"]) - len(theirs.sig_object["/Contents"])) <= 6

    def no_dry_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("dry run repeated")

    signer = pki.signer()
    monkeypatch.setattr(signer, "async_sign", no_dry_run)
    assert reserved_bytes(signer) == reserved_bytes(pki.signer())


def test_one_altered_byte_breaks_the_seal(sealed: bytes, pki: Pki) -> None:
    tampered = bytearray(sealed)
    position = sealed.index(b"stream\n") + 20  # inside the first page's content, far from /Contents
    tampered[position] ^= 0x01
    check = validate_sealed_pdf(bytes(tampered), pki.root_cert)
    assert not check.intact
    assert not check.ok


def test_another_root_is_not_trusted(sealed: bytes, tmp_path: Path) -> None:
    stranger = ensure_pki(tmp_path / "stranger", "Autre organisme")
    check = validate_sealed_pdf(sealed, stranger.root_cert)
    assert check.intact
    assert not check.trusted
    assert not check.ok


def test_an_update_after_sealing_is_not_covered(sealed: bytes, pki: Pki) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    data = embed.EmbeddedFileObject.from_file_data(writer, b"{}")
    embed.embed_file(writer, embed.FileSpec(file_spec_string="extra.json", embedded_data=data))
    out = io.BytesIO()
    writer.write(out)
    check = validate_sealed_pdf(out.getvalue(), pki.root_cert)
    assert check.intact
    assert not check.covers_whole_file
    assert not check.ok


def test_unsigned_pdf_has_no_seal(mandate_data: MandateData, pki: Pki) -> None:
    assert validate_sealed_pdf(render_mandate(mandate_data), pki.root_cert) == NO_SIGNATURE


def test_evidence_reads_back_equal(sealed: bytes) -> None:
    assert read_evidence(sealed) == EVIDENCE


def test_read_evidence_without_evidence_raises(mandate_data: MandateData) -> None:
    with pytest.raises(KeyError):
        read_evidence(render_mandate(mandate_data))


def test_sealed_pdf_still_reads_as_the_document(sealed: bytes, pdf_text: Callable[[bytes], str]) -> None:
    assert "Référence unique du mandat (RUM) HP-2026-000123" in pdf_text(sealed)


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (Debian poppler-utils) is not installed")
def test_pdfsig_independently_validates_the_seal(sealed: bytes, tmp_path: Path) -> None:
    """Poppler checks the CMS signature and the byte range; trust in our root is pyHanko's test above
    (pdfsig would need the root imported into an NSS database with certutil)."""
    pdf = tmp_path / "sealed.pdf"
    pdf.write_bytes(sealed)
    result = subprocess.run(["pdfsig", "-nocert", str(pdf)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout
    assert "Signature Type: ETSI.CAdES.detached" in result.stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (Debian poppler-utils) is not installed")
def test_pdfsig_rejects_a_tampered_seal(sealed: bytes, tmp_path: Path) -> None:
    tampered = bytearray(sealed)
    tampered[sealed.index(b"stream\n") + 20] ^= 0x01
    pdf = tmp_path / "tampered.pdf"
    pdf.write_bytes(bytes(tampered))
    result = subprocess.run(["pdfsig", "-nocert", str(pdf)], capture_output=True, text=True, timeout=60, check=False)
    assert "Signature Validation: Signature is Valid." not in result.stdout
