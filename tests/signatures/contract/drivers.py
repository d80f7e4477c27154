"""How the contract suite plays the provider's side of a ceremony, one driver per ``SIGNING_PROVIDER``.

The suite itself only speaks in the member's terms (tick the box, sign, refuse, come back); a driver knows
where each provider sends the browser:

* ``local`` — our own ceremony page and the code emailed to the member (read from the outbox);
* ``docusign`` — the real SDK talks to :class:`tests.fakes.docusign.FakeDocuSign`; the driver plays the
  browser on the fake's signing page and follows DocuSign's redirect back to the wizard's return URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from signing.providers.base import SigningProvider, SigningStatus
from tests.conftest import hidden_fields
from tests.fakes.docusign import FakeDocuSign
from wizard.db import db_session
from wizard.models import Actor, Document, JourneyEvent, OutboxMessage, SignatureRequest
from wizard.signatures import confirmation, followups, providers

CODE = re.compile(r"vos documents : (\d{6})")


def docusign_overrides(fake: FakeDocuSign, folder: Path, **extra: Any) -> dict[str, Any]:
    """The settings an operator would give for DocuSign, pointing at ``fake`` (its key, CA, HMAC keys)."""
    key = folder / "docusign-integration.key.pem"
    key.write_bytes(fake.private_key_pem)
    key.chmod(0o600)
    return {
        "SIGNING_PROVIDER": "docusign",
        "DOCUSIGN_INTEGRATION_KEY": fake.integration_key,
        "DOCUSIGN_USER_ID": fake.user_id,
        "DOCUSIGN_PRIVATE_KEY_PATH": str(key),
        "DOCUSIGN_OAUTH_HOST": fake.host,
        "DOCUSIGN_HMAC_KEYS": ",".join(fake.hmac_keys),
        "DOCUSIGN_CA_BUNDLE": fake.ca_path,
        "DOCUSIGN_TIMEOUT": 5,
        "DOCUSIGN_SEAL_ROOTS": fake.seal_root_path,
        **extra,
    }


def relative(url: str) -> str:
    """Path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def connect_notification(
    envelope_id: str, key: str, *, event: str = "envelope-completed", header_names: Iterable[str] = ()
) -> tuple[dict[str, str], bytes]:
    """A DocuSign Connect JSON notification signed with ``key``, as (headers, raw body)."""
    body = json.dumps({"event": event, "data": {"envelopeId": envelope_id}}, separators=(",", ":")).encode()
    signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", **{name: signature for name in header_names}}, body


# --- what the database says ------------------------------------------------------------------------------


def requests_of(app: Flask) -> list[SignatureRequest]:
    with app.app_context():
        return list(db_session().scalars(select(SignatureRequest).order_by(SignatureRequest.id)))


def signed_documents(app: Flask, *, signed: bool = True) -> list[Document]:
    with app.app_context():
        query = select(Document).where(Document.signed.is_(signed)).order_by(Document.id)
        return list(db_session().scalars(query))


def completions(app: Flask) -> int:
    with app.app_context():
        query = select(JourneyEvent).where(JourneyEvent.trigger == "signature_completed")
        return len(list(db_session().scalars(query)))


def run_followups(app: Flask) -> tuple[int, int]:
    """What ``flask signatures run --once`` does: (done, failed)."""
    with app.app_context():
        result = followups.run_due(db_session())
        return result.done, result.failed


def provider_status(app: Flask, envelope_id: str) -> SigningStatus:
    with app.test_request_context():
        return providers.provider_for(app).status(envelope_id)


def provider_signed_document(app: Flask, envelope_id: str) -> bytes:
    with app.test_request_context():
        provider: SigningProvider = providers.provider_for(app)
        return provider.signed_document(envelope_id)


# --- drivers ---------------------------------------------------------------------------------------------


class Driver(Protocol):
    name: str

    def sign(self, ceremony_url: str) -> TestResponse:
        """The member signs; the wizard's answer to the browser coming back (a redirect)."""

    def refuse(self, ceremony_url: str) -> TestResponse:
        """The member refuses to sign; the page the wizard shows next (redirects followed)."""

    def expire(self, ceremony_url: str) -> None:
        """The envelope can no longer be signed (expired or voided on the provider's side)."""

    def webhook(
        self, envelope_id: str, *, forge: bool = False, header_names: Iterable[str] = ("X-DocuSign-Signature-1",)
    ) -> tuple[dict[str, str], bytes]:
        """A Connect notification "envelope-completed" for ``envelope_id``; ``forge`` signs with a wrong key."""


@dataclass
class LocalDriver:
    """The embedded ceremony: the emailed one-time code, typed on our page."""

    app: Flask
    client: FlaskClient
    name: str = "local"

    def sign(self, ceremony_url: str) -> TestResponse:
        self.client.get(ceremony_url)  # the first visit emails the code
        with self.app.app_context():
            query = select(OutboxMessage).where(OutboxMessage.kind == "signing_code").order_by(OutboxMessage.id)
            code = CODE.findall(list(db_session().scalars(query))[-1].text_body)[0]
        token = hidden_fields(self.client.get(ceremony_url).get_data(as_text=True))["csrf_token"]
        return self.client.post(ceremony_url, data={"csrf_token": token, "code": code})

    def refuse(self, ceremony_url: str) -> TestResponse:
        # The local ceremony has no refusal button: a refusal reaches the service as any verified verdict does.
        self._verdict(ceremony_url, SigningStatus.DECLINED)
        return self.client.get(ceremony_url, follow_redirects=True)

    def expire(self, ceremony_url: str) -> None:
        self._verdict(ceremony_url, SigningStatus.EXPIRED)

    def webhook(
        self, envelope_id: str, *, forge: bool = False, header_names: Iterable[str] = ("X-DocuSign-Signature-1",)
    ) -> tuple[dict[str, str], bytes]:
        return connect_notification(envelope_id, secrets.token_urlsafe(32), header_names=header_names)

    def _verdict(self, ceremony_url: str, status: SigningStatus) -> None:
        envelope_id = urlsplit(ceremony_url).path.rstrip("/").rsplit("/", 1)[1]
        with self.app.test_request_context():
            session = db_session()
            request = session.scalar(select(SignatureRequest).where(SignatureRequest.envelope_id == envelope_id))
            assert request is not None
            confirmation.confirm(session, request, Actor(user_id=None), verified_status=status)


@dataclass
class DocuSignDriver:
    """The real SDK against the fake: the browser signs on the fake's page and is sent back to the wizard."""

    app: Flask
    client: FlaskClient
    fake: FakeDocuSign
    name: str = "docusign"

    def sign(self, ceremony_url: str) -> TestResponse:
        return self.client.get(relative(self.fake.sign(ceremony_url, "signing_complete")))

    def refuse(self, ceremony_url: str) -> TestResponse:
        return self.client.get(relative(self.fake.sign(ceremony_url, "decline")), follow_redirects=True)

    def expire(self, ceremony_url: str) -> None:
        envelope_id = next(e for e in self.fake.envelopes.values() if e.status in ("sent", "delivered")).envelope_id
        self.fake.set_status(envelope_id, "voided")

    def webhook(
        self, envelope_id: str, *, forge: bool = False, header_names: Iterable[str] = ("X-DocuSign-Signature-1",)
    ) -> tuple[dict[str, str], bytes]:
        return self.fake.build_webhook(envelope_id, forge=forge, header_names=header_names)
