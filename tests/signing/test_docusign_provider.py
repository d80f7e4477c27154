"""The DocuSign provider, with the unmodified docusign-esign SDK, end to end against the loopback fake."""

from __future__ import annotations

import http.client
import io
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from signing.providers import docusign as docusign_module
from signing.providers.base import (
    DocumentRejected,
    DocumentToSign,
    ProviderBusy,
    ProviderError,
    Signer,
    SigningProvider,
    SigningStatus,
    WebhookRejected,
)
from signing.providers.docusign import DocuSignProvider, DocuSignSettings, consent_url
from tests.fakes import conftest_docusign
from tests.fakes.docusign import (
    DEFAULT_ACCOUNT_ID,
    OTHER_ACCOUNT_ID,
    FakeDocuSign,
    generate_rsa_private_key_pem,
    unused_port,
)

# The fake's fixtures, made visible to this module (assignments, not imports: no F401/F811 dance).
docusign_private_key_pem = conftest_docusign.docusign_private_key_pem
fake_docusign = conftest_docusign.fake_docusign
docusign_settings = conftest_docusign.docusign_settings

RETURN_URL = "https://adhesion.example/signature/retour?journey=abc"
SIGNER = Signer(user_id=42, full_name="Élodie Martin", email="elodie.martin@example.fr")


