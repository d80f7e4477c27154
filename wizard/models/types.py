"""Encrypted JSON column for journey answers.

Answers hold personal data (household, health cover, NIR, IBAN). Encrypting every answer payload with one
mechanism is simpler to get right than a per-field list that a new form could forget to extend.
The cipher is installed by the app factory (``wizard.crypto.set_default_cipher``): a model must not read
configuration at import time.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from wizard import crypto


def _encode(value: Any) -> Any:
    # dates keep their type through storage: predicates and documents compare real dates
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in an answer")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "__date__" in obj:
            return date.fromisoformat(obj["__date__"])
        if "__datetime__" in obj:
            return datetime.fromisoformat(obj["__datetime__"])
    return obj


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_encode)


#: one decoder for every stored answer (``json.loads`` with a hook builds a new one per call)
_DECODER = json.JSONDecoder(object_hook=_decode)
#: without a hook, every object is built in C; a text that holds no date cannot need the hook
_PLAIN_DECODER = json.JSONDecoder()
#: what any tagged date or datetime puts in the text (``dumps`` writes keys as they are: no escapes)
_DATE_TAG = '"__date'


def loads(text: str) -> Any:
    # the hook is a Python call per object, most of a small answer's decoding time: skip it when no object can
    # be a tagged date (a typed value that merely contains the tag only takes the slower, equally correct path)
    if _DATE_TAG in text:
        return _DECODER.decode(text)
    return _PLAIN_DECODER.decode(text)


class EncryptedJSON(TypeDecorator[Any]):
    impl = Text
    cache_ok = True
    encrypted_at_rest = True  # rewritten by ``flask security reencrypt`` (wizard.crypto.reencrypt_batches)

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return crypto.default_cipher().encrypt(dumps(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return loads(crypto.default_cipher().decrypt(value))
