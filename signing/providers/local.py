"""The embedded default provider: our own ceremony page, an emailed one-time code and a pyHanko seal.

Nothing leaves the application: ``start`` names an envelope and points at our ceremony page
(``/signature/<envelope_id>``), the ceremony (``wizard.ceremony``) verifies the code and seals each PDF with
:meth:`LocalProvider.seal`, and ``wizard.signing`` stores the sealed PDFs. ``status`` reads the database,
so a forged return URL can never complete anything: only sealed documents make an envelope completed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.pki import Pki
from signing.providers.base import (
    DocumentToSign,
    ProviderError,
    Signer,
    SigningSession,
    SigningStatus,
    WebhookEvent,
    WebhookRejected,
)
from signing.seal import seal_pdf
from wizard.models import SignatureRequest, SignatureStatus

ENVELOPE_PREFIX = "local-"


class LocalProvider:
    """:class:`signing.providers.base.SigningProvider` for the embedded one-time-code ceremony."""

    name = "local"
    #: ``status`` reads our own database: no limit on asking
    status_poll_interval = 0.0

    def __init__(
        self,
        *,
        session: Callable[[], Session],
        ceremony_url: Callable[[str], str],
        pki: Callable[[], Pki],
    ) -> None:
        self._session = session
        self._ceremony_url = ceremony_url
        self._pki = pki

    def start(
        self, documents: list[DocumentToSign], signer: Signer, return_url: str, *, transaction_id: str = ""
    ) -> SigningSession:
        """A new envelope id; the documents themselves are stored by ``wizard.signing`` as shown."""
        if not documents:
            raise ValueError("an envelope needs at least one document")
        envelope_id = ENVELOPE_PREFIX + secrets.token_urlsafe(18)
        return SigningSession(envelope_id=envelope_id, url=self._ceremony_url(envelope_id))

    def resume(self, envelope_id: str, signer: Signer, return_url: str) -> SigningSession:
        """Re-entering the signing step: the same ceremony page."""
        return SigningSession(envelope_id=envelope_id, url=self._ceremony_url(envelope_id))

    def void(self, envelope_id: str, reason: str) -> None:
        """Nothing to do outside the database: the ceremony page refuses a request that is no longer pending."""

    def status(self, envelope_id: str) -> SigningStatus:
        request = self._request(envelope_id)
        if request.status != SignatureStatus.PENDING:
            return SigningStatus(request.status.value)
        if any(document.signed for document in request.documents):
            return SigningStatus.COMPLETED
        return SigningStatus.PENDING

    def signed_document(self, envelope_id: str, kind: str | None = None) -> bytes:
        """The sealed PDF of ``kind`` (each document is sealed on its own), or the first one."""
        signed = [d for d in self._request(envelope_id).documents if d.signed and kind in (None, d.kind)]
        if not signed:
            raise ProviderError(f"envelope {envelope_id} has no signed document {kind or ''}".strip())
        return signed[0].content

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> WebhookEvent:
        raise WebhookRejected("the local provider receives no webhooks")

    def seal(self, pdf: bytes, *, signer_name: str, signed_at: datetime, evidence: dict[str, object]) -> bytes:
        """Embed ``evidence`` and seal ``pdf`` (PAdES B-B) with the organisation's certificate."""
        return seal_pdf(pdf, pki=self._pki(), signer_name=signer_name, signed_at=signed_at, evidence=evidence)

    def _request(self, envelope_id: str) -> SignatureRequest:
        query = select(SignatureRequest).where(
            SignatureRequest.envelope_id == envelope_id, SignatureRequest.provider == self.name
        )
        request = self._session().scalar(query)
        if request is None:
            raise ProviderError(f"unknown local envelope {envelope_id}")
        return request