def make_pdf(title: str, *, anchors: bool = True) -> bytes:
    """A one-page PDF drawing the anchors as tiny white text, like the real documents do."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setFont("Helvetica", 12)
    page.drawString(72, 770, title)
    if anchors:
        page.setFillColorRGB(1, 1, 1)
        page.setFont("Helvetica", 1)
        page.drawString(72, 120, "\\sig1\\")
        page.drawString(300, 120, "\\date1\\")
    page.save()
    return out.getvalue()


def documents(*, anchors_in_last: bool = True) -> list[DocumentToSign]:
    return [
        DocumentToSign("bulletin", "Bulletin d'adhésion", "bulletin.pdf", make_pdf("Bulletin d'adhésion")),
        DocumentToSign(
            "mandate",
            "Mandat SEPA",
            "mandat.pdf",
            make_pdf("Mandat de prélèvement SEPA", anchors=anchors_in_last),
        ),
    ]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make_provider() -> Iterator[Callable[..., DocuSignProvider]]:
    providers: list[DocuSignProvider] = []

    def build(settings: DocuSignSettings, **kwargs: Any) -> DocuSignProvider:
        provider = DocuSignProvider(settings, **kwargs)
        providers.append(provider)
        return provider

    yield build
    for provider in providers:
        provider.close()


@pytest.fixture
def provider(
    make_provider: Callable[..., DocuSignProvider], docusign_settings: DocuSignSettings
) -> DocuSignProvider:
    return make_provider(docusign_settings)


def rest_paths(fake: FakeDocuSign) -> list[str]:
    return [r.path for r in fake.requests if "/restapi/" in r.path]


# -- OAuth ----------------------------------------------------------------------------------------------


def test_implements_the_contract(provider: DocuSignProvider) -> None:
    contract: SigningProvider = provider
    assert contract.name == "docusign"


def test_jwt_token_is_requested_once_and_cached(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    assert provider.status(session.envelope_id) is SigningStatus.PENDING
    fake_docusign.set_status(session.envelope_id, "completed")
    provider.signed_document(session.envelope_id)

    assert fake_docusign.token_requests == 1
    assert fake_docusign.userinfo_requests == 1
    claims = fake_docusign.last_assertion_claims
    assert claims["iss"] == fake_docusign.integration_key
    assert claims["sub"] == fake_docusign.user_id
    assert claims["aud"] == fake_docusign.host
    assert set(claims["scope"].split()) == {"signature", "impersonation"}
    assert all(r.authorized for r in fake_docusign.requests if "/restapi/" in r.path)


def test_token_is_renewed_five_minutes_before_expiry(
    make_provider: Callable[..., DocuSignProvider],
    docusign_settings: DocuSignSettings,
    fake_docusign: FakeDocuSign,
) -> None:
    clock = Clock()
    provider = make_provider(docusign_settings, clock=clock)
    envelope_id = provider.start(documents(), SIGNER, RETURN_URL).envelope_id
    assert fake_docusign.token_requests == 1

    clock.now += 3600 - 301  # still more than 5 minutes left
    provider.status(envelope_id)
    assert fake_docusign.token_requests == 1

    clock.now += 2  # under 5 minutes left: renewed before use
    provider.status(envelope_id)
    assert fake_docusign.token_requests == 2
    assert fake_docusign.userinfo_requests == 1  # the account and base URI are kept


def test_revoked_token_is_renewed_and_the_call_retried_once(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    envelope_id = provider.start(documents(), SIGNER, RETURN_URL).envelope_id
    fake_docusign.revoke_tokens()
    assert provider.status(envelope_id) is SigningStatus.PENDING
    assert fake_docusign.token_requests == 2
    assert [r.authorized for r in fake_docusign.requests if r.path.endswith(envelope_id)] == [False, True]


def test_account_and_rest_base_come_from_userinfo(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    provider.start(documents(), SIGNER, RETURN_URL)
    paths = rest_paths(fake_docusign)
    assert paths
    assert all(p.startswith(f"/eu/restapi/v2.1/accounts/{DEFAULT_ACCOUNT_ID}/") for p in paths)


def test_configured_account_is_used_with_its_own_base_uri(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(account_id=OTHER_ACCOUNT_ID))
    provider.start(documents(), SIGNER, RETURN_URL)
    assert all(
        p.startswith(f"/na2/restapi/v2.1/accounts/{OTHER_ACCOUNT_ID}/") for p in rest_paths(fake_docusign)
    )


def test_unknown_configured_account_is_a_provider_error(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(account_id="no-such-account"))
    with pytest.raises(ProviderError, match="no-such-account"):
        provider.start(documents(), SIGNER, RETURN_URL)


def test_consent_required_names_the_consent_url(
    make_provider: Callable[..., DocuSignProvider],
    docusign_settings: DocuSignSettings,
    fake_docusign: FakeDocuSign,
) -> None:
    fake_docusign.require_consent()
    provider = make_provider(docusign_settings)
    with pytest.raises(ProviderError) as caught:
        provider.start(documents(), SIGNER, RETURN_URL)
    message = str(caught.value)
    assert "consent_required" in message
    assert consent_url(docusign_settings) in message
    assert fake_docusign.envelopes == {}

    fake_docusign.require_consent(required=False)  # consent granted: the same provider now works
    assert provider.start(documents(), SIGNER, RETURN_URL).envelope_id in fake_docusign.envelopes


def test_consent_url_helper(docusign_settings: DocuSignSettings) -> None:
    url = consent_url(docusign_settings, "https://adhesion.example/consent")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", docusign_settings.oauth_host, "/oauth/auth")
    query = parse_qs(parts.query)
    assert query == {
        "response_type": ["code"],
        "scope": ["signature impersonation"],
        "client_id": [docusign_settings.integration_key],
        "redirect_uri": ["https://adhesion.example/consent"],
    }


def test_wrong_private_key_is_a_provider_error(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(private_key_pem=generate_rsa_private_key_pem()))
    with pytest.raises(ProviderError, match="HTTP 400 invalid_grant"):
        provider.status("any")


def test_unreadable_private_key_is_refused_at_construction(fake_docusign: FakeDocuSign) -> None:
    with pytest.raises(ProviderError, match="private key"):
        DocuSignProvider(fake_docusign.provider_settings(private_key_pem=b"not a key"))


def test_settings_from_environ(tmp_path: Path, docusign_settings: DocuSignSettings) -> None:
    key_path = tmp_path / "docusign.pem"
    key_path.write_bytes(docusign_settings.private_key_pem)
    settings = DocuSignSettings.from_environ(
        {
            "DOCUSIGN_INTEGRATION_KEY": "ik",
            "DOCUSIGN_USER_ID": "user",
            "DOCUSIGN_PRIVATE_KEY_PATH": str(key_path),
            "DOCUSIGN_HMAC_KEYS": " old , new ,",
            "DOCUSIGN_TIMEOUT": "2.5",
            "DOCUSIGN_CREATE_TIMEOUT": "40",
            "DOCUSIGN_SEAL_ROOTS": str(key_path),
        }
    )
    assert settings.create_timeout_seconds == 40 and settings.seal_roots_pem == docusign_settings.private_key_pem
    assert settings.private_key_pem == docusign_settings.private_key_pem
    assert settings.oauth_host == "account-d.docusign.com"
    assert settings.account_id is None
    assert settings.hmac_keys == ("old", "new")
    assert settings.timeout_seconds == 2.5
    with pytest.raises(ValueError, match="DOCUSIGN_USER_ID"):
        DocuSignSettings.from_environ({"DOCUSIGN_INTEGRATION_KEY": "ik"})


def test_settings_repr_hides_secrets(docusign_settings: DocuSignSettings) -> None:
    text = repr(docusign_settings)
    assert "PRIVATE KEY" not in text
    assert all(key not in text for key in docusign_settings.hmac_keys)


def test_oauth_host_must_be_a_bare_host_name(docusign_settings: DocuSignSettings) -> None:
    with pytest.raises(ValueError, match="bare host"):
        DocuSignProvider(
            DocuSignSettings(
                integration_key="x",
                user_id="y",
                private_key_pem=docusign_settings.private_key_pem,
                oauth_host="https://account-d.docusign.com",
            )
        )


# -- TLS and the SDK's global Configuration --------------------------------------------------------------


def test_tls_is_verified_against_the_configured_bundle_only(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    # Without the fake's CA (certifi's roots instead) the throw-away certificate is refused.
    provider = make_provider(fake_docusign.provider_settings(ca_bundle=None))
    with pytest.raises(ProviderError, match="JWT token request failed"):
        provider.status("any")
    assert fake_docusign.token_requests == 0


def test_global_sdk_configuration_is_left_as_found(provider: DocuSignProvider) -> None:
    configuration = docusign_module.Configuration()
    assert configuration.ssl_ca_cert is None
    assert configuration.verify_ssl is True


# -- envelope, view, ceremony ----------------------------------------------------------------------------


def test_one_envelope_with_every_document_and_anchored_tabs(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    sent = documents()
    session = provider.start(sent, SIGNER, RETURN_URL)
    envelope = fake_docusign.envelopes[session.envelope_id]
    definition = envelope.raw_definition
    assert definition["status"] == "sent"
    assert [(d["documentId"], d["name"]) for d in definition["documents"]] == [
        ("1", "Bulletin d'adhésion"),
        ("2", "Mandat SEPA"),
    ]
    assert [pdf for _, _, pdf in envelope.documents] == [d.pdf for d in sent]
    (signer,) = definition["recipients"]["signers"]
    assert signer["clientUserId"] == "42"
    assert (signer["email"], signer["name"]) == (SIGNER.email, SIGNER.full_name)
    assert [t["anchorString"] for t in signer["tabs"]["signHereTabs"]] == ["\\sig1\\"]
    assert [t["anchorString"] for t in signer["tabs"]["dateSignedTabs"]] == ["\\date1\\"]
    assert envelope.status == "sent"


def test_documents_without_any_anchor_are_refused(provider: DocuSignProvider, fake_docusign: FakeDocuSign) -> None:
    notice = DocumentToSign("notice", "Notice d'information", "notice.pdf", make_pdf("Notice", anchors=False))
    with pytest.raises(ProviderError, match="ANCHOR_TAB_STRING_NOT_FOUND"):
        provider.start([notice], SIGNER, RETURN_URL)
    assert fake_docusign.envelopes == {}


def test_an_information_document_needs_no_anchor(provider: DocuSignProvider, fake_docusign: FakeDocuSign) -> None:
    """DocuSign searches every document of the envelope; the notice is signed as part of it, without tabs."""
    session = provider.start(documents(anchors_in_last=False), SIGNER, RETURN_URL)
    assert list(fake_docusign.envelopes) == [session.envelope_id]


def test_no_document_is_a_programming_error(provider: DocuSignProvider) -> None:
    with pytest.raises(ValueError, match="at least one document"):
        provider.start([], SIGNER, RETURN_URL)


def test_recipient_view_ceremony_and_completion(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    assert session.url.startswith(f"{fake_docusign.base_url}/signing/")

    location = fake_docusign.sign(session.url)
    parts = urlsplit(location)
    assert location.startswith("https://adhesion.example/signature/retour?")
    assert parse_qs(parts.query) == {"journey": ["abc"], "event": ["signing_complete"]}
    assert provider.status(session.envelope_id) is SigningStatus.COMPLETED

    with pytest.raises(AssertionError, match="404"):  # the signing URL is single use
        fake_docusign.sign(session.url)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("signing_complete", SigningStatus.COMPLETED),
        ("decline", SigningStatus.DECLINED),
        ("cancel", SigningStatus.PENDING),
        ("ttl_expired", SigningStatus.PENDING),
    ],
)
def test_scripted_ceremony_outcomes(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign, event: str, expected: SigningStatus
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.script_ceremony(session.envelope_id, event)
    location = fake_docusign.sign(session.url, event="signing_complete", method="POST")  # the script wins
    assert parse_qs(urlsplit(location).query)["event"] == [event]
    assert provider.status(session.envelope_id) is expected


def test_resume_gives_a_new_signing_url_for_the_same_envelope(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    first = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(first.url, event="cancel")
    second = provider.resume(first.envelope_id, SIGNER, RETURN_URL)
    assert second.envelope_id == first.envelope_id
    assert second.url != first.url
    assert len(fake_docusign.envelopes) == 1
    fake_docusign.sign(second.url)
    assert provider.status(first.envelope_id) is SigningStatus.COMPLETED


def test_recipient_mismatch_is_a_provider_error(provider: DocuSignProvider) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    impostor = Signer(user_id=43, full_name=SIGNER.full_name, email=SIGNER.email)
    with pytest.raises(ProviderError, match="UNKNOWN_ENVELOPE_RECIPIENT"):
        provider.resume(session.envelope_id, impostor, RETURN_URL)


@pytest.mark.parametrize(
    ("docusign_status", "expected"),
    [
        ("sent", SigningStatus.PENDING),
        ("delivered", SigningStatus.PENDING),
        ("completed", SigningStatus.COMPLETED),
        ("declined", SigningStatus.DECLINED),
        ("voided", SigningStatus.EXPIRED),
    ],
)
def test_status_mapping(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign, docusign_status: str, expected: SigningStatus
) -> None:
    envelope_id = provider.start(documents(), SIGNER, RETURN_URL).envelope_id
    fake_docusign.set_status(envelope_id, docusign_status)
    assert provider.status(envelope_id) is expected


def test_unknown_envelope_is_a_provider_error(provider: DocuSignProvider) -> None:
    with pytest.raises(ProviderError, match="ENVELOPE_DOES_NOT_EXIST"):
        provider.status("00000000-0000-0000-0000-000000000000")


def test_signed_document_is_the_combined_pdf_the_fake_serves(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(session.url)
    signed = provider.signed_document(session.envelope_id)
    assert signed == fake_docusign.signed_pdf(session.envelope_id)
    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) == 3  # two documents and the signing certificate page
    assert reader.metadata is not None
    assert reader.metadata["/FakeDocuSignEnvelope"] == session.envelope_id
    assert any(r.path.endswith("/documents/combined") for r in fake_docusign.requests)


def test_the_fake_refuses_calls_without_the_bearer_token(fake_docusign: FakeDocuSign) -> None:
    connection = http.client.HTTPSConnection(
        "127.0.0.1",
        fake_docusign.port,
        timeout=5,
        context=ssl.create_default_context(cafile=fake_docusign.ca_path),
    )
    try:
        connection.request(
            "GET",
            f"/eu/restapi/v2.1/accounts/{DEFAULT_ACCOUNT_ID}/envelopes/x",
            headers={"Authorization": "Bearer forged"},
        )
        assert connection.getresponse().status == 401
    finally:
        connection.close()


# -- failures stay inside ProviderError, in bounded time ----------------------------------------------


def test_server_down_is_a_provider_error_quickly(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(oauth_host=f"127.0.0.1:{unused_port()}"))
    started = time.monotonic()
    with pytest.raises(ProviderError, match="unreachable"):
        provider.start(documents(), SIGNER, RETURN_URL)
    assert time.monotonic() - started < 3


def test_server_going_down_after_login_is_a_provider_error(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    envelope_id = provider.start(documents(), SIGNER, RETURN_URL).envelope_id
    fake_docusign.stop()
    with pytest.raises(ProviderError):
        provider.status(envelope_id)


@pytest.mark.parametrize("slow_path", ["/eu/restapi/", "/oauth/token", "/oauth/userinfo"])
def test_slow_server_times_out_as_a_provider_error(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign, slow_path: str
) -> None:
    provider = make_provider(fake_docusign.provider_settings(timeout_seconds=0.5))
    fake_docusign.delay(5, slow_path)
    started = time.monotonic()
    with pytest.raises(ProviderError):
        provider.status("any-envelope")
    assert time.monotonic() - started < 2.5


# -- Connect webhook -------------------------------------------------------------------------------------


def test_webhook_with_a_valid_signature(provider: DocuSignProvider, fake_docusign: FakeDocuSign) -> None:
    headers, body = fake_docusign.build_webhook("env-1")
    event = provider.verify_webhook(headers, body)
    assert (event.envelope_id, event.event, event.status) == (
        "env-1",
        "envelope-completed",
        SigningStatus.COMPLETED,
    )
    assert event.raw["event"] == "envelope-completed"


def test_webhook_headers_are_case_insensitive_and_any_index_counts(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    headers, body = fake_docusign.build_webhook("env-1", header_names=("x-docusign-signature-3",))
    headers["X-DocuSign-Signature-1"] = "bm90IGEgc2lnbmF0dXJl"
    assert provider.verify_webhook(headers, body).envelope_id == "env-1"


def test_webhook_declined_event(provider: DocuSignProvider, fake_docusign: FakeDocuSign) -> None:
    headers, body = fake_docusign.build_webhook("env-2", "envelope-declined")
    assert provider.verify_webhook(headers, body).status is SigningStatus.DECLINED


def test_webhook_with_a_forged_signature_is_rejected(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    headers, body = fake_docusign.build_webhook("env-1", forge=True)
    with pytest.raises(WebhookRejected):
        provider.verify_webhook(headers, body)


def test_webhook_with_a_tampered_body_is_rejected(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    headers, body = fake_docusign.build_webhook("env-1")
    with pytest.raises(WebhookRejected):
        provider.verify_webhook(headers, body.replace(b"env-1", b"env-2"))


def test_webhook_without_signature_header_is_rejected(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    headers, body = fake_docusign.build_webhook("env-1", header_names=())
    with pytest.raises(WebhookRejected, match="no X-DocuSign-Signature"):
        provider.verify_webhook(headers, body)


def test_webhook_key_rotation(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    old_key, new_key = fake_docusign.hmac_keys
    during_rotation = make_provider(fake_docusign.provider_settings(hmac_keys=(old_key, new_key)))
    after_rotation = make_provider(fake_docusign.provider_settings(hmac_keys=(new_key,)))
    signed_with_new = fake_docusign.build_webhook("env-1", hmac_key=new_key)
    signed_with_old = fake_docusign.build_webhook("env-1", hmac_key=old_key)

    assert during_rotation.verify_webhook(*signed_with_new).envelope_id == "env-1"
    assert during_rotation.verify_webhook(*signed_with_old).envelope_id == "env-1"
    assert after_rotation.verify_webhook(*signed_with_new).envelope_id == "env-1"
    with pytest.raises(WebhookRejected):
        after_rotation.verify_webhook(*signed_with_old)


def test_webhook_without_configured_keys_is_rejected(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(hmac_keys=()))
    with pytest.raises(WebhookRejected):
        provider.verify_webhook(*fake_docusign.build_webhook("env-1"))


def test_signed_but_malformed_webhook_is_rejected(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    body = b'{"event": "envelope-completed", "data": {}}'
    headers = {"X-DocuSign-Signature-1": fake_docusign.hmac_signature(fake_docusign.hmac_keys[0], body)}
    with pytest.raises(WebhookRejected, match="envelopeId"):
        provider.verify_webhook(headers, body)


@pytest.fixture
def webhook_receiver(provider: DocuSignProvider) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP endpoint standing in for the app's /webhooks/docusign; yields (url, accepted ids)."""
    accepted: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = provider.verify_webhook(dict(self.headers.items()), body)
            except WebhookRejected:
                self.send_response(401)
            else:
                accepted.append(event.envelope_id)
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/webhooks/docusign", accepted
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fake_posts_connect_notifications_to_the_app(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign, webhook_receiver: tuple[str, list[str]]
) -> None:
    url, accepted = webhook_receiver
    assert fake_docusign.send_webhook(url, "env-1")[0] == 200
    assert fake_docusign.send_webhook(url, "env-2", forge=True)[0] == 401
    assert accepted == ["env-1"]

    fake_docusign.connect_url = url  # automatic notification after the ceremony
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(session.url)
    assert accepted == ["env-1", session.envelope_id]


