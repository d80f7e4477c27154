"""The organisation's small PKI: a root CA and the certificate that seals signed PDFs.

In development and tests :func:`ensure_pki` generates the pair under the instance folder at first start
(EC P-256: RSA is about three times slower in pyHanko) and loads it afterwards; in production
:meth:`Pki.load_from_files` reads configured files. Private keys are written 0600 in a 0700 folder and never
belong in the repository.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

ROOT_CERT_FILE = "root-ca.pem"
ROOT_KEY_FILE = "root-ca.key.pem"
SIGNING_CERT_FILE = "signing.pem"
SIGNING_KEY_FILE = "signing.key.pem"
ROOT_VALIDITY = dt.timedelta(days=3650)
SIGNING_VALIDITY = dt.timedelta(days=3 * 365)


class PkiError(Exception):
    """The PKI files are incomplete or do not match."""


@dataclass(frozen=True)
class Pki:
    root_cert: x509.Certificate
    signing_cert: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey

    @classmethod
    def load_from_files(cls, cert: Path, key: Path, root: Path, password: bytes | None = None) -> Pki:
        """Production path: PEM files configured by the operator (the key may be password-protected)."""
        loaded = serialization.load_pem_private_key(key.read_bytes(), password=password)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise PkiError("the signing key must be an EC key")
        pki = cls(
            root_cert=x509.load_pem_x509_certificate(root.read_bytes()),
            signing_cert=x509.load_pem_x509_certificate(cert.read_bytes()),
            signing_key=loaded,
        )
        pki.check()
        return pki

    def check(self) -> None:
        """Raise :class:`PkiError` unless the key matches the certificate and the root issued it."""
        if self.signing_key.public_key() != self.signing_cert.public_key():
            raise PkiError("the signing key does not match the signing certificate")
        try:
            self.signing_cert.verify_directly_issued_by(self.root_cert)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise PkiError("the signing certificate was not issued by the root") from exc

    def asn1_root(self) -> asn1_x509.Certificate:
        return to_asn1(self.root_cert)

    def signer(self) -> signers.SimpleSigner:
        """A pyHanko signer carrying the chain up to the root."""
        der_key = self.signing_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return signers.SimpleSigner(
            signing_cert=to_asn1(self.signing_cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=_registry(self.asn1_root()),
        )


def _registry(root: asn1_x509.Certificate) -> SimpleCertificateStore:
    # pyhanko-certvalidator leaves this constructor unannotated
    registry: SimpleCertificateStore = SimpleCertificateStore.from_certs([root])  # type: ignore[no-untyped-call]
    return registry


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def ensure_pki(folder: Path, org_name: str) -> Pki:
    """Load the PKI from ``folder``, generating it first if no file exists there yet."""
    names = (ROOT_CERT_FILE, ROOT_KEY_FILE, SIGNING_CERT_FILE, SIGNING_KEY_FILE)
    present = [name for name in names if (folder / name).exists()]
    if not present:
        _generate(folder, org_name)
    elif len(present) != len(names):
        raise PkiError(f"incomplete PKI in {folder}: found only {', '.join(present)}")
    return Pki.load_from_files(folder / SIGNING_CERT_FILE, folder / SIGNING_KEY_FILE, folder / ROOT_CERT_FILE)


def _name(org_name: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey],
    *,
    ca: bool,
    validity: dt.timedelta,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0])
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(signing=not ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if not ca:
        authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key())
        builder = builder.add_extension(authority, critical=False)
    return builder.sign(issuer[1], hashes.SHA256())


def _generate(folder: Path, org_name: str) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(org_name, f"{org_name} - Autorité racine")
    root = _certificate(root_name, root_key.public_key(), (root_name, root_key), ca=True, validity=ROOT_VALIDITY)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(org_name, f"{org_name} - Cachet électronique")
    cert = _certificate(subject, key.public_key(), (root_name, root_key), ca=False, validity=SIGNING_VALIDITY)
    _write_key(folder / ROOT_KEY_FILE, root_key)
    _write_key(folder / SIGNING_KEY_FILE, key)
    _write(folder / ROOT_CERT_FILE, root.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(folder / SIGNING_CERT_FILE, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write(path, pem, 0o600)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start (never briefly world-readable); refuse to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # the umask may have narrowed the mode; a key must be exactly 0600
