"""The evidence kept for every signature (simple electronic signature, Code civil 1366-1367).

``SignatureRequest.evidence`` is a JSON record that is only ever appended to: :func:`append` adds an entry
to a list, :func:`put_once` sets a key that was never set. Neither edits what is there, and both assign a
new dict so SQLAlchemy sees the change (the JSON column is not a mutable-tracking type). Every value is a
plain JSON value (timestamps are UTC ISO 8601 strings) so that what is stored equals what is embedded in the
signed PDF, byte for byte once serialised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from signing.providers.base import DocumentToSign
from wizard.models import SignatureRequest


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as the evidence records it."""

    ip: str | None
    #: the X-Forwarded-For chain as received (first = the client according to the proxies)
    forwarded_for: tuple[str, ...] = ()
    user_agent: str | None = None

    def as_evidence(self) -> dict[str, Any]:
        return {"ip": self.ip, "forwarded_for": list(self.forwarded_for), "user_agent": self.user_agent}


def timestamp(moment: datetime) -> str:
    """A UTC ISO 8601 timestamp, the only time format of the evidence."""
    return moment.astimezone(UTC).isoformat()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def consent_version(text: str) -> str:
    """A version that changes whenever the wording changes (the text itself is stored next to it)."""
    return "sha256:" + sha256(text.encode("utf-8"))[:16]


def mask_email(address: str) -> str:
    """« c•••••@example.fr »: enough for the member to recognise the address, not enough to harvest it."""
    local, _, domain = address.partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}{'•' * max(len(local) - 1, 3)}@{domain}"


def document_entry(document: DocumentToSign) -> dict[str, Any]:
    """What identifies a document as shown to the member (kind, template version, hash, RUM/ICS)."""
    entry: dict[str, Any] = {
        "kind": document.kind,
        "title": document.title,
        "filename": document.filename,
        "template_version": document.metadata.get("template_version", ""),
        "sha256_shown": sha256(document.pdf),
    }
    for key in ("rum", "ics"):
        if document.metadata.get(key):
            entry[key] = document.metadata[key]
    return entry


def append(request: SignatureRequest, key: str, entry: Mapping[str, Any]) -> None:
    """Add ``entry`` at the end of the list ``key`` (created if absent); earlier entries stay as they are."""
    current = dict(request.evidence or {})
    current[key] = [*current.get(key, []), dict(entry)]
    request.evidence = current


def put_once(request: SignatureRequest, key: str, value: Any) -> None:
    """Set ``key`` if it was never set; evidence is never overwritten."""
    current = dict(request.evidence or {})
    if key in current:
        raise ValueError(f"evidence {key!r} is already recorded")
    current[key] = value
    request.evidence = current


def entries(request: SignatureRequest, key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = list((request.evidence or {}).get(key, []))
    return found
