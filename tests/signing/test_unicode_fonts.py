"""Every document prints a name outside Windows-1252 exactly, in an embedded subset Unicode font.

Read back twice, with pypdf and with poppler's pdftotext; ``pdffonts`` must list every font as embedded and
subset (no standard-14 font left, the seal's stamp included); the sealed copy stays valid for pdfsig.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from signing.documents import layout
from signing.documents.bulletin import BulletinData, render_bulletin
from signing.documents.designation import DesignationData, render_designation
from signing.documents.dispense import DispenseData, render_dispense
from signing.documents.guarantees import render_guarantees
from signing.documents.layout import FontMissingError, Identity, font_path
from signing.documents.mandate import MandateData, render_mandate
from signing.documents.notice import render_notice
from signing.documents.pdfa import IccProfileMissingError, icc_profile_path
from signing.documents.quote import QuoteData, QuotePerson, render_quote
from signing.pki import Pki
from signing.seal import _latin_font, seal_pdf, validate_sealed_pdf

NAME_FIRST, NAME_LAST = "Łukasz", "Šťěpánek-Øberg"
FULL = f"{NAME_FIRST} {NAME_LAST}"
POPPLER = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")


@pytest.fixture
def lukasz(member: Identity) -> Identity:
    return replace(member, civilite="Monsieur", first_name=NAME_FIRST, last_name=NAME_LAST, birth_name="Štěpánek")


def _documents(request: pytest.FixtureRequest, lukasz: Identity) -> dict[str, bytes]:
    fx: Callable[[str], Any] = request.getfixturevalue
    bulletin: BulletinData = fx("bulletin_data")
    mandate: MandateData = fx("mandate_data")
    dispense: DispenseData = fx("dispense_data")
    designation: DesignationData = fx("designation_data")
    quote: QuoteData = fx("quote_data")
    return {
        "bulletin": render_bulletin(replace(bulletin, member=lukasz)),
        "mandate": render_mandate(replace(mandate, debtor_first_name=NAME_FIRST, debtor_last_name=NAME_LAST)),
        "dispense": render_dispense(replace(dispense, agent=lukasz)),
        "designation": render_designation(replace(designation, member=lukasz)),
        "quote": render_quote(
            replace(quote, people=(QuotePerson(f"Vous — {FULL}", date(1990, 1, 2)), *quote.people[1:]))
        ),
        "notice": render_notice(fx("notice_data")),
        "guarantees": render_guarantees(fx("guarantees_data")),
    }


def _pdffonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def _fonts_embedded_and_subset(rows: list[list[str]]) -> None:
    assert rows, "no font listed"
    for row in rows:
        # name type… encoding emb sub uni object-id gen: the last five columns are fixed
        emb, sub, uni = row[-5], row[-4], row[-3]
        assert (emb, sub) == ("yes", "yes"), row
        assert uni == "yes", row
        assert "DejaVuSans" in row[0], row


@POPPLER
def test_every_document_prints_the_name_exactly_in_embedded_subset_fonts(
    request: pytest.FixtureRequest, lukasz: Identity, tmp_path: Path
) -> None:
    for kind, pdf in _documents(request, lukasz).items():
        _fonts_embedded_and_subset(_pdffonts(pdf, tmp_path))
        if kind in {"notice", "guarantees"}:
            continue  # generic documents: no member name
        pypdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        poppler_text = _pdftotext(pdf, tmp_path)
        for text in (pypdf_text, poppler_text):
            assert NAME_FIRST in text, kind
            assert NAME_LAST in text, kind
            assert "■" not in text, kind


@POPPLER
def test_the_sealed_copy_keeps_every_font_embedded_and_the_signature_valid(
    request: pytest.FixtureRequest, lukasz: Identity, pki: Pki, tmp_path: Path
) -> None:
    bulletin = _documents(request, lukasz)["bulletin"]
    sealed = seal_pdf(
        bulletin, pki=pki, signer_name=FULL, signed_at=datetime(2026, 4, 12, 12, 5, tzinfo=UTC), evidence={"a": 1}
    )
    rows = _pdffonts(sealed, tmp_path)
    _fonts_embedded_and_subset(rows)
    assert len(rows) >= 3  # the stamp's own subset joins the document's two
    assert f"Signé électroniquement par {FULL}" in _pdftotext(sealed, tmp_path).replace("\n", " ")
    assert validate_sealed_pdf(sealed, pki.root_cert).ok
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert "Signature Validation: Signature is Valid." in result.stdout


@POPPLER
@pytest.mark.parametrize("signer", ["Łukasz Šťěpánek-Øberg", "Ελένη Παπαδοπούλου-Ђорђевић"])
def test_the_stamp_prints_latin_and_other_scripts_in_an_embedded_font(
    request: pytest.FixtureRequest, lukasz: Identity, pki: Pki, tmp_path: Path, signer: str
) -> None:
    """The stamp's cut-down Latin copy of the family, or the whole family for a name outside it."""
    bulletin = _documents(request, lukasz)["bulletin"]
    sealed = seal_pdf(bulletin, pki=pki, signer_name=signer, signed_at=datetime(2026, 4, 12, tzinfo=UTC), evidence={})
    _fonts_embedded_and_subset(_pdffonts(sealed, tmp_path))
    assert f"Signé électroniquement par {signer}" in _pdftotext(sealed, tmp_path).replace("\n", " ")
    assert validate_sealed_pdf(sealed, pki.root_cert).ok