# -- the service as it behaves: void, limits, reconciliation, language, evidence -------------------------


def test_void_puts_the_envelope_in_voided_with_our_reason(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    provider.void(session.envelope_id, "Vos réponses ont changé.")
    envelope = fake_docusign.envelopes[session.envelope_id]
    assert envelope.status == "voided" and envelope.voided_reason == "Vos réponses ont changé."
    assert provider.status(session.envelope_id) is SigningStatus.EXPIRED
    with pytest.raises(ProviderError, match="ENVELOPE_INVALID_STATUS"):
        provider.resume(session.envelope_id, SIGNER, RETURN_URL)
    provider.void(session.envelope_id, "encore")  # already voided: nothing to do, no error
    assert envelope.voided_reason == "Vos réponses ont changé."


def test_a_completed_envelope_is_not_voided(provider: DocuSignProvider, fake_docusign: FakeDocuSign) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(session.url)
    provider.void(session.envelope_id, "trop tard")
    assert fake_docusign.envelopes[session.envelope_id].status == "completed"


@pytest.mark.parametrize(
    ("status", "code", "retry_after"),
    [
        (429, "", 42),
        (400, "Hourly_APIInvocation_Envelope_Limit_Exceeded", None),
        (400, "Burst_Envelope_Polling_Limit_Exceeded", None),
    ],
)
def test_rate_limits_are_a_provider_busy_error_with_retry_after(
    *, provider: DocuSignProvider, fake_docusign: FakeDocuSign, caplog: pytest.LogCaptureFixture,
    status: int, code: str, retry_after: int | None,
) -> None:  # fmt: skip
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.limit(f"/envelopes/{session.envelope_id}", status=status, error_code=code, retry_after=retry_after)
    caplog.set_level("WARNING")
    with pytest.raises(ProviderBusy) as busy:
        provider.status(session.envelope_id)
    assert busy.value.retry_after == retry_after
    assert "rate limit" in caplog.text and "unreachable" not in caplog.text
    assert provider.status(session.envelope_id) is SigningStatus.PENDING  # the next call goes through


def test_the_envelope_carries_our_transaction_id_and_french(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL, transaction_id="tx-123")
    envelope = fake_docusign.envelopes[session.envelope_id]
    assert envelope.custom_fields == {"transaction_id": "tx-123"} and envelope.language == "fr"
    assert parse_qs(urlsplit(session.url).query)["locale"] == ["fr"]
    assert "locale=fr" in provider.resume(session.envelope_id, SIGNER, RETURN_URL).url


def test_a_lost_creation_answer_is_reconciled_by_transaction_id(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(timeout_seconds=1, create_timeout_seconds=1))
    fake_docusign.stall_creation(2)
    session = provider.start(documents(), SIGNER, RETURN_URL, transaction_id="tx-lost")
    (envelope,) = fake_docusign.envelopes.values()
    assert session.envelope_id == envelope.envelope_id and session.url.startswith(fake_docusign.base_url)


def test_a_lost_creation_answer_without_transaction_id_is_an_error(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(timeout_seconds=1, create_timeout_seconds=1))
    fake_docusign.stall_creation(2)
    with pytest.raises(ProviderError, match="create_envelope failed"):
        provider.start(documents(), SIGNER, RETURN_URL)


def test_the_creation_gets_the_longer_timeout(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(timeout_seconds=1, create_timeout_seconds=4))
    fake_docusign.stall_creation(1.5)  # longer than the ordinary timeout, within the creation's
    session = provider.start(documents(), SIGNER, RETURN_URL, transaction_id="tx-slow")
    assert not [r for r in fake_docusign.requests if r.method == "GET" and r.path.endswith("/envelopes")]
    assert session.envelope_id in fake_docusign.envelopes


def test_the_certificate_page_is_asked_for_and_the_seal_checked(
    provider: DocuSignProvider, fake_docusign: FakeDocuSign
) -> None:
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(session.url)
    signed = provider.signed_document(session.envelope_id)
    assert signed == fake_docusign.signed_pdf(session.envelope_id, certificate=True)
    assert len(PdfReader(io.BytesIO(fake_docusign.signed_pdf(session.envelope_id, certificate=False))).pages) == 2
    fake_docusign.seal_mode = "foreign"
    other = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(other.url)
    with pytest.raises(DocumentRejected, match="no valid DocuSign seal"):
        provider.signed_document(other.envelope_id)


def test_no_configured_seal_root_accepts_no_document(
    make_provider: Callable[..., DocuSignProvider], fake_docusign: FakeDocuSign
) -> None:
    provider = make_provider(fake_docusign.provider_settings(seal_roots_pem=b""))
    session = provider.start(documents(), SIGNER, RETURN_URL)
    fake_docusign.sign(session.url)
    with pytest.raises(DocumentRejected, match="DOCUSIGN_SEAL_ROOTS"):
        provider.signed_document(session.envelope_id)
