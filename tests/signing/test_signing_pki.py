"""The organisation's PKI: generated once, loaded afterwards, keys private, key usage fit for sealing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from signing.pki import (
    ROOT_CERT_FILE,
    ROOT_KEY_FILE,
    SIGNING_CERT_FILE,
    SIGNING_KEY_FILE,
    Pki,
    PkiError,
    ensure_pki,
)

ORG = "Mutuelle Horizon Publique"


def test_ensure_pki_generates_then_loads_the_same_certificates(tmp_path: Path) -> None:
    first = ensure_pki(tmp_path / "pki", ORG)
    second = ensure_pki(tmp_path / "pki", ORG)
    assert second.signing_cert.fingerprint(hashes.SHA256()) == first.signing_cert.fingerprint(hashes.SHA256())
    assert second.root_cert == first.root_cert
    assert second.signing_key.private_numbers() == first.signing_key.private_numbers()


def test_pki_keys_are_private_files(tmp_path: Path) -> None:
    folder = tmp_path / "pki"
    ensure_pki(folder, ORG)
    for name in (ROOT_KEY_FILE, SIGNING_KEY_FILE):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


def test_signing_certificate_is_fit_for_sealing(pki: Pki) -> None:
    cert = pki.signing_cert
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment  # nonRepudiation
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(pki.signing_key.curve, ec.SECP256R1)
    cert.verify_directly_issued_by(pki.root_cert)
    assert cert.not_valid_after_utc > cert.not_valid_before_utc
    common_name = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert common_name == f"{ORG} - Cachet électronique"


def test_root_is_a_certificate_authority(pki: Pki) -> None:
    constraints = pki.root_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca
    assert pki.root_cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign


def test_ensure_pki_refuses_an_incomplete_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pki"
    ensure_pki(folder, ORG)
    (folder / SIGNING_KEY_FILE).unlink()
    with pytest.raises(PkiError, match="incomplete"):
        ensure_pki(folder, ORG)


def test_load_from_files_reads_production_files(tmp_path: Path) -> None:
    folder = tmp_path / "pki"
    generated = ensure_pki(folder, ORG)
    loaded = Pki.load_from_files(folder / SIGNING_CERT_FILE, folder / SIGNING_KEY_FILE, folder / ROOT_CERT_FILE)
    assert loaded.signing_cert == generated.signing_cert


def test_load_from_files_refuses_a_key_of_another_certificate(tmp_path: Path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    ensure_pki(one, ORG)
    ensure_pki(other, ORG)
    with pytest.raises(PkiError, match="does not match"):
        Pki.load_from_files(one / SIGNING_CERT_FILE, other / SIGNING_KEY_FILE, one / ROOT_CERT_FILE)


def test_load_from_files_refuses_a_foreign_root(tmp_path: Path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    ensure_pki(one, ORG)
    ensure_pki(other, ORG)
    with pytest.raises(PkiError, match="not issued by the root"):
        Pki.load_from_files(one / SIGNING_CERT_FILE, one / SIGNING_KEY_FILE, other / ROOT_CERT_FILE)
