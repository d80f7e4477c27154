"""The contract every signature provider implements.

The engine depends on this module only. A provider never decides on its own that a journey is signed:
the engine asks ``status`` (or receives a verified webhook) and records completion exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class SigningStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(frozen=True)
class DocumentToSign:
    #: stable kind, e.g. "bulletin", "mandate", "notice", "dispense", "designation"
    kind: str
    title: str
    filename: str
    pdf: bytes
    #: facts the evidence records next to the document: "template_version", and "rum" / "ics" for a mandate
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Signer:
    #: our user id, used as DocuSign's clientUserId for embedded signing
    user_id: int
    full_name: str
    email: str


@dataclass(frozen=True)
class SigningSession:
    envelope_id: str
    #: where to send the member's browser to sign
    url: str


@dataclass(frozen=True)
class WebhookEvent:
    envelope_id: str
    event: str
    status: SigningStatus
    raw: dict[str, object] = field(default_factory=dict)


class ProviderError(Exception):
    """The provider cannot be reached or refused the call; the member sees a calm message."""


class ProviderBusy(ProviderError):
    """The provider asks us to slow down (HTTP 429, or one of its per-envelope call limits): retry later.

    ``retry_after`` is the number of seconds the provider asked for (``Retry-After``), when it said so.
    """

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CeremonyUnavailable(ProviderError):
    """``start`` created the envelope but could not get its ceremony URL: keep ``envelope_id`` and resume it
    later rather than leave a signable envelope nobody tracks. The provider's own error is ``__cause__``."""

    def __init__(self, message: str, *, envelope_id: str) -> None:
        super().__init__(message)
        self.envelope_id = envelope_id


def is_busy(error: BaseException) -> bool:
    """A :class:`ProviderBusy`, possibly wrapped (e.g. in :class:`CeremonyUnavailable`)."""
    return isinstance(error, ProviderBusy) or isinstance(error.__cause__, ProviderBusy)


class DocumentRejected(ProviderError):
    """What the provider returned as the signed document fails our checks (no valid, trusted seal)."""


class WebhookRejected(Exception):
    """A webhook whose signature is missing or wrong."""


class SigningProvider(Protocol):
    """Everything the application asks of a provider; each provider implements all of it."""

    name: str
    #: least number of seconds between two ``status`` calls for one envelope (0: ask whenever needed)
    status_poll_interval: float

    def start(
        self, documents: list[DocumentToSign], signer: Signer, return_url: str, *, transaction_id: str = ""
    ) -> SigningSession:
        """Create an envelope for ``documents``; ``url`` is where the signer's browser goes.
        ``transaction_id`` is our reference, by which a lost envelope is found again."""

    def resume(self, envelope_id: str, signer: Signer, return_url: str) -> SigningSession:
        """A fresh ceremony URL for a pending envelope (DocuSign's are single-use)."""

    def void(self, envelope_id: str, reason: str) -> None:
        """Close a pending envelope so it can no longer be signed (answers changed, lost race)."""

    def status(self, envelope_id: str) -> SigningStatus:
        """The provider's own verdict: the only source of truth besides a verified webhook."""

    def signed_document(self, envelope_id: str, kind: str | None = None) -> bytes:
        """The signed PDF of ``kind`` (providers that sign one combined PDF ignore ``kind``)."""

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> WebhookEvent:
        """The event of an authentic callback; :class:`WebhookRejected` otherwise."""
