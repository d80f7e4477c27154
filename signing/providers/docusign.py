"""DocuSign eSignature provider (embedded signing) built on the official ``docusign-esign`` 6.x SDK.

This is the only module of the project that imports ``docusign_esign``. What it does, in order:

* JWT grant (``request_jwt_user_token``, RS256, scopes ``signature impersonation``); the access token is
  cached and renewed five minutes before it expires. ``consent_required`` becomes a :class:`ProviderError`
  whose message gives operators the consent URL to open.
* The account and the REST base come from ``/oauth/userinfo`` (``base_uri + "/restapi"``), never hard-coded;
  ``account_id`` in the settings picks one account, otherwise the default account is used.
* One envelope holds every document; one embedded signer (``clientUserId`` = our user id) gets a SignHere
  and a DateSigned tab anchored on the strings the PDFs draw in tiny white text.
* Every failure of the SDK or of the network (``ApiException``, urllib3 ``MaxRetryError``, timeouts,
  refused connections, TLS errors) is turned into a :class:`ProviderError`; nothing else escapes.

SDK pitfalls handled here (see docs/DOCUSIGN.md and the SDK source):

* ``Configuration()`` is a process-wide singleton read once, when an ``ApiClient`` builds its urllib3 pool:
  TLS options are set on it *before* the client is built, under a lock, and put back afterwards so that
  one provider's CA bundle never leaks into another client.
* ``ApiClient(host=...)`` defaults to DocuSign production: the host is always given explicitly.
* No call has a timeout by default, and the OAuth helpers offer no way to pass one: every REST call gets
  ``_request_timeout`` and the client subclass below applies the same timeout to the OAuth calls.
* ``_request_timeout`` must be an ``int`` (total) or a 2-tuple: a ``float`` is silently ignored by the SDK,
  so the (connect, read) tuple form is always used.
* ``str(ApiException)`` raises when the exception was built without an HTTP response (TLS errors): messages
  are built from ``status`` / ``reason`` / ``body`` instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import jwt
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from docusign_esign import (
    ApiClient,
    CustomFields,
    DateSigned,
    Document,
    Envelope,
    EnvelopeDefinition,
    EnvelopesApi,
    RecipientEmailNotification,
    Recipients,
    RecipientViewRequest,
    SignHere,
    Tabs,
    TextCustomField,
)
from docusign_esign import Signer as DocuSignSigner
from docusign_esign.client.api_exception import ApiException, ArgumentException
from docusign_esign.client.configuration import Configuration

from signing.providers.base import (
    CeremonyUnavailable,
    DocumentRejected,
    DocumentToSign,
    ProviderBusy,
    ProviderError,
    Signer,
    SigningSession,
    SigningStatus,
    WebhookEvent,
    WebhookRejected,
)
from signing.seal import validate_sealed_pdf

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: scopes requested by the JWT grant (impersonation is what lets the integration act as ``user_id``)
SCOPES: tuple[str, ...] = ("signature", "impersonation")
#: anchor strings drawn (tiny, white) in every PDF where the signature and the date go
SIGNATURE_ANCHOR = "\\sig1\\"
DATE_ANCHOR = "\\date1\\"
#: renew the access token this many seconds before it expires
RENEW_MARGIN_SECONDS = 300
#: the single embedded signer's recipient id inside the envelope
RECIPIENT_ID = "1"
#: DocuSign's own page that shows "consent granted"; it must be a redirect URI of the integration key
DEFAULT_CONSENT_REDIRECT_URI = "https://developers.docusign.com/platform/auth/consent"
EMAIL_SUBJECT = "Votre adhésion : documents à signer"
#: the signer's language: DocuSign's emails and signing page in French (``locale`` is added to each view URL)
LANGUAGE = "fr"
#: the envelope custom field carrying our transaction id, by which a lost envelope is found again
TRANSACTION_FIELD = "transaction_id"
#: DocuSign forbids asking the status of one envelope more than once every 15 minutes
STATUS_POLL_INTERVAL_SECONDS = 15 * 60
#: how far back the reconciliation looks for an envelope whose creation answer was lost
RECONCILE_LOOKBACK = 24 * 3600
#: DocuSign's per-envelope / per-account limit errors (400) all end like this (case varies)
_LIMIT_SUFFIX = "limit_exceeded"
#: a void of an envelope that is already completed, declined or voided
_CANNOT_VOID = "ENVELOPE_CANNOT_VOID_INVALID_STATE"
#: a Connect HMAC header is X-DocuSign-Signature-1 .. X-DocuSign-Signature-N
_SIGNATURE_HEADER_PREFIX = "x-docusign-signature-"

_ENVELOPE_STATUSES: dict[str, SigningStatus] = {
    "completed": SigningStatus.COMPLETED,
    "declined": SigningStatus.DECLINED,
    "voided": SigningStatus.EXPIRED,
    "expired": SigningStatus.EXPIRED,
    "timedout": SigningStatus.EXPIRED,
    "deleted": SigningStatus.EXPIRED,
    "created": SigningStatus.PENDING,
    "sent": SigningStatus.PENDING,
    "delivered": SigningStatus.PENDING,
    "signed": SigningStatus.PENDING,
    "correct": SigningStatus.PENDING,
}

_WEBHOOK_EVENTS: dict[str, SigningStatus] = {
    "envelope-completed": SigningStatus.COMPLETED,
    "envelope-declined": SigningStatus.DECLINED,
    "envelope-voided": SigningStatus.EXPIRED,
    "envelope-deleted": SigningStatus.EXPIRED,
    "envelope-purge": SigningStatus.EXPIRED,
}

#: everything the SDK, urllib3, PyJWT or the socket layer may raise on a failed call
_CALL_ERRORS: tuple[type[BaseException], ...] = (
    ApiException,
    ArgumentException,
    urllib3.exceptions.HTTPError,  # MaxRetryError, ReadTimeoutError, ProtocolError, SSLError...
    OSError,  # refused / reset connections, socket timeouts
    ValueError,  # a non-JSON answer where the SDK expects JSON
    jwt.PyJWTError,
)

# The SDK's Configuration is a process-wide singleton: serialise "set TLS options, build client, restore".
_CONFIGURATION_LOCK = threading.Lock()


@dataclass(frozen=True)
class DocuSignSettings:
    integration_key: str
    #: the DocuSign user (GUID) the integration impersonates
    user_id: str
    #: RSA private key of the integration key, PEM
    private_key_pem: bytes
    #: bare OAuth host name: "account-d.docusign.com" (developer), "account.docusign.com" (production)
    oauth_host: str
    #: None: the user's default account from userinfo
    account_id: str | None = None
    #: Connect HMAC secrets; several during a key rotation
    hmac_keys: tuple[str, ...] = ()
    timeout_seconds: float = 10
    #: read timeout of the envelope creation (uploading every PDF), longer than the others
    create_timeout_seconds: float = 30
    #: PEM of the root(s) the seal of DocuSign's combined PDF must chain to; empty: nothing is accepted
    seal_roots_pem: bytes = b""
    #: CA bundle to trust instead of the default (certifi) one; only the fake server's throw-away CA in tests
    ca_bundle: str | None = None
    #: lifetime asked for the JWT assertion, and assumed for the token if the answer gives none
    token_lifetime: int = 3600
    #: where DocuSign sends the browser after consent; must be registered on the integration key
    consent_redirect_uri: str = DEFAULT_CONSENT_REDIRECT_URI

    def __post_init__(self) -> None:
        if not self.oauth_host or "/" in self.oauth_host:
            raise ValueError("DocuSign oauth_host is a bare host name (optionally host:port), not a URL")
        if self.timeout_seconds <= 0 or self.create_timeout_seconds <= 0:
            raise ValueError("DocuSign timeouts must be positive")

    def __repr__(self) -> str:  # keep the private key and the HMAC secrets out of logs and tracebacks
        return (
            f"DocuSignSettings(integration_key={self.integration_key!r}, user_id={self.user_id!r}, "
            f"oauth_host={self.oauth_host!r}, account_id={self.account_id!r}, "
            f"hmac_keys=<{len(self.hmac_keys)} keys>, timeout_seconds={self.timeout_seconds!r})"
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> DocuSignSettings:
        """Settings from the ``DOCUSIGN_*`` variables documented in docs/DOCUSIGN.md."""
        missing = [
            name
            for name in ("DOCUSIGN_INTEGRATION_KEY", "DOCUSIGN_USER_ID", "DOCUSIGN_PRIVATE_KEY_PATH")
            if not environ.get(name)
        ]
        if missing:
            raise ValueError("missing DocuSign settings: " + ", ".join(missing))
        return cls(
            integration_key=environ["DOCUSIGN_INTEGRATION_KEY"],
            user_id=environ["DOCUSIGN_USER_ID"],
            private_key_pem=Path(environ["DOCUSIGN_PRIVATE_KEY_PATH"]).read_bytes(),
            oauth_host=environ.get("DOCUSIGN_OAUTH_HOST") or "account-d.docusign.com",
            account_id=environ.get("DOCUSIGN_ACCOUNT_ID") or None,
            hmac_keys=tuple(k.strip() for k in environ.get("DOCUSIGN_HMAC_KEYS", "").split(",") if k.strip()),
            timeout_seconds=float(environ.get("DOCUSIGN_TIMEOUT") or 10),
            create_timeout_seconds=float(environ.get("DOCUSIGN_CREATE_TIMEOUT") or 30),
            seal_roots_pem=Path(environ["DOCUSIGN_SEAL_ROOTS"]).read_bytes() if environ.get("DOCUSIGN_SEAL_ROOTS")
            else b"",
            ca_bundle=environ.get("DOCUSIGN_CA_BUNDLE") or None,
            consent_redirect_uri=environ.get("DOCUSIGN_CONSENT_REDIRECT_URI") or DEFAULT_CONSENT_REDIRECT_URI,
        )


def consent_url(settings: DocuSignSettings, redirect_uri: str | None = None) -> str:
    """The URL the impersonated user (or an administrator) opens once to grant consent to the integration."""
    query = urlencode(
        {
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "client_id": settings.integration_key,
            "redirect_uri": redirect_uri or settings.consent_redirect_uri,
        },
        quote_via=quote,
    )
    return f"https://{settings.oauth_host}/oauth/auth?{query}"


@dataclass(frozen=True)
class _Account:
    account_id: str
    rest_base: str


class _ApiClient(ApiClient):  # type: ignore[misc]  # the SDK ships no type information
    """An ``ApiClient`` whose every request has a timeout.

    ``request_jwt_user_token`` and ``get_user_info`` call ``self.request`` without ``_request_timeout`` and
    take no such argument: without this, a silent OAuth host would hang a worker forever.
    """

    def __init__(self, *, timeout: tuple[float, float], host: str, oauth_host_name: str) -> None:
        super().__init__(host=host, oauth_host_name=oauth_host_name)
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("_request_timeout") is None:
            kwargs["_request_timeout"] = self._timeout
        return super().request(*args, **kwargs)


def _build_api_client(settings: DocuSignSettings, timeout: tuple[float, float]) -> _ApiClient:
    tls_fields = ("verify_ssl", "ssl_ca_cert", "assert_hostname", "cert_file", "key_file", "proxy")
    with _CONFIGURATION_LOCK:
        configuration = Configuration()
        saved = {name: getattr(configuration, name) for name in tls_fields}
        try:
            # Always verify; a custom bundle only replaces certifi's roots (the fake's CA in tests).
            configuration.verify_ssl = True
            configuration.ssl_ca_cert = settings.ca_bundle
            configuration.assert_hostname = None
            configuration.cert_file = None
            configuration.key_file = None
            configuration.proxy = None
            # The REST host is only known after userinfo; until then the client points at the OAuth host,
            # never at the SDK's default (DocuSign production).
            client = _ApiClient(
                timeout=timeout, host=f"https://{settings.oauth_host}", oauth_host_name=settings.oauth_host
            )
        finally:
            for name, value in saved.items():
                setattr(configuration, name, value)
    # Bounded retries: a refused connection is retried twice, a read timeout never (POST is not idempotent,
    # and a slow GET retried 3 times would hold the member 4x the timeout).
    # A 429 must reach the SDK as an ApiException carrying Retry-After: urllib3 would otherwise "respect"
    # the header itself and, with status=0, turn it into a MaxRetryError that looks like a network failure.
    client.rest_client.pool_manager.connection_pool_kw["retries"] = urllib3.util.Retry(
        total=2, connect=2, read=0, redirect=0, status=0, other=0, backoff_factor=0.1,
        respect_retry_after_header=False,
    )
    return client


def _error_code(body: object) -> str:
    """``errorCode`` (REST) or ``error`` (OAuth) from an error body, or ""."""
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str) or not body:
        return ""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("errorCode") or data.get("error") or "")


def _describe(exc: BaseException) -> str:
    """A short, secret-free description of a failed call (never ``str(ApiException)``: it can raise)."""
    if isinstance(exc, ApiException):
        code = _error_code(getattr(exc, "body", None))
        status = getattr(exc, "status", None)
        if status in (0, None):
            reason = str(getattr(exc, "reason", "") or "").splitlines()
            return f"connection failed ({reason[0] if reason else 'no response'})"
        return f"HTTP {status}" + (f" {code}" if code else "")
    if isinstance(exc, urllib3.exceptions.MaxRetryError):
        return f"unreachable ({type(exc.reason).__name__})"
    return type(exc).__name__


def _busy(exc: BaseException) -> bool:
    """A 429, or one of DocuSign's 400 ``…_Limit_Exceeded`` errors (hourly/burst, per envelope or account)."""
    if not isinstance(exc, ApiException):
        return False
    status = getattr(exc, "status", None)
    return status == 429 or (status == 400 and _error_code(getattr(exc, "body", None)).lower().endswith(_LIMIT_SUFFIX))


