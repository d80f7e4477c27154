"""DocuSign in the application: the provider built from the Flask settings, the page policy its ceremony
needs, and the loopback fake behind ``make run DOCUSIGN_FAKE=1``.

* :func:`build_docusign_provider` — ``wizard.signatures.providers`` calls it once per application (the
  provider, and with it the cached access token, lives in ``app.extensions``).
* :data:`bp` — no route, one app-wide hook: with ``SIGNING_PROVIDER=docusign`` the pages' Content Security
  Policy lets a form be redirected to DocuSign's signing page. Browsers apply ``form-action`` to every
  redirect that follows a form submission, and the signing step's button is a POST answered by a redirect
  to DocuSign: with ``form-action 'self'`` alone the ceremony would never open.
* :func:`start_fake_docusign` — a demonstration without a DocuSign account: the fake server of
  ``tests/fakes/docusign.py`` runs in a thread on 127.0.0.1 and the application is pointed at it. This is
  the only place the application imports from ``tests/``, and only when the operator asks for the fake.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app
from werkzeug.wrappers import Response

from signing.providers.base import ProviderError
from wizard.security import CONTENT_SECURITY_POLICY

if TYPE_CHECKING:  # the DocuSign SDK is imported when the provider is built, not by every worker
    from signing.providers.docusign import DocuSignProvider, DocuSignSettings
    from tests.fakes.docusign import FakeDocuSign

#: environment variable (``make run DOCUSIGN_FAKE=1``) that swaps DocuSign for the loopback fake
FAKE_FLAG = "DOCUSIGN_FAKE"
#: hosts DocuSign's recipient views (signing pages) are served from, sandbox and production
SIGNING_ORIGINS = ("https://*.docusign.net", "https://*.docusign.com")
#: the key ``wizard.signatures.providers`` caches built providers under (a new configuration drops them)
PROVIDERS_KEY = "wizard.signing.providers"

bp = Blueprint("docusign_integration", __name__)


# --- the provider ----------------------------------------------------------------------------------------


def hmac_keys(value: object) -> tuple[str, ...]:
    """``DOCUSIGN_HMAC_KEYS`` as a tuple: a comma-separated string (environment) or a list (overrides)."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        items = [str(value)]
    return tuple(item.strip() for item in items if item.strip())


def settings_from_config(config: Mapping[str, Any]) -> DocuSignSettings:
    """The provider's settings from the ``DOCUSIGN_*`` keys of the Flask configuration.

    ``validate_settings`` already refused to start without them; a key file that vanished since, or an
    unusable value, is a :class:`ProviderError` the member sees as « momentanément indisponible ».
    """
    from signing.providers.docusign import DEFAULT_CONSENT_REDIRECT_URI, DocuSignSettings  # noqa: PLC0415

    key_path = str(config.get("DOCUSIGN_PRIVATE_KEY_PATH") or "")
    try:
        private_key_pem = Path(key_path).read_bytes()
    except OSError as exc:
        raise ProviderError(f"DocuSign private key {key_path!r} cannot be read: {exc.strerror}") from exc
    roots_path = str(config.get("DOCUSIGN_SEAL_ROOTS") or "")
    try:
        seal_roots_pem = Path(roots_path).read_bytes() if roots_path else b""
    except OSError as exc:
        raise ProviderError(f"DocuSign seal roots {roots_path!r} cannot be read: {exc.strerror}") from exc
    try:
        return DocuSignSettings(
            integration_key=str(config.get("DOCUSIGN_INTEGRATION_KEY") or ""),
            user_id=str(config.get("DOCUSIGN_USER_ID") or ""),
            private_key_pem=private_key_pem,
            oauth_host=str(config.get("DOCUSIGN_OAUTH_HOST") or ""),
            account_id=str(config.get("DOCUSIGN_ACCOUNT_ID") or "") or None,
            hmac_keys=hmac_keys(config.get("DOCUSIGN_HMAC_KEYS")),
            timeout_seconds=float(config.get("DOCUSIGN_TIMEOUT") or 10),
            create_timeout_seconds=float(config.get("DOCUSIGN_CREATE_TIMEOUT") or 30),
            seal_roots_pem=seal_roots_pem,
            ca_bundle=str(config.get("DOCUSIGN_CA_BUNDLE") or "") or None,
            consent_redirect_uri=str(config.get("DOCUSIGN_CONSENT_REDIRECT_URI") or DEFAULT_CONSENT_REDIRECT_URI),
        )
    except (TypeError, ValueError) as exc:
        raise ProviderError(f"DocuSign is misconfigured: {exc}") from exc


