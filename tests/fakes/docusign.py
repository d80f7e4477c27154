"""A fake DocuSign (OAuth + eSignature REST v2.1 + embedded ceremony + Connect) on 127.0.0.1, over TLS.

The real ``docusign-esign`` SDK talks to it unmodified: the SDK forces ``https://`` for OAuth, so the fake
serves TLS with a throw-away CA and certificate for 127.0.0.1 generated at start into a temporary folder;
the provider trusts that CA through ``DocuSignSettings.ca_bundle`` (never by turning verification off).

Surface (see docs/design SIGNING.md, "Testing DocuSign without DocuSign")::

    POST /oauth/token                                   JWT bearer grant, RS256 assertion checked
    GET  /oauth/userinfo                                accounts[] with base_uri = https://127.0.0.1:PORT/<shard>
    POST /<shard>/restapi/v2.1/accounts/<a>/envelopes   201; both anchors must be found in the PDFs
    POST …/envelopes/<id>/views/recipient               201 {"url"} single use; 400 UNKNOWN_ENVELOPE_RECIPIENT
    GET  …/envelopes/<id>                               status and dates
    PUT  …/envelopes/<id>                               void (status "voided" + voidedReason) a sent envelope
    GET  …/envelopes?from_date=…&custom_field=name=value   list_status_changes, found by a custom field
    GET  …/envelopes/<id>/documents/combined            the "signed" PDF (see :meth:`FakeDocuSign.signed_pdf`),
                                                        sealed by the fake's « DocuSign » test certificate;
                                                        the certificate of completion page is added when
                                                        ``certificate=true`` (or by the account default)
    GET/POST /signing/<token>                           fake ceremony, 302 to returnUrl?event=...

REST calls without an issued bearer token get 401. Control methods: :meth:`require_consent`,
:meth:`delay`, :meth:`script_ceremony`, :meth:`sign`, :meth:`set_status`, :meth:`revoke_tokens`,
:meth:`build_webhook`, :meth:`send_webhook`, :meth:`provider_settings`, :meth:`limit`,
:meth:`stall_creation`, :meth:`notify_foreign_envelope`, :meth:`redeliver_connect`; attributes
``require_acknowledgement`` (Connect retries failed deliveries only then), ``certificate_by_default`` and
``seal_mode`` ("docusign", "none", "foreign").
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import http.client
import io
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import tempfile
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask, Response, jsonify, redirect, request
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from signing.pki import Pki, ensure_pki
from signing.providers.docusign import DATE_ANCHOR, SIGNATURE_ANCHOR, DocuSignSettings

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
INTEGRATION_KEY = "11111111-2222-4333-8444-555555555555"
USER_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
DEFAULT_ACCOUNT_ID = "f0000000-0000-4000-8000-000000000001"
OTHER_ACCOUNT_ID = "f0000000-0000-4000-8000-000000000002"
CEREMONY_EVENTS = ("signing_complete", "cancel", "decline", "ttl_expired")
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def generate_rsa_private_key_pem() -> bytes:
    """A fresh RSA-2048 key (PEM, unencrypted), like the one DocuSign generates for an integration key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@functools.lru_cache(maxsize=8)  # loading an RSA key is slow (~0.1 s) and fixtures reuse one key
def public_key_pem(private_key_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def unused_port() -> int:
    """A loopback port nobody listens on (bound then released), to simulate DocuSign being down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _write_tls_material(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it; returns (ca, cert, key)."""
    now = _now()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake DocuSign test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.IPv4Address(LOOPBACK))]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, cert_path, key_path


@dataclass
class FakeEnvelope:
    envelope_id: str
    account_id: str
    status: str
    email_subject: str
    documents: list[tuple[str, str, bytes]]  # (documentId, name, pdf)
    signer: dict[str, str]  # clientUserId, email, name, recipientId
    created: dt.datetime
    sent: dt.datetime | None = None
    delivered: dt.datetime | None = None
    completed: dt.datetime | None = None
    declined: dt.datetime | None = None
    voided: dt.datetime | None = None
    status_changed: dt.datetime | None = None
    #: ceremony outcome set by a test; None: the ?event= query parameter, else a page with buttons
    script: str | None = None
    #: the "signed" combined PDFs (key: with the certificate page), built once so the bytes never change
    signed_pdfs: dict[bool, bytes] = field(default_factory=dict)
    raw_definition: dict[str, Any] = field(default_factory=dict)
    #: textCustomFields of the definition, name -> value
    custom_fields: dict[str, str] = field(default_factory=dict)
    voided_reason: str | None = None
    #: the signer's emailNotification.supportedLanguage
    language: str = ""


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    authorized: bool
    query: str = ""