def _retry_after(exc: BaseException) -> int | None:
    """``Retry-After`` in seconds (DocuSign sends a number), or None."""
    headers = getattr(exc, "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(int(str(value).strip()), 0) if value is not None else None
    except ValueError:
        return None


def _timed_out(exc: BaseException) -> bool:
    """The answer did not come in time (the request may have been processed)."""
    if isinstance(exc, urllib3.exceptions.MaxRetryError):
        exc = exc.reason or exc
    return isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError)


def load_seal_roots(pem: bytes) -> list[x509.Certificate]:
    """The trusted roots of DocuSign's seal from a PEM bundle (empty bundle: no root)."""
    return x509.load_pem_x509_certificates(pem) if pem.strip() else []


def _with_locale(url: str) -> str:
    return url + ("&" if "?" in url else "?") + urlencode({"locale": LANGUAGE})


class DocuSignProvider:
    """:class:`signing.providers.base.SigningProvider` backed by DocuSign embedded signing."""

    name = "docusign"
    status_poll_interval = float(STATUS_POLL_INTERVAL_SECONDS)

    def __init__(self, settings: DocuSignSettings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._timeout = (float(settings.timeout_seconds), float(settings.timeout_seconds))
        self._create_timeout = (float(settings.timeout_seconds), float(settings.create_timeout_seconds))
        try:
            self._seal_roots = load_seal_roots(settings.seal_roots_pem)
        except ValueError as exc:
            raise ProviderError("DocuSign seal roots are not a PEM certificate bundle") from exc
        try:
            load_pem_private_key(settings.private_key_pem, password=None)
        except (ValueError, TypeError) as exc:
            raise ProviderError("DocuSign private key is missing or is not an unencrypted PEM key") from exc
        self._api_client = _build_api_client(settings, self._timeout)
        self._envelopes = EnvelopesApi(self._api_client)
        self._lock = threading.Lock()
        self._token_expires_at: float | None = None
        self._current_token = ""
        self._account: _Account | None = None

    # -- contract ---------------------------------------------------------------------------------------

    def start(
        self, documents: list[DocumentToSign], signer: Signer, return_url: str, *, transaction_id: str = ""
    ) -> SigningSession:
        """Create the envelope (sent) and its first signing view.

        The creation uploads every PDF and gets the longer ``create_timeout_seconds``. When its answer is
        lost anyway (read timeout), DocuSign may have created the envelope: it is looked up by the
        ``transaction_id`` custom field and, when found, used as if the answer had come.
        """
        if not documents:
            raise ValueError("an envelope needs at least one document")
        fields = [TextCustomField(name=TRANSACTION_FIELD, value=transaction_id, show="false", required="false")]
        definition = EnvelopeDefinition(
            email_subject=EMAIL_SUBJECT,
            documents=[
                Document(
                    document_base64=base64.b64encode(document.pdf).decode("ascii"),
                    document_id=str(number),
                    name=document.title,
                    file_extension="pdf",
                )
                for number, document in enumerate(documents, start=1)
            ],
            recipients=Recipients(signers=[self._signer(signer)]),
            custom_fields=CustomFields(text_custom_fields=fields) if transaction_id else None,
            status="sent",
        )
        try:
            summary = self._call(
                "create_envelope",
                lambda account: self._envelopes.create_envelope(
                    account.account_id, envelope_definition=definition, _request_timeout=self._create_timeout
                ),
            )
            envelope_id = str(getattr(summary, "envelope_id", "") or "")
        except ProviderError as exc:
            if not transaction_id or not _timed_out(exc.__cause__ or exc):
                raise
            envelope_id = self._reconcile(transaction_id)
        if not envelope_id:
            raise ProviderError("DocuSign created no envelope id")
        logger.info("DocuSign envelope %s created (%d documents)", envelope_id, len(documents))
        try:
            return self.resume(envelope_id, signer, return_url)
        except ProviderError as exc:
            logger.warning("DocuSign envelope %s created but its signing view failed", envelope_id)
            raise CeremonyUnavailable(str(exc), envelope_id=envelope_id) from exc

    def resume(self, envelope_id: str, signer: Signer, return_url: str) -> SigningSession:
        """A new (single-use) signing URL for an existing envelope — re-entering the signing step.

        DocuSign says not to store or email this URL: it is returned, never kept. ``locale=fr`` is added
        so the signing page is in French whatever the browser's language.
        """
        view_request = RecipientViewRequest(
            return_url=return_url,
            authentication_method="none",
            client_user_id=str(signer.user_id),
            email=signer.email,
            user_name=signer.full_name,
            recipient_id=RECIPIENT_ID,
        )
        view = self._call(
            "create_recipient_view",
            lambda account: self._envelopes.create_recipient_view(
                account.account_id,
                envelope_id,
                recipient_view_request=view_request,
                _request_timeout=self._timeout,
            ),
        )
        url = str(getattr(view, "url", "") or "")
        if not url:
            raise ProviderError("DocuSign returned no signing URL")
        return SigningSession(envelope_id=envelope_id, url=_with_locale(url))

    def void(self, envelope_id: str, reason: str) -> None:
        """Void a sent envelope (``PUT …/envelopes/{id}`` status voided, with our reason).

        An envelope DocuSign cannot void any more (already completed, declined or voided) is left as is:
        the caller has already closed our request, whose completion is never accepted afterwards.
        """
        envelope = Envelope(status="voided", voided_reason=reason[:200] or "voided")
        try:
            self._call(
                "void",
                lambda account: self._envelopes.update(
                    account.account_id, envelope_id, envelope=envelope, _request_timeout=self._timeout
                ),
            )
        except ProviderError as exc:
            cause = exc.__cause__
            if isinstance(cause, ApiException) and _error_code(getattr(cause, "body", None)) == _CANNOT_VOID:
                logger.info("DocuSign envelope %s was already closed; nothing to void", envelope_id)
                return
            raise
        logger.info("DocuSign envelope %s voided (%s)", envelope_id, reason)

    def status(self, envelope_id: str) -> SigningStatus:
        envelope = self._call(
            "get_envelope",
            lambda account: self._envelopes.get_envelope(
                account.account_id, envelope_id, _request_timeout=self._timeout
            ),
        )
        raw = str(getattr(envelope, "status", "") or "").lower()
        status = _ENVELOPE_STATUSES.get(raw)
        if status is None:
            logger.warning(
                "DocuSign envelope %s has unexpected status %r; treated as pending", envelope_id, raw
            )
            return SigningStatus.PENDING
        return status

    def signed_document(self, envelope_id: str, kind: str | None = None) -> bytes:
        """The combined PDF with the certificate of completion (``certificate=true``, whatever the account's
        default), accepted only when DocuSign's seal over the whole file is intact and chains to one of
        the configured roots (``DocumentRejected`` otherwise). DocuSign signs every document as one
        envelope: ``kind`` is ignored."""
        data = self._call(
            "get_document",
            lambda account: self._envelopes.get_document(
                account.account_id, "combined", envelope_id, certificate="true", language=LANGUAGE,
                _request_timeout=self._timeout,
            ),
        )  # fmt: skip
        if isinstance(data, str):  # pragma: no cover - SDK 6.x returns bytes for "file" responses
            data = data.encode("latin-1")
        if not isinstance(data, bytes) or not data.startswith(b"%PDF-"):
            raise ProviderError("DocuSign returned something that is not a PDF for the combined document")
        self._check_seal(envelope_id, data)
        return data

    def _check_seal(self, envelope_id: str, pdf: bytes) -> None:
        if not self._seal_roots:
            raise DocumentRejected("no DocuSign seal root is configured (DOCUSIGN_SEAL_ROOTS)")
        checks = [validate_sealed_pdf(pdf, root) for root in self._seal_roots]
        if not any(check.ok for check in checks):
            check = checks[0]
            logger.error(
                "DocuSign combined document of envelope %s refused: seal intact=%s valid=%s trusted=%s coverage=%s",
                envelope_id, check.intact, check.valid, check.trusted, check.coverage,
            )  # fmt: skip
            raise DocumentRejected(f"the combined document of envelope {envelope_id} has no valid DocuSign seal")

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> WebhookEvent:
        signatures = [
            value.strip().encode("ascii", "replace")
            for name, value in headers.items()
            if name.lower().startswith(_SIGNATURE_HEADER_PREFIX)
            and name[len(_SIGNATURE_HEADER_PREFIX) :].isdigit()
        ]
        if not signatures:
            raise WebhookRejected("no X-DocuSign-Signature header")
        if not self._settings.hmac_keys:
            raise WebhookRejected("no Connect HMAC key is configured")
        expected = [
            base64.b64encode(hmac.new(key.encode("utf-8"), raw_body, hashlib.sha256).digest())
            for key in self._settings.hmac_keys
        ]
        # Compare every pair (no early exit) so timing does not tell which key or header matched.
        matched = False
        for signature in signatures:
            for candidate in expected:
                matched |= hmac.compare_digest(signature, candidate)
        if not matched:
            raise WebhookRejected("X-DocuSign-Signature does not match any configured key")
        return _parse_webhook(raw_body)

    # -- operations -------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close pooled connections (tests, application shutdown)."""
        self._api_client.rest_client.pool_manager.clear()

    # -- internals --------------------------------------------------------------------------------------

    @staticmethod
    def _signer(signer: Signer) -> Any:
        def anchored(kind: Callable[..., Any], anchor: str) -> Any:
            return kind(
                anchor_string=anchor,
                anchor_units="pixels",
                anchor_x_offset="0",
                anchor_y_offset="0",
                anchor_ignore_if_not_present="false",
                anchor_case_sensitive="true",
                anchor_match_whole_word="true",
            )

        return DocuSignSigner(
            email=signer.email,
            name=signer.full_name,
            email_notification=RecipientEmailNotification(supported_language=LANGUAGE),
            recipient_id=RECIPIENT_ID,
            routing_order="1",
            client_user_id=str(signer.user_id),
            tabs=Tabs(
                sign_here_tabs=[anchored(SignHere, SIGNATURE_ANCHOR)],
                date_signed_tabs=[anchored(DateSigned, DATE_ANCHOR)],
            ),
        )

    def _call(self, operation: str, call: Callable[[_Account], T]) -> T:
        """Run one REST call with a valid token; a 401 drops the token and retries once."""
        for attempt in (1, 2):
            account = self._authenticate()
            try:
                return call(account)
            except ApiException as exc:
                if getattr(exc, "status", None) == 401 and attempt == 1:
                    logger.info("DocuSign refused the access token during %s; renewing it", operation)
                    self._forget_token()
                    continue
                raise self._failure(operation, exc) from exc
            except _CALL_ERRORS as exc:
                raise self._failure(operation, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _failure(self, operation: str, exc: BaseException) -> ProviderError:
        description = _describe(exc)
        if _busy(exc):
            retry_after = _retry_after(exc)
            logger.warning(
                "DocuSign %s refused by a rate limit: %s (retry after %s s)", operation, description, retry_after
            )
            return ProviderBusy(f"DocuSign {operation} rate-limited: {description}", retry_after=retry_after)
        logger.warning("DocuSign %s failed: %s", operation, description)
        return ProviderError(f"DocuSign {operation} failed: {description}")

    def _reconcile(self, transaction_id: str) -> str:
        """The envelope created for ``transaction_id`` although its creation answer was lost."""
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - RECONCILE_LOOKBACK))
        found = self._call(
            "list_status_changes",
            lambda account: self._envelopes.list_status_changes(
                account.account_id, from_date=since, custom_field=f"{TRANSACTION_FIELD}={transaction_id}",
                _request_timeout=self._timeout,
            ),
        )  # fmt: skip
        ids = [str(e.envelope_id) for e in (getattr(found, "envelopes", None) or []) if getattr(e, "envelope_id", None)]
        if not ids:
            logger.error(
                "DocuSign create_envelope timed out and no envelope carries transaction %s yet; if one appears "
                "later, void it in DocuSign", transaction_id,
            )  # fmt: skip
            raise ProviderError(f"DocuSign create_envelope timed out (transaction {transaction_id} not found)")
        for extra in ids[1:]:  # never more than one in practice; the others would be signable duplicates
            self.void(extra, "Doublon créé lors d'une reprise après délai dépassé")
        logger.warning("DocuSign create_envelope timed out; envelope %s found by transaction %s", ids[0],
                       transaction_id)
        return ids[0]

    def _forget_token(self) -> None:
        with self._lock:
            self._token_expires_at = None

    def _authenticate(self) -> _Account:
        with self._lock:
            now = self._clock()
            if self._token_expires_at is None or now >= self._token_expires_at - RENEW_MARGIN_SECONDS:
                self._current_token = self._request_token(now)
            if self._account is None:  # a token without an account: userinfo failed last time
                self._account = self._discover_account(self._current_token)
            return self._account

    def _request_token(self, now: float) -> str:
        settings = self._settings
        try:
            token = self._api_client.request_jwt_user_token(
                client_id=settings.integration_key,
                user_id=settings.user_id,
                oauth_host_name=settings.oauth_host,
                private_key_bytes=settings.private_key_pem,
                expires_in=settings.token_lifetime,
                scopes=SCOPES,
            )
        except ApiException as exc:
            if _error_code(getattr(exc, "body", None)) == "consent_required":
                logger.error("DocuSign consent is missing for user %s", settings.user_id)
                raise ProviderError(
                    f"DocuSign consent_required: user {settings.user_id} has not granted consent to "
                    f"integration key {settings.integration_key}. An operator must open "
                    f"{consent_url(settings)} once, log in as that user (or an administrator) and accept."
                ) from exc
            raise self._failure("JWT token request", exc) from exc
        except _CALL_ERRORS as exc:
            raise self._failure("JWT token request", exc) from exc
        access_token = str(getattr(token, "access_token", "") or "")
        if not access_token:
            raise ProviderError("DocuSign JWT token request failed: no access token in the answer")
        try:
            lifetime = int(getattr(token, "expires_in", None) or settings.token_lifetime)
        except (TypeError, ValueError):
            lifetime = settings.token_lifetime
        self._token_expires_at = now + lifetime
        logger.info("DocuSign access token obtained (valid %d s)", lifetime)
        return access_token

    def _discover_account(self, access_token: str) -> _Account:
        try:
            info = self._api_client.get_user_info(access_token)
        except _CALL_ERRORS as exc:
            self._token_expires_at = None
            raise self._failure("userinfo", exc) from exc
        accounts = list(getattr(info, "accounts", None) or [])
        wanted = self._settings.account_id

        def is_default(account: Any) -> bool:
            return str(getattr(account, "is_default", "")).lower() == "true"

        chosen = next(
            (a for a in accounts if (a.account_id == wanted if wanted else is_default(a))),
            None,
        )
        if chosen is None or not getattr(chosen, "base_uri", None):
            self._token_expires_at = None
            which = f"account {wanted}" if wanted else "a default account"
            raise ProviderError(f"DocuSign user {self._settings.user_id} has no access to {which}")
        base_uri = str(chosen.base_uri).rstrip("/")
        if not base_uri.startswith("https://"):
            self._token_expires_at = None
            raise ProviderError("DocuSign userinfo gave a base URI that is not https")
        rest_base = base_uri + "/restapi"
        self._api_client.host = rest_base
        logger.info("DocuSign account %s at %s", chosen.account_id, rest_base)
        return _Account(account_id=str(chosen.account_id), rest_base=rest_base)


def _parse_webhook(raw_body: bytes) -> WebhookEvent:
    try:
        payload = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected("webhook body is not JSON") from exc
    if not isinstance(payload, dict):
        raise WebhookRejected("webhook body is not a JSON object")
    event = payload.get("event")
    data = payload.get("data")
    envelope_id = data.get("envelopeId") if isinstance(data, dict) else None
    if not isinstance(event, str) or not isinstance(envelope_id, str) or not envelope_id:
        raise WebhookRejected("webhook body has no event or envelopeId")
    return WebhookEvent(
        envelope_id=envelope_id,
        event=event,
        status=_WEBHOOK_EVENTS.get(event, SigningStatus.PENDING),
        raw=payload,
    )
