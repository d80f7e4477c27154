"""Field encryption at rest for personal data (NIR, IBAN, journey answers).

The NIR décret and the GDPR ask that a database dump alone reveal neither NIRs nor bank accounts. Values are
sealed with AES-256-GCM, which also authenticates them: a ciphertext edited in the database fails loudly
instead of decrypting to something else.

Token layout, urlsafe base64 of ``version (1 byte) | nonce (12 bytes) | ciphertext + GCM tag (16 bytes)``.
The version byte is also the GCM associated data, so it cannot be altered without detection, and leaves room
for another format or key without guessing which one a stored value uses.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, Dialect, LargeBinary, MetaData, Table, Text, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

KEY_BYTES = 32
NONCE_BYTES = 12
_TAG_BYTES = 16
_VERSION = b"\x01"


class DecryptionError(Exception):
    """A stored value cannot be decrypted: altered, truncated, or sealed with another key."""


def generate_key() -> str:
    """A fresh random key, urlsafe base64, the form ``FIELD_ENCRYPTION_KEY`` expects."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _key_bytes(key: bytes | str) -> bytes:
    """Accept the raw 32 bytes or their urlsafe base64 (as stored in configuration)."""
    if isinstance(key, str):
        try:
            key = base64.b64decode(key.encode("ascii"), altchars=b"-_", validate=True)
        except (binascii.Error, UnicodeEncodeError) as error:
            raise ValueError("the field encryption key is not valid urlsafe base64") from error
    if len(key) != KEY_BYTES:
        raise ValueError(f"the field encryption key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


class FieldCipher:
    """Encrypt and decrypt single values with one AES-256-GCM key (and read with older ones).

    A random 96-bit nonce per value means the same NIR encrypts differently every time, so equal values
    cannot be spotted in a dump (and the column cannot be used for look-ups, which the NIR décret forbids
    anyway). Random nonces are safe far beyond the number of values this application will ever write.

    Key rotation: values are always written with ``key``; ``old_keys`` (``FIELD_ENCRYPTION_OLD_KEYS``) are only
    tried to read values written before the rotation, until ``flask security reencrypt`` rewrote them all.
    """

    def __init__(self, key: bytes | str, old_keys: tuple[bytes | str, ...] = ()) -> None:
        self._aead = AESGCM(_key_bytes(key))
        self._readers = (self._aead, *(AESGCM(_key_bytes(old)) for old in old_keys))

    def encrypt(self, plaintext: str) -> str:
        return base64.urlsafe_b64encode(self.encrypt_bytes(plaintext.encode("utf-8"))).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext, or :class:`DecryptionError` when the token was altered or uses another key."""
        return self.decrypt_bytes(_decode_token(token)).decode("utf-8")

    def encrypt_bytes(self, plaintext: bytes) -> bytes:
        """``version | nonce | ciphertext + tag`` (binary; :meth:`encrypt` is its base64 text form)."""
        nonce = os.urandom(NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, _VERSION)

    def decrypt_bytes(self, raw: bytes) -> bytes:
        if len(raw) < 1 + NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError("the encrypted value is truncated")
        if raw[:1] != _VERSION:
            raise DecryptionError(f"unknown encrypted token version {raw[0]}")
        nonce, sealed = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :]
        for aead in self._readers:
            try:
                return aead.decrypt(nonce, sealed, _VERSION)
            except InvalidTag:
                continue
        raise DecryptionError("the value was altered or was encrypted with another key")


#: URL-safe base64 back to the standard alphabet, built once (``base64.b64decode(altchars=…)`` builds it per call)
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _decode_token(token: str) -> bytes:
    try:
        # what base64.b64decode(token, altchars=b"-_", validate=True) does, read for every encrypted value
        raw = binascii.a2b_base64(token.encode("ascii").translate(_FROM_URLSAFE), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise DecryptionError("the value is not an encrypted token") from error
    return raw


# The cipher used by the column types. Models are declared at import time and must not read configuration
# then (no key exists before ``create_app`` has loaded and validated settings), so the column looks the
# cipher up on each use and the app factory installs it. One process serves one key.
_default_cipher: FieldCipher | None = None


def set_default_cipher(cipher: FieldCipher | None) -> None:
    """Install the cipher the encrypted columns use; called by ``create_app`` (``None`` uninstalls it)."""
    global _default_cipher  # noqa: PLW0603 - the single process-wide hook the docstring above explains
    _default_cipher = cipher


def default_cipher() -> FieldCipher:
    """The installed cipher; failing means the app factory did not run, never a silent plaintext write."""
    if _default_cipher is None:
        raise RuntimeError("no field cipher installed: create_app() must call wizard.crypto.set_default_cipher()")
    return _default_cipher


class EncryptedString(TypeDecorator[str]):
    """A text column stored encrypted (NIR, IBAN); ``None`` stays ``NULL`` so optional values stay so."""

    impl = Text
    cache_ok = True
    encrypted_at_rest = True  # rewritten by :func:`reencrypt_batches`

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else default_cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else default_cipher().decrypt(value)


#: marks an encrypted value in the columns that may still hold values written in clear before encryption
#: (documents, outbox bodies): a stored value without it is such a legacy value, read as is and encrypted
#: by the next write or by ``flask security reencrypt``
ENCRYPTED_BYTES_MARK = b"WZE\x01"
ENCRYPTED_TEXT_MARK = "wze1:"


class EncryptedBytes(TypeDecorator[bytes]):
    """Binary content (stored PDFs) encrypted at rest; legacy clear values are still read."""

    impl = LargeBinary
    cache_ok = True
    encrypted_at_rest = True  # rewritten by :func:`reencrypt_batches`

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else ENCRYPTED_BYTES_MARK + default_cipher().encrypt_bytes(bytes(value))

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        value = bytes(value)  # PostgreSQL hands a memoryview
        if not value.startswith(ENCRYPTED_BYTES_MARK):
            return value  # written in clear before encryption at rest
        return default_cipher().decrypt_bytes(value[len(ENCRYPTED_BYTES_MARK) :])


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest (email bodies); legacy clear values are still read."""

    impl = Text
    cache_ok = True
    encrypted_at_rest = True  # rewritten by :func:`reencrypt_batches`

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else ENCRYPTED_TEXT_MARK + default_cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not value.startswith(ENCRYPTED_TEXT_MARK):
            return value  # written in clear before encryption at rest
        return default_cipher().decrypt(value[len(ENCRYPTED_TEXT_MARK) :])


# --- key rotation -------------------------------------------------------------------------------------------------

#: rows rewritten per transaction by ``flask security reencrypt``
REENCRYPT_BATCH = 200


def encrypted_columns(metadata: MetaData) -> Iterator[tuple[Table, list[Column[object]]]]:
    """Every table with columns encrypted at rest (their type says ``encrypted_at_rest``), and those columns."""
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if getattr(c.type, "encrypted_at_rest", False)]
        if columns:
            yield table, columns


def reencrypt_batches(session: Session, metadata: MetaData, batch: int = REENCRYPT_BATCH) -> Iterator[tuple[str, int]]:
    """Rewrite every encrypted value with the current key, yielding ``(table, rows)`` after each flushed batch.

    Each value is read through its column type (which decrypts with any configured key, or reads a legacy clear
    value) and written back (encrypted with the current key). The caller commits between batches
    (``flask security reencrypt``), so an interrupted run can simply be run again.
    """
    for table, columns in encrypted_columns(metadata):
        (key,) = table.primary_key.columns
        last = None
        while True:
            query = select(key, *columns).order_by(key).limit(batch)
            if last is not None:
                query = query.where(key > last)
            rows = session.execute(query).all()
            if not rows:
                break
            for row in rows:
                values = {column.name: row[index + 1] for index, column in enumerate(columns)}
                session.execute(update(table).where(key == row[0]).values(**values))
            session.flush()
            last = rows[-1][0]
            yield table.name, len(rows)