def build_docusign_provider(config: Mapping[str, Any]) -> DocuSignProvider:
    """One provider for the application; it keeps the JWT access token until shortly before it expires."""
    from signing.providers.docusign import DocuSignProvider  # noqa: PLC0415 - the SDK only when DocuSign is used

    return DocuSignProvider(settings_from_config(config))


# --- the signing step may hand the browser over to DocuSign -----------------------------------------------


def signing_policy(config: Mapping[str, Any]) -> str:
    """The application's CSP with DocuSign's signing hosts (and the configured OAuth host) in form-action."""
    origins = [*SIGNING_ORIGINS, f"https://{config.get('DOCUSIGN_OAUTH_HOST')}"]
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))


@bp.after_app_request
def allow_docusign_form_redirects(response: Response) -> Response:
    # Runs before the generic security hook (registered earlier), which only sets the policy if absent.
    if current_app.config.get("SIGNING_PROVIDER") == "docusign" and response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", signing_policy(current_app.config))
    return response


# --- the loopback fake for demonstrations ----------------------------------------------------------------


def fake_requested(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(FAKE_FLAG, "").strip().lower() in {"1", "true", "yes", "oui"}


def start_fake_docusign(app: Flask, webhook_url: str) -> FakeDocuSign:
    """Start the fake on 127.0.0.1 and point ``app`` at it (provider, key file, CA, Connect webhook).

    The fake's ceremony page offers the four outcomes DocuSign reports (signing_complete, cancel, decline,
    ttl_expired); after each one it posts a signed Connect notification to ``webhook_url``.
    """
    from tests.fakes.docusign import FakeDocuSign  # noqa: PLC0415 - demo only: the fake is test code

    fake = FakeDocuSign().start()
    atexit.register(fake.stop)
    fake.connect_url = webhook_url
    folder = Path(app.instance_path) / "fake-docusign"
    folder.mkdir(parents=True, exist_ok=True)
    key_path = folder / "integration-key.pem"
    key_path.touch(mode=0o600)
    key_path.chmod(0o600)  # a private key, even a throw-away one, is readable by its owner only
    key_path.write_bytes(fake.private_key_pem)
    settings = fake.provider_settings()
    app.config.update(
        SIGNING_PROVIDER="docusign",
        DOCUSIGN_INTEGRATION_KEY=settings.integration_key,
        DOCUSIGN_USER_ID=settings.user_id,
        DOCUSIGN_PRIVATE_KEY_PATH=str(key_path),
        DOCUSIGN_OAUTH_HOST=settings.oauth_host,
        DOCUSIGN_ACCOUNT_ID=None,
        DOCUSIGN_HMAC_KEYS=",".join(settings.hmac_keys),
        DOCUSIGN_CA_BUNDLE=settings.ca_bundle,
        DOCUSIGN_TIMEOUT=settings.timeout_seconds,
        DOCUSIGN_SEAL_ROOTS=fake.seal_root_path,
    )
    app.extensions.pop(PROVIDERS_KEY, None)  # a provider built before now would talk to the wrong host
    return fake


def demo_fake_docusign(app: Flask, port: int, environ: Mapping[str, str] = os.environ) -> str | None:
    """``demo serve``: with ``DOCUSIGN_FAKE=1``, start the fake and return the lines to print; else None."""
    if not fake_requested(environ):
        return None
    fake = start_fake_docusign(app, f"http://127.0.0.1:{port}/webhooks/docusign")
    return fake_banner(fake)


def fake_banner(fake: FakeDocuSign) -> str:
    """What ``demo serve`` prints so nobody mistakes the demonstration for real DocuSign."""
    return "\n".join(
        (
            f"  Signature : DocuSign SIMULÉ (faux serveur local {fake.base_url}, aucun compte DocuSign)",
            "  Le navigateur signale un certificat inconnu sur la page de signature :",
            "  c'est l'autorité jetable du faux serveur, acceptez-la pour cette démonstration.",
        )
    )
