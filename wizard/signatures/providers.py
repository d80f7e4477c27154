"""Signature providers of the application, built once per app from ``SIGNING_PROVIDER``, and the sealing PKI.

The one place that knows how each provider is constructed; everything else asks :func:`provider_for`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app, url_for
from sqlalchemy import select

from config.catalogue import default_catalogue
from signing.providers.base import SigningProvider, SigningStatus
from signing.providers.local import LocalProvider
from wizard.db import db_session
from wizard.models import SignatureRequest, SignatureStatus

if TYPE_CHECKING:  # pyHanko is imported by the first signature, not by every worker at start-up
    from signing.pki import Pki
    from signing.seal import Sealer

PROVIDERS_KEY = "wizard.signing.providers"
PKI_KEY = "wizard.signing.pki"


def organisation_pki(app: Flask) -> Pki:
    """The sealing PKI: configured files in production, else generated once under the instance folder."""
    if PKI_KEY not in app.extensions:
        from signing.pki import Pki, ensure_pki  # noqa: PLC0415 - pyHanko only when signing

        config = app.config
        if config.get("SIGNING_CERT_PATH"):
            app.extensions[PKI_KEY] = Pki.load_from_files(
                Path(config["SIGNING_CERT_PATH"]), Path(config["SIGNING_KEY_PATH"]), Path(config["SIGNING_ROOT_PATH"])
            )
        else:
            app.extensions[PKI_KEY] = ensure_pki(Path(app.instance_path) / "pki", default_catalogue().brand.name)
    pki: Pki = app.extensions[PKI_KEY]
    return pki


def organisation_sealer(app: Flask) -> Sealer:
    """What the local ceremony seals with (the PKI is loaded on first use)."""
    from signing.seal import Sealer  # noqa: PLC0415 - pyHanko only when sealing

    return Sealer(lambda: organisation_pki(app))


class StoredEnvelopes:
    """:class:`signing.providers.local.LocalEnvelopes` over the signature requests of this database."""

    def status(self, envelope_id: str) -> SigningStatus | None:
        request = self._request(envelope_id)
        if request is None:
            return None
        if request.status != SignatureStatus.PENDING:
            return SigningStatus(request.status.value)
        return SigningStatus.COMPLETED if any(d.signed for d in request.documents) else SigningStatus.PENDING

    def sealed_document(self, envelope_id: str, kind: str | None) -> bytes | None:
        request = self._request(envelope_id)
        signed = [d for d in request.documents if d.signed and kind in (None, d.kind)] if request else []
        return signed[0].content if signed else None

    @staticmethod
    def _request(envelope_id: str) -> SignatureRequest | None:
        query = select(SignatureRequest).where(
            SignatureRequest.envelope_id == envelope_id, SignatureRequest.provider == LocalProvider.name
        )
        return db_session().scalar(query)


def build_local_provider(app: Flask) -> LocalProvider:
    return LocalProvider(
        envelopes=StoredEnvelopes(),
        ceremony_url=lambda envelope_id: url_for("signing.ceremony", envelope_id=envelope_id),
    )


def build_docusign_provider(config: Mapping[str, Any]) -> SigningProvider:
    """DocuSign from the ``DOCUSIGN_*`` settings (``WIZARD_DOCUSIGN_*`` variables); imported only when chosen."""
    from wizard.signatures.docusign import build_docusign_provider as build  # noqa: PLC0415 - optional SDK

    return build(config)


#: how each ``SIGNING_PROVIDER`` value is built (tests install doubles with :func:`install_provider`)
FACTORIES: dict[str, Callable[[Flask], SigningProvider]] = {
    "local": build_local_provider,
    "docusign": lambda app: build_docusign_provider(app.config),
}


def provider_for(app: Flask | None = None, name: str | None = None) -> SigningProvider:
    """The provider named ``name`` (default: ``SIGNING_PROVIDER``), built once per application."""
    app = app or cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
    name = name or str(app.config["SIGNING_PROVIDER"])
    providers: dict[str, SigningProvider] = app.extensions.setdefault(PROVIDERS_KEY, {})
    if name not in providers:
        providers[name] = FACTORIES[name](app)
    return providers[name]


def install_provider(app: Flask, provider: SigningProvider) -> None:
    """Use ``provider`` for its name in this application (tests and doubles)."""
    app.extensions.setdefault(PROVIDERS_KEY, {})[provider.name] = provider