@dataclass
class Limit:
    """A refusal the fake answers instead of the next ``times`` matching calls (see :meth:`FakeDocuSign.limit`)."""

    method: str
    path_suffix: str
    status: int
    error_code: str
    retry_after: int | None
    times: int


@dataclass(frozen=True)
class ConnectDelivery:
    envelope_id: str
    event: str
    #: the listener's HTTP status, or 0 when it could not be reached
    status: int


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to this module's logger at DEBUG instead of stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("fake docusign %s %s -> %s", self.command, self.path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug("fake docusign: " + message, *args)


class FakeDocuSign:
    """The fake server and its control surface; use :meth:`start` / :meth:`stop` (or the pytest fixture)."""

    def __init__(
        self,
        *,
        integration_key: str = INTEGRATION_KEY,
        user_id: str = USER_ID,
        private_key_pem: bytes | None = None,
        hmac_keys: Iterable[str] | None = None,
    ) -> None:
        self.integration_key = integration_key
        self.user_id = user_id
        #: kept only to hand complete settings to the provider; the fake itself needs the public half
        self.private_key_pem = private_key_pem or generate_rsa_private_key_pem()
        self.public_key_pem = public_key_pem(self.private_key_pem)
        #: Connect HMAC secrets; several to test a key rotation
        self.hmac_keys: tuple[str, ...] = tuple(
            hmac_keys or (secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        )
        #: "expires_in" of the access tokens it issues
        self.token_expires_in = 3600
        self.default_account_id = DEFAULT_ACCOUNT_ID
        #: a Connect listener: when set, the fake posts envelope-completed/-declined there after a ceremony
        self.connect_url: str | None = None
        #: Connect's « Require Acknowledgement »: only then is a failed delivery kept for a retry
        self.require_acknowledgement = False
        #: every Connect delivery attempt, and those kept for a retry
        self.connect_deliveries: list[ConnectDelivery] = []
        self.connect_backlog: list[tuple[str, str]] = []
        #: the account setting « attach the certificate of completion » when a call does not say
        self.certificate_by_default = False
        #: how the combined PDF of a completed envelope is sealed: "docusign" (the fake's test DocuSign
        #: certificate), "none" (not sealed) or "foreign" (a certificate from an unknown root)
        self.seal_mode = "docusign"
        self.seal_pki: Pki | None = None
        self.seal_root_path = ""
        self._foreign_pki: Pki | None = None
        self._limits: list[Limit] = []
        self._stall_creation = 0.0

        self.envelopes: dict[str, FakeEnvelope] = {}
        self.requests: list[RecordedRequest] = []
        self.token_requests = 0
        self.userinfo_requests = 0
        self.last_assertion_claims: dict[str, Any] = {}
        self._tokens: set[str] = set()
        self._consent_missing: set[str] = set()
        self._views: dict[str, tuple[str, str]] = {}  # token -> (envelope id, return URL)
        self._delay_seconds = 0.0
        self._delay_prefix = ""
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.ca_path = ""
        self.port = 0
        self.app = self._build_app()

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> FakeDocuSign:
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-docusign-")
        ca_path, cert_path, key_path = _write_tls_material(Path(self._tmp.name))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(cert_path), str(key_path))
        self.ca_path = str(ca_path)
        self.seal_pki = ensure_pki(Path(self._tmp.name) / "seal", "DocuSign Test")
        self._foreign_pki = ensure_pki(Path(self._tmp.name) / "foreign", "Not DocuSign")
        self.seal_root_path = str(Path(self._tmp.name) / "seal" / "root-ca.pem")
        self._server = make_server(
            LOOPBACK, 0, self.app, threaded=True, ssl_context=context, request_handler=_QuietHandler
        )
        self.port = int(self._server.server_port)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name="fake-docusign", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a "slow server" delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()
        self._server = self._thread = self._tmp = None

    def __enter__(self) -> FakeDocuSign:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """What the provider takes as its bare OAuth host name."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"

    def account_base_uri(self, account_id: str) -> str:
        """The ``base_uri`` userinfo gives for an account (REST lives under ``base_uri + "/restapi"``)."""
        return f"{self.base_url}/{self._shard(account_id)}"

    def provider_settings(self, **overrides: Any) -> DocuSignSettings:
        """Settings a ``DocuSignProvider`` needs to talk to this fake (trusting its throw-away CA)."""
        values: dict[str, Any] = {
            "integration_key": self.integration_key,
            "user_id": self.user_id,
            "private_key_pem": self.private_key_pem,
            "oauth_host": self.host,
            "account_id": None,
            "hmac_keys": self.hmac_keys,
            "timeout_seconds": 5.0,
            "ca_bundle": self.ca_path,
            "seal_roots_pem": Path(self.seal_root_path).read_bytes() if self.seal_root_path else b"",
        }
        values.update(overrides)
        return DocuSignSettings(**values)

    # -- control -----------------------------------------------------------------------------------------

    def require_consent(self, user_id: str | None = None, *, required: bool = True) -> None:
        """The token endpoint answers 400 {"error": "consent_required"} for this user (default: ours)."""
        with self._lock:
            (self._consent_missing.add if required else self._consent_missing.discard)(
                user_id or self.user_id
            )

    def delay(self, seconds: float, path_prefix: str = "") -> None:
        """Sleep ``seconds`` before answering requests whose path starts with ``path_prefix`` (0: off)."""
        with self._lock:
            self._delay_seconds, self._delay_prefix = seconds, path_prefix

    def revoke_tokens(self) -> None:
        """Forget every issued access token: the next REST call gets 401."""
        with self._lock:
            self._tokens.clear()

    def script_ceremony(self, envelope_id: str, event: str | None) -> None:
        """The next ceremony of this envelope ends with ``event`` whatever the query string says."""
        if event is not None and event not in CEREMONY_EVENTS:
            raise ValueError(f"unknown ceremony event {event!r}")
        with self._lock:
            self.envelopes[envelope_id].script = event

    def set_status(self, envelope_id: str, status: str) -> None:
        """Move an envelope as DocuSign would (completed, declined, voided, ...)."""
        with self._lock:
            self._transition(self.envelopes[envelope_id], status)

    def signed_pdf(self, envelope_id: str, *, certificate: bool = True) -> bytes:
        """The exact bytes ``documents/combined`` serves for this envelope (with or without the certificate)."""
        with self._lock:
            envelope = self.envelopes[envelope_id]
            if envelope.status != "completed":
                return self._combine(envelope, signed=False, certificate=False)
            if certificate not in envelope.signed_pdfs:
                envelope.signed_pdfs[certificate] = self._combine(envelope, signed=True, certificate=certificate)
            return envelope.signed_pdfs[certificate]

    def limit(
        self, path_suffix: str = "", *, method: str = "GET", status: int = 429, retry_after: int | None = 30,
        error_code: str = "", times: int = 1,
    ) -> None:  # fmt: skip
        """Refuse the next ``times`` REST calls whose path ends with ``path_suffix`` as DocuSign's limits do:
        ``status=429`` with ``Retry-After`` (account rate limit), or ``status=400`` with an ``error_code``
        such as ``Hourly_APIInvocation_Envelope_Limit_Exceeded`` (per-envelope limit)."""
        code = error_code or ("HOURLY_APIINVOCATION_LIMIT_EXCEEDED" if status == 429 else "")
        with self._lock:
            self._limits.append(Limit(method.upper(), path_suffix, status, code, retry_after, times))

    def stall_creation(self, seconds: float) -> None:
        """Create the next envelopes, then wait ``seconds`` before answering (the caller may give up)."""
        with self._lock:
            self._stall_creation = seconds

    def notify_foreign_envelope(self, url: str, event: str = "envelope-completed") -> tuple[int, bytes]:
        """A Connect notification (correctly signed) for an envelope another sender of the account made."""
        return self.send_webhook(url, str(uuid.uuid4()), event)

    def redeliver_connect(self) -> list[int]:
        """Connect's retry: deliver again what failed while « Require Acknowledgement » was on."""
        with self._lock:
            backlog, self.connect_backlog = self.connect_backlog, []
        return [self._deliver(envelope_id, event) for envelope_id, event in backlog]

    def sign(self, signing_url: str, event: str | None = "signing_complete", *, method: str = "GET") -> str:
        """Play the member's browser on the signing URL (without following the redirect); the Location."""
        parts = urlsplit(signing_url)
        if parts.hostname != LOOPBACK or parts.port != self.port:
            raise ValueError("not a signing URL of this fake")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body, headers = None, {}
        if event is not None and method == "GET":
            path += ("&" if parts.query else "?") + urlencode({"event": event})
        elif event is not None:
            body = urlencode({"event": event}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPSConnection(
            LOOPBACK, self.port, timeout=5, context=ssl.create_default_context(cafile=self.ca_path)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                raise AssertionError(f"ceremony answered {response.status}, not a redirect")
            return str(response.getheader("Location"))
        finally:
            connection.close()

    # -- Connect webhooks --------------------------------------------------------------------------------

    def webhook_body(self, envelope_id: str, event: str = "envelope-completed") -> bytes:
        with self._lock:
            envelope = self.envelopes.get(envelope_id)
            account_id = envelope.account_id if envelope else self.default_account_id
            summary = {"status": envelope.status if envelope else "completed"}
        payload = {
            "event": event,
            "apiVersion": "v2.1",
            "uri": f"/restapi/v2.1/accounts/{account_id}/envelopes/{envelope_id}",
            "retryCount": 0,
            "configurationId": 10001,
            "generatedDateTime": _iso(_now()),
            "data": {
                "accountId": account_id,
                "userId": self.user_id,
                "envelopeId": envelope_id,
                "envelopeSummary": summary,
            },
        }
        return json.dumps(payload, separators=(",", ":")).encode()

    @staticmethod
    def hmac_signature(key: str, body: bytes) -> str:
        return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()

    def build_webhook(
        self,
        envelope_id: str,
        event: str = "envelope-completed",
        *,
        hmac_key: str | None = None,
        forge: bool = False,
        header_names: Iterable[str] = ("X-DocuSign-Signature-1",),
    ) -> tuple[dict[str, str], bytes]:
        """(headers, raw body) of a Connect notification, signed with ``hmac_key`` (default: the first key);
        ``forge=True`` signs with a key DocuSign never had; ``header_names=()`` sends no signature."""
        body = self.webhook_body(envelope_id, event)
        key = secrets.token_urlsafe(32) if forge else (hmac_key or self.hmac_keys[0])
        signature = self.hmac_signature(key, body)
        headers = {"Content-Type": "application/json"}
        headers.update({name: signature for name in header_names})
        return headers, body

    def send_webhook(
        self,
        url: str,
        envelope_id: str,
        event: str = "envelope-completed",
        *,
        hmac_key: str | None = None,
        forge: bool = False,
        header_names: Iterable[str] = ("X-DocuSign-Signature-1",),
        timeout: float = 5.0,
    ) -> tuple[int, bytes]:
        """POST a Connect notification to the app (loopback URLs only); returns (HTTP status, body)."""
        headers, body = self.build_webhook(
            envelope_id, event, hmac_key=hmac_key, forge=forge, header_names=header_names
        )
        return _post_loopback(url, headers, body, timeout=timeout, ca_path=self.ca_path)

    # -- the fake server ---------------------------------------------------------------------------------

    def _shard(self, account_id: str) -> str:
        return "eu" if account_id == self.default_account_id else "na2"

    def _accounts(self) -> list[dict[str, Any]]:
        return [
            {
                "account_id": OTHER_ACCOUNT_ID,
                "is_default": False,
                "account_name": "Autre compte",
                "base_uri": self.account_base_uri(OTHER_ACCOUNT_ID),
            },
            {
                "account_id": self.default_account_id,
                "is_default": True,
                "account_name": "Mutuelle Horizon Publique",
                "base_uri": self.account_base_uri(self.default_account_id),
            },
        ]

    def _authorized(self) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        with self._lock:
            return scheme.lower() == "bearer" and token in self._tokens

    def _build_app(self) -> Flask:  # noqa: C901 - one closure per route keeps the fake readable
        app = Flask("fake_docusign")
        rest = "/<shard>/restapi/v2.1/accounts/<account_id>/envelopes"

        @app.before_request
        def record_and_delay() -> None:
            with self._lock:
                self.requests.append(
                    RecordedRequest(
                        request.method, request.path, self._authorized(), request.query_string.decode()
                    )
                )
                seconds, prefix = self._delay_seconds, self._delay_prefix
            if seconds and request.path.startswith(prefix):
                self._stopping.wait(seconds)

        @app.before_request
        def refuse_over_limit() -> Any:
            if "/restapi/" not in request.path:
                return None
            with self._lock:
                for limit in self._limits:
                    if limit.method == request.method and request.path.endswith(limit.path_suffix):
                        limit.times -= 1
                        if limit.times <= 0:
                            self._limits.remove(limit)
                        break
                else:
                    return None
            if limit.status == 429:
                body = {"errorCode": limit.error_code, "message": "The maximum number of API calls was exceeded."}
            else:
                body = {"errorCode": limit.error_code, "message": "The limit of calls for this envelope was reached."}
            response = jsonify(body)
            response.status_code = limit.status
            if limit.retry_after is not None:
                response.headers["Retry-After"] = str(limit.retry_after)
            return response

        def error(status: int, code: str, message: str) -> tuple[Response, int]:
            return jsonify(errorCode=code, message=message), status

        def rest_guard(shard: str, account_id: str) -> tuple[Response, int] | None:
            if not self._authorized():
                return error(
                    401,
                    "AUTHORIZATION_INVALID_TOKEN",
                    "The access token provided is expired, revoked or malformed.",
                )
            if account_id not in (self.default_account_id, OTHER_ACCOUNT_ID):
                return error(400, "USER_LACKS_MEMBERSHIP", "The UserID does not have a valid membership.")
            if shard != self._shard(account_id):
                return error(400, "ACCOUNT_NOT_ON_THIS_SITE", "Use the base_uri given by userinfo.")
            return None

        def envelope_or_error(envelope_id: str, account_id: str) -> FakeEnvelope | tuple[Response, int]:
            envelope = self.envelopes.get(envelope_id)
            if envelope is None or envelope.account_id != account_id:
                return error(
                    400,
                    "ENVELOPE_DOES_NOT_EXIST",
                    "The envelope specified either does not exist or you have no rights to it.",
                )
            return envelope

        @app.post("/oauth/token")
        def token() -> Any:
            with self._lock:
                self.token_requests += 1
            if request.form.get("grant_type") != JWT_GRANT:
                return jsonify(error="unsupported_grant_type"), 400
            try:
                claims = jwt.decode(
                    request.form.get("assertion", ""),
                    self.public_key_pem,
                    algorithms=["RS256"],
                    audience=self.host,
                    options={"require": ["iss", "sub", "aud", "iat", "exp"]},
                )
            except jwt.PyJWTError:
                return jsonify(error="invalid_grant", error_description="no_valid_keys_or_signatures"), 400
            with self._lock:
                self.last_assertion_claims = dict(claims)
                consent_missing = claims["sub"] in self._consent_missing
            if claims["iss"] != self.integration_key:
                return jsonify(error="invalid_grant", error_description="client_id_not_registered"), 400
            if claims["sub"] != self.user_id:
                return jsonify(error="invalid_grant", error_description="user_not_found"), 400
            scopes = set(str(claims.get("scope", "")).split())
            if consent_missing or not {"signature", "impersonation"} <= scopes:
                return jsonify(error="consent_required"), 400
            access_token = secrets.token_urlsafe(32)
            with self._lock:
                self._tokens.add(access_token)
            return jsonify(
                access_token=access_token,
                token_type="Bearer",
                expires_in=self.token_expires_in,
                scope=" ".join(sorted(scopes)),
            )

        @app.get("/oauth/userinfo")
        def userinfo() -> Any:
            with self._lock:
                self.userinfo_requests += 1
            if not self._authorized():
                return jsonify(error="invalid_token"), 401
            return jsonify(
                sub=self.user_id,
                name="Intégration Mutuelle",
                email="integration@horizon-publique.example",
                accounts=self._accounts(),
            )

        @app.post(rest)
        def create_envelope(shard: str, account_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            definition = request.get_json(silent=True)
            if not isinstance(definition, dict):
                return error(
                    400, "INVALID_REQUEST_BODY", "The request body is missing or improperly formatted."
                )
            problem = _envelope_problem(definition)
            if problem:
                return error(400, *problem)
            now = _now()
            signer = definition["recipients"]["signers"][0]
            envelope = FakeEnvelope(
                envelope_id=str(uuid.uuid4()),
                account_id=account_id,
                status="created",
                email_subject=str(definition.get("emailSubject", "")),
                documents=[
                    (str(d["documentId"]), str(d.get("name", "")), base64.b64decode(d["documentBase64"]))
                    for d in definition["documents"]
                ],
                signer={k: str(signer.get(k, "")) for k in ("clientUserId", "email", "name", "recipientId")},
                created=now,
                status_changed=now,
                raw_definition=definition,
                custom_fields={
                    str(f.get("name")): str(f.get("value", ""))
                    for f in (definition.get("customFields") or {}).get("textCustomFields") or []
                },
                language=str((signer.get("emailNotification") or {}).get("supportedLanguage", "")),
            )
            if definition.get("status") == "sent":
                self._transition(envelope, "sent", now)
            with self._lock:
                self.envelopes[envelope.envelope_id] = envelope
                stall = self._stall_creation
            if stall:
                self._stopping.wait(stall)  # created, but the answer comes too late for the caller
            return jsonify(
                envelopeId=envelope.envelope_id,
                status=envelope.status,
                statusDateTime=_iso(now),
                uri=f"/envelopes/{envelope.envelope_id}",
            ), 201

        @app.post(f"{rest}/<envelope_id>/views/recipient")
        def recipient_view(shard: str, account_id: str, envelope_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            found = envelope_or_error(envelope_id, account_id)
            if not isinstance(found, FakeEnvelope):
                return found
            body = request.get_json(silent=True) or {}
            if not body.get("returnUrl"):
                return error(400, "INVALID_REQUEST_PARAMETER", "returnUrl is required.")
            signer = found.signer
            if (
                str(body.get("clientUserId", "")) != signer["clientUserId"]
                or str(body.get("email", "")).lower() != signer["email"].lower()
                or str(body.get("userName", "")) != signer["name"]
            ):
                return error(
                    400,
                    "UNKNOWN_ENVELOPE_RECIPIENT",
                    "The recipient you have identified is not a valid recipient of the specified envelope.",
                )
            if found.status not in ("sent", "delivered"):
                return error(400, "ENVELOPE_INVALID_STATUS", f"Envelope status is {found.status}.")
            token = secrets.token_urlsafe(24)
            with self._lock:
                self._views[token] = (envelope_id, str(body["returnUrl"]))
            return jsonify(url=f"{self.base_url}/signing/{token}"), 201

        @app.get(rest)
        def list_status_changes(shard: str, account_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            if not request.args.get("from_date") and not request.args.get("envelope_ids"):
                return error(400, "INVALID_REQUEST_PARAMETER", "from_date or envelope_ids is required.")
            name, _, value = request.args.get("custom_field", "").partition("=")
            with self._lock:
                found = [
                    e for e in self.envelopes.values()
                    if e.account_id == account_id and (not name or e.custom_fields.get(name) == value)
                ]  # fmt: skip
                listed = [{"envelopeId": e.envelope_id, "status": e.status} for e in found]
            return jsonify(envelopes=listed, resultSetSize=str(len(listed)), totalSetSize=str(len(listed)))

        @app.put(f"{rest}/<envelope_id>")
        def update_envelope(shard: str, account_id: str, envelope_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            found = envelope_or_error(envelope_id, account_id)
            if not isinstance(found, FakeEnvelope):
                return found
            body = request.get_json(silent=True) or {}
            if body.get("status") != "voided":
                return error(400, "INVALID_REQUEST_PARAMETER", "The fake only supports voiding an envelope.")
            if not body.get("voidedReason"):
                return error(400, "ENVELOPE_VOID_REASON_REQUIRED", "A voided reason is required.")
            with self._lock:
                if found.status not in ("created", "sent", "delivered"):
                    return error(400, "ENVELOPE_CANNOT_VOID_INVALID_STATE", f"Envelope status is {found.status}.")
                found.voided_reason = str(body["voidedReason"])
                self._transition(found, "voided")
                self._views = {t: v for t, v in self._views.items() if v[0] != envelope_id}  # open tabs die
            return jsonify(envelopeId=envelope_id)

        @app.get(f"{rest}/<envelope_id>")
        def get_envelope(shard: str, account_id: str, envelope_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            found = envelope_or_error(envelope_id, account_id)
            if not isinstance(found, FakeEnvelope):
                return found
            with self._lock:
                return jsonify(
                    envelopeId=found.envelope_id,
                    status=found.status,
                    emailSubject=found.email_subject,
                    createdDateTime=_iso(found.created),
                    sentDateTime=_iso(found.sent),
                    deliveredDateTime=_iso(found.delivered),
                    completedDateTime=_iso(found.completed),
                    declinedDateTime=_iso(found.declined),
                    voidedDateTime=_iso(found.voided),
                    statusChangedDateTime=_iso(found.status_changed),
                )

        @app.get(f"{rest}/<envelope_id>/documents/<document_id>")
        def get_document(shard: str, account_id: str, envelope_id: str, document_id: str) -> Any:
            refused = rest_guard(shard, account_id)
            if refused:
                return refused
            found = envelope_or_error(envelope_id, account_id)
            if not isinstance(found, FakeEnvelope):
                return found
            if document_id == "combined":
                asked = request.args.get("certificate")
                with_certificate = self.certificate_by_default if asked is None else asked.lower() == "true"
                data = self.signed_pdf(envelope_id, certificate=with_certificate)
            else:
                match = [pdf for doc_id, _, pdf in found.documents if doc_id == document_id]
                if not match:
                    return error(400, "INVALID_DOCUMENT_ID", "The document id is not in the envelope.")
                data = match[0]
            return Response(data, mimetype="application/pdf")

        @app.route("/signing/<token>", methods=["GET", "POST"])
        def ceremony(token: str) -> Any:
            with self._lock:
                view = self._views.get(token)
                envelope = self.envelopes.get(view[0]) if view else None
            if view is None or envelope is None:
                return Response(
                    "<p>Cette session de signature a expiré.</p>", status=404, mimetype="text/html"
                )
            chosen = envelope.script or request.values.get("event")
            if chosen is None:
                with self._lock:
                    if envelope.status == "sent":
                        self._transition(envelope, "delivered")
                return Response(_ceremony_page(envelope), mimetype="text/html")
            if chosen not in CEREMONY_EVENTS:
                return Response("unknown event", status=400, mimetype="text/plain")
            with self._lock:
                self._views.pop(token, None)  # single use
                envelope.script = None
                if envelope.status == "sent":
                    self._transition(envelope, "delivered")
                if chosen == "signing_complete":
                    self._transition(envelope, "completed")
                elif chosen == "decline":
                    self._transition(envelope, "declined")
            self._notify_connect(envelope.envelope_id, chosen)
            return redirect(_with_query(view[1], event=chosen), code=302)

        return app

    def _transition(self, envelope: FakeEnvelope, status: str, moment: dt.datetime | None = None) -> None:
        moment = moment or _now()
        envelope.status = status
        envelope.status_changed = moment
        if status in ("sent", "delivered", "completed", "declined", "voided"):
            setattr(envelope, status, moment)

    def _combine(self, envelope: FakeEnvelope, *, signed: bool, certificate: bool) -> bytes:
        writer = PdfWriter()
        for _, _, pdf in envelope.documents:
            writer.append(PdfReader(io.BytesIO(pdf)))
        if certificate:
            writer.append(PdfReader(io.BytesIO(_certificate_page(envelope))))
        if signed:
            writer.add_metadata({"/FakeDocuSignEnvelope": envelope.envelope_id, "/Producer": "Fake DocuSign"})
        out = io.BytesIO()
        writer.write(out)
        if not signed or self.seal_mode == "none":
            return out.getvalue()
        pki = self.seal_pki if self.seal_mode == "docusign" else self._foreign_pki
        assert pki is not None, "the fake is not started"
        return _seal(out.getvalue(), pki)

    def _notify_connect(self, envelope_id: str, ceremony_event: str) -> None:
        event = {"signing_complete": "envelope-completed", "decline": "envelope-declined"}.get(ceremony_event)
        if not self.connect_url or event is None:
            return
        self._deliver(envelope_id, event)

    def _deliver(self, envelope_id: str, event: str) -> int:
        """One Connect delivery; a failure is kept for :meth:`redeliver_connect` only with acknowledgement."""
        status = 0
        if self.connect_url:
            try:
                status, _ = self.send_webhook(self.connect_url, envelope_id, event)
                logger.info("fake docusign: Connect %s -> %s", event, status)
            except OSError:
                logger.warning("fake docusign: Connect listener %s unreachable", self.connect_url)
        with self._lock:
            self.connect_deliveries.append(ConnectDelivery(envelope_id, event, status))
            if status != 200 and self.require_acknowledgement:
                self.connect_backlog.append((envelope_id, event))
        return status


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _envelope_problem(definition: dict[str, Any]) -> tuple[str, str] | None:  # noqa: C901, PLR0911
    """What real DocuSign would refuse in an envelope definition, as (errorCode, message), or None."""
    documents = definition.get("documents")
    if not isinstance(documents, list) or not documents:
        return (
            "ENVELOPE_IS_INCOMPLETE",
            "The Envelope is not Complete. A Complete Envelope Requires Documents.",
        )
    ids = [str(d.get("documentId", "")) for d in documents if isinstance(d, dict)]
    if ids != [str(n) for n in range(1, len(documents) + 1)]:
        return "INVALID_DOCUMENT_ID", "documentId must be 1..n"
    texts = []
    for document in documents:
        if not document.get("name"):
            return "INVALID_REQUEST_PARAMETER", "Each document needs a name."
        try:
            texts.append(_pdf_text(base64.b64decode(document.get("documentBase64", ""), validate=True)))
        except Exception:  # anything unreadable is a bad document for DocuSign
            return "PDF_VALIDATION_FAILED", f"Document {document['documentId']} is not a valid PDF."
    # Like DocuSign, every document of the envelope is searched: an information document (the notice)
    # needs no anchor, but each anchor must be found somewhere.
    for anchor in (SIGNATURE_ANCHOR, DATE_ANCHOR):
        if not any(anchor in text for text in texts):
            return "ANCHOR_TAB_STRING_NOT_FOUND", (
                f"The specified Anchor Tab string {anchor} was not found in the envelope's documents."
            )
    if not definition.get("emailSubject"):
        return (
            "ENVELOPE_IS_INCOMPLETE",
            "The Envelope is not Complete. A Complete Envelope Requires an email subject.",
        )
    signers = (definition.get("recipients") or {}).get("signers")
    if not isinstance(signers, list) or len(signers) != 1:
        return "INVALID_RECIPIENT", "The fake expects exactly one signer."
    signer = signers[0]
    if not all(signer.get(k) for k in ("clientUserId", "email", "name", "recipientId")):
        return "INVALID_RECIPIENT", "An embedded signer needs clientUserId, email, name and recipientId."
    tabs = signer.get("tabs") or {}
    sign_here = [t.get("anchorString") for t in tabs.get("signHereTabs") or []]
    date_signed = [t.get("anchorString") for t in tabs.get("dateSignedTabs") or []]
    if sign_here != [SIGNATURE_ANCHOR] or date_signed != [DATE_ANCHOR]:
        return "INVALID_TAB", "Expected one SignHere tab on \\sig1\\ and one DateSigned tab on \\date1\\."
    if definition.get("status") not in ("sent", "created"):
        return "INVALID_ENVELOPE_STATUS", "status must be sent or created."
    return None


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _ceremony_page(envelope: FakeEnvelope) -> str:
    buttons = "".join(
        f'<button type="submit" name="event" value="{event}">{event}</button> ' for event in CEREMONY_EVENTS
    )
    names = "".join(f"<li>{name}</li>" for _, name, _ in envelope.documents)
    return (
        "<!doctype html><html lang=fr><meta charset=utf-8><title>Fake DocuSign</title>"
        f"<h1>Fake DocuSign — {envelope.email_subject}</h1><ul>{names}</ul>"
        f'<form method="post">{buttons}</form></html>'
    )


def _certificate_page(envelope: FakeEnvelope) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setFont("Helvetica", 11)
    page.drawString(72, 770, "Certificat de signature (fake DocuSign)")
    page.drawString(72, 750, f"Enveloppe {envelope.envelope_id}")
    page.drawString(72, 730, f"Signé par {envelope.signer['name']} <{envelope.signer['email']}>")
    page.drawString(72, 710, f"Le {_iso(envelope.completed)}")
    page.save()
    return out.getvalue()


def _seal(pdf: bytes, pki: Pki) -> bytes:
    """Seal ``pdf`` (invisible PAdES signature over the whole file) as DocuSign seals its combined PDF."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="DocuSignSeal", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        name="DocuSign, Inc. (test)", reason="Enveloppe terminée",
    )  # fmt: skip
    output: io.BytesIO = signers.PdfSigner(meta, pki.signer()).sign_pdf(writer)
    return output.getvalue()


def _post_loopback(
    url: str, headers: dict[str, str], body: bytes, *, timeout: float, ca_path: str
) -> tuple[int, bytes]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1") or parts.scheme not in ("http", "https"):
        raise ValueError("the fake only talks to loopback http(s) URLs")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname,
            parts.port,
            timeout=timeout,
            context=ssl.create_default_context(cafile=ca_path or None),
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
