"""Field encryption: round trip, fresh nonce per value, and loud failure on tampering or a wrong key."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from wizard import crypto
from wizard.crypto import DecryptionError, EncryptedString, FieldCipher, generate_key

KEY = base64.urlsafe_b64encode(b"k" * 32).decode("ascii")
OTHER_KEY = base64.urlsafe_b64encode(b"o" * 32).decode("ascii")
NIR = "295109912611193"


def token_bytes(token: str) -> bytearray:
    return bytearray(base64.urlsafe_b64decode(token))


def as_token(raw: bytes | bytearray) -> str:
    return base64.urlsafe_b64encode(bytes(raw)).decode("ascii")


@given(st.text())
def test_cipher_round_trips_any_text(plaintext: str) -> None:
    cipher = FieldCipher(KEY)
    assert cipher.decrypt(cipher.encrypt(plaintext)) == plaintext


def test_cipher_accepts_raw_key_bytes() -> None:
    assert FieldCipher(b"k" * 32).decrypt(FieldCipher(KEY).encrypt("Élodie")) == "Élodie"


def test_token_layout_is_version_nonce_ciphertext_and_tag() -> None:
    raw = token_bytes(FieldCipher(KEY).encrypt(NIR))
    assert raw[0] == 1
    assert len(raw) == 1 + 12 + len(NIR) + 16
    assert NIR.encode() not in raw


def test_same_value_encrypts_differently_each_time() -> None:
    cipher = FieldCipher(KEY)
    tokens = {cipher.encrypt(NIR) for _ in range(50)}
    assert len(tokens) == 50
    assert len({bytes(token_bytes(token)[1:13]) for token in tokens}) == 50


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])
def test_any_altered_byte_is_detected(position: int) -> None:
    raw = token_bytes(FieldCipher(KEY).encrypt(NIR))
    raw[position] ^= 0x01
    with pytest.raises(DecryptionError):
        FieldCipher(KEY).decrypt(as_token(raw))


def test_wrong_key_is_detected() -> None:
    with pytest.raises(DecryptionError, match="another key"):
        FieldCipher(OTHER_KEY).decrypt(FieldCipher(KEY).encrypt(NIR))


@pytest.mark.parametrize(
    ("token", "reason"),
    [("not base64 at all!", "not an encrypted token"), (as_token(b"\x01" + b"n" * 20), "truncated")],
)
def test_malformed_tokens_are_refused(token: str, reason: str) -> None:
    with pytest.raises(DecryptionError, match=reason):
        FieldCipher(KEY).decrypt(token)


@pytest.mark.parametrize(
    ("key", "reason"),
    [(b"short", "32 bytes"), (base64.urlsafe_b64encode(b"k" * 16).decode(), "32 bytes"), ("&&&", "base64")],
)
def test_bad_keys_are_refused(key: bytes | str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        FieldCipher(key)


def test_generate_key_gives_distinct_usable_keys() -> None:
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(base64.urlsafe_b64decode(first)) == 32
    assert FieldCipher(first).decrypt(FieldCipher(first).encrypt(NIR)) == NIR


@pytest.fixture
def installed_cipher(monkeypatch: pytest.MonkeyPatch) -> Iterator[FieldCipher]:
    """Install a cipher for the column types; monkeypatch restores whatever the app factory had set."""
    cipher = FieldCipher(KEY)
    monkeypatch.setattr(crypto, "_default_cipher", None)
    crypto.set_default_cipher(cipher)
    yield cipher


def test_default_cipher_fails_loudly_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_default_cipher", None)
    with pytest.raises(RuntimeError, match="set_default_cipher"):
        crypto.default_cipher()


def test_encrypted_string_column_stores_ciphertext_and_reads_plaintext(installed_cipher: FieldCipher) -> None:
    metadata = MetaData()
    members = Table("members", metadata, Column("id", Integer, primary_key=True), Column("nir", EncryptedString))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(members), [{"id": 1, "nir": NIR}, {"id": 2, "nir": None}])
    with engine.connect() as conn:
        stored = {row.id: row.nir for row in conn.execute(text("SELECT id, nir FROM members"))}
        read = {row.id: row.nir for row in conn.execute(select(members.c.id, members.c.nir))}
    engine.dispose()
    assert stored[2] is None
    assert NIR not in stored[1]
    assert installed_cipher.decrypt(stored[1]) == NIR
    assert read == {1: NIR, 2: None}
