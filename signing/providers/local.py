"""The embedded default provider: our own ceremony page, an emailed one-time code and a pyHanko seal.

Nothing leaves the application: ``start`` names an envelope and points at the application's ceremony page;
the application's ceremony verifies the code and seals each PDF with a :class:`signing.seal.Sealer`, then
stores the sealed PDFs. ``status`` and ``signed_document`` read what the application stored, through the
:class:`LocalEnvelopes` it hands over, so a forged return URL can never complete anything: only sealed
documents make an envelope completed. This module knows nothing of the application's tables.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Protocol

from signing.providers.base import (
    DocumentToSign,
    ProviderError,
    Signer,
    SigningSession,
    SigningStatus,
    WebhookEvent,
    WebhookRejected,
)

ENVELOPE_PREFIX = "local-"


class LocalEnvelopes(Protocol):
    """The application's record of local envelopes (read-only for the provider)."""

    def status(self, envelope_id: str) -> SigningStatus | None:
        """The recorded status, COMPLETED once sealed documents exist; None for an unknown envelope."""

    def sealed_document(self, envelope_id: str, kind: str | None) -> bytes | None:
        """The sealed PDF of ``kind`` (or the first one), None when there is none."""


class LocalProvider:
    """:class:`signing.providers.base.SigningProvider` for the embedded one-time-code ceremony."""

    name = "local"
    #: ``status`` reads our own database: no limit on asking
    status_poll_interval = 0.0

    def __init__(self, *, envelopes: LocalEnvelopes, ceremony_url: Callable[[str], str]) -> None:
        self._envelopes = envelopes
        self._ceremony_url = ceremony_url

    def start(
        self, documents: list[DocumentToSign], signer: Signer, return_url: str, *, transaction_id: str = ""
    ) -> SigningSession:
        """A new envelope id; the application stores the documents themselves as shown."""
        if not documents:
            raise ValueError("an envelope needs at least one document")
        envelope_id = ENVELOPE_PREFIX + secrets.token_urlsafe(18)
        return SigningSession(envelope_id=envelope_id, url=self._ceremony_url(envelope_id))

    def resume(self, envelope_id: str, signer: Signer, return_url: str) -> SigningSession:
        """Re-entering the signing step: the same ceremony page."""
        return SigningSession(envelope_id=envelope_id, url=self._ceremony_url(envelope_id))

    def void(self, envelope_id: str, reason: str) -> None:
        """Nothing to tell anyone: the application closes its own record, which ``status`` then reads."""

    def status(self, envelope_id: str) -> SigningStatus:
        status = self._envelopes.status(envelope_id)
        if status is None:
            raise ProviderError(f"unknown local envelope {envelope_id}")
        return status

    def signed_document(self, envelope_id: str, kind: str | None = None) -> bytes:
        """The sealed PDF of ``kind`` (each document is sealed on its own), or the first one."""
        sealed = self._envelopes.sealed_document(envelope_id, kind)
        if sealed is None:
            raise ProviderError(f"envelope {envelope_id} has no signed document {kind or ''}".strip())
        return sealed

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> WebhookEvent:
        raise WebhookRejected("the local provider receives no webhooks")
