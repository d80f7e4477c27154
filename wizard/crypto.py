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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Dialect, Text
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
    """Encrypt and decrypt single text values with one AES-256-GCM key.

    A random 96-bit nonce per value means the same NIR encrypts differently every time, so equal values
    cannot be spotted in a dump (and the column cannot be used for look-ups, which the NIR décret forbids
    anyway). Random nonces are safe far beyond the number of values this application will ever write.
    """

    def __init__(self, key: bytes | str) -> None:
        self._aead = AESGCM(_key_bytes(key))

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), _VERSION)
        return base64.urlsafe_b64encode(_VERSION + nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext, or :class:`DecryptionError` when the token was altered or uses another key."""
        raw = _decode_token(token)
        nonce, sealed = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :]
        try:
            plaintext = self._aead.decrypt(nonce, sealed, _VERSION)
        except InvalidTag as error:
            raise DecryptionError("the value was altered or was encrypted with another key") from error
        return plaintext.decode("utf-8")


def _decode_token(token: str) -> bytes:
    try:
        raw = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise DecryptionError("the value is not an encrypted token") from error
    if len(raw) < 1 + NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("the encrypted token is truncated")
    if raw[:1] != _VERSION:
        raise DecryptionError(f"unknown encrypted token version {raw[0]}")
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

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else default_cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else default_cipher().decrypt(value)
