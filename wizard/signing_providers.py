"""Signature providers of the application, built once per app from ``SIGNING_PROVIDER``, and the sealing PKI.

``wizard.signing`` re-exports :func:`provider_for`, :func:`build_docusign_provider` and
:func:`install_provider`; only this module knows how each provider is constructed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app, url_for

from config.catalogue import default_catalogue
from signing.providers.base import SigningProvider
from wizard.db import db_session

if TYPE_CHECKING:  # pyHanko is imported by the first signature, not by every worker at start-up
    from signing.pki import Pki
    from signing.providers.local import LocalProvider

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


def build_local_provider(app: Flask) -> LocalProvider:
    from signing.providers.local import LocalProvider  # noqa: PLC0415 - pyHanko only when signing

    return LocalProvider(
        session=db_session,
        ceremony_url=lambda envelope_id: url_for("signing.ceremony", envelope_id=envelope_id),
        pki=lambda: organisation_pki(app),
    )


def build_docusign_provider(config: Mapping[str, Any]) -> SigningProvider:
    """DocuSign from the ``DOCUSIGN_*`` settings (``WIZARD_DOCUSIGN_*`` variables); imported only when chosen."""
    from wizard.docusign_integration import build_docusign_provider as build  # noqa: PLC0415 - optional SDK

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