@POPPLER
def test_a_name_typed_with_combining_accents_prints_in_the_whole_family(
    request: pytest.FixtureRequest, lukasz: Identity, pki: Pki, tmp_path: Path
) -> None:
    decomposed = unicodedata.normalize("NFD", FULL)
    assert decomposed != FULL
    _, covered = _latin_font()
    assert not all(ord(char) in covered for char in decomposed)
    bulletin = _documents(request, lukasz)["bulletin"]
    sealed = seal_pdf(
        bulletin, pki=pki, signer_name=decomposed, signed_at=datetime(2026, 4, 12, tzinfo=UTC), evidence={}
    )
    _fonts_embedded_and_subset(_pdffonts(sealed, tmp_path))
    text = unicodedata.normalize("NFC", _pdftotext(sealed, tmp_path).replace("\n", " "))
    assert f"Signé électroniquement par {FULL}" in text
    assert validate_sealed_pdf(sealed, pki.root_cert).ok


def test_the_stamps_latin_copy_has_no_layout_tables_to_decompile() -> None:
    """No kerning, ligature or mark tables for fontTools to decompile at every seal; every Latin letter mapped."""
    font = TTFont(io.BytesIO(_latin_font()[0]))
    assert not {"GSUB", "GPOS", "GDEF", "MATH"} & set(font.keys())
    assert {ord(char) for char in FULL + "ÀÉÈÊËÎÏÔÙÛÜŸÇŒÆàéèêëîïôùûüÿçœæ€’–—"} <= _latin_font()[1]


def test_a_missing_font_file_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFFILIATION_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissingError, match="fonts-dejavu-core"):
        font_path(layout.FONT)
    monkeypatch.delenv("AFFILIATION_FONT_DIR")
    assert Path(font_path(layout.FONT_BOLD)).is_file()


PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _pdfaid(xmp: str) -> tuple[str, str]:
    """pdfaid:part and pdfaid:conformance, written as elements (ours) or attributes (after pyHanko's update)."""
    found: dict[str, str] = {}
    for element in ElementTree.fromstring(xmp.split("?>", 1)[1].rsplit("<?xpacket", 1)[0]).iter():  # noqa: S314
        for key, value in element.attrib.items():
            if key.startswith(PDFAID):
                found[key.removeprefix(PDFAID)] = value
        if element.tag.startswith(PDFAID):
            found[element.tag.removeprefix(PDFAID)] = element.text or ""
    return found.get("part", ""), found.get("conformance", "")


@POPPLER
def test_signed_documents_are_identified_as_pdfa_3b_with_an_srgb_intent_and_the_evidence_associated(
    request: pytest.FixtureRequest, lukasz: Identity, pki: Pki, tmp_path: Path
) -> None:
    """Read back by poppler (pdfinfo -meta) and pypdf: XMP pdfaid part 3 / B, sRGB output intent, /AF."""
    for kind, pdf in _documents(request, lukasz).items():
        sealed = seal_pdf(pdf, pki=pki, signer_name=FULL, signed_at=datetime(2026, 4, 12, tzinfo=UTC), evidence={})
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(sealed)
        xmp = subprocess.run(
            ["pdfinfo", "-meta", str(path)], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        assert _pdfaid(xmp) == ("3", "B"), kind
        reader = PdfReader(io.BytesIO(sealed))
        root: Any = reader.trailer["/Root"]
        (intent,) = root["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
        profile = intent["/DestOutputProfile"].get_object()
        assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile's signature
        associated = [spec.get_object() for spec in root["/AF"]]
        assert [(spec["/F"], spec["/AFRelationship"]) for spec in associated] == [("audit-trail.json", "/Data")]
        meta = reader.metadata
        assert meta is not None and meta.title and meta.title in xmp  # information and XMP agree
        _fonts_embedded_and_subset(_pdffonts(sealed, tmp_path))
        assert validate_sealed_pdf(sealed, pki.root_cert).ok


def test_a_missing_icc_profile_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFFILIATION_ICC_PROFILE", str(tmp_path / "absent.icc"))
    with pytest.raises(IccProfileMissingError, match="colord-data"):
        icc_profile_path()
