"""Settings classes, chosen by ``WIZARD_ENV`` and completed from ``WIZARD_*`` environment variables.

Nothing here reads the environment at import time: ``wizard.app.create_app`` picks a class, applies the
prefixed environment and the caller's overrides, then calls :func:`validate_settings` once so a
misconfigured instance stops at start-up with one message listing every problem.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class BaseConfig:
    #: signs session cookies, CSRF tokens and emailed links; generated per instance in development
    SECRET_KEY: str | None = None
    #: AES-GCM key (urlsafe base64, 32 bytes) for personal answers at rest; generated in development
    FIELD_ENCRYPTION_KEY: str | None = None
    #: earlier field-encryption keys, comma-separated, only read during a key rotation (docs/OPERATOR.md)
    FIELD_ENCRYPTION_OLD_KEYS: str | None = None
    #: SQLAlchemy URL; SQLite in the instance folder when unset
    DATABASE_URL: str | None = None
    #: PostgreSQL connections kept open per worker process, and extra ones allowed under a burst; size them so
    #: nodes × workers × (pool + overflow) stays under the server's max_connections (docs/PERFORMANCE.md)
    DATABASE_POOL_SIZE = 4
    DATABASE_MAX_OVERFLOW = 4
    #: "local" (pyHanko seal + emailed one-time code) or "docusign"
    SIGNING_PROVIDER = "local"
    #: DocuSign (SIGNING_PROVIDER=docusign; variables WIZARD_DOCUSIGN_*), see docs/DOCUSIGN.md
    DOCUSIGN_INTEGRATION_KEY: str | None = None
    DOCUSIGN_USER_ID: str | None = None
    DOCUSIGN_PRIVATE_KEY_PATH: str | None = None
    #: None: the impersonated user's default account (from /oauth/userinfo)
    DOCUSIGN_ACCOUNT_ID: str | None = None
    #: a bare host name, never a URL: account-d.docusign.com (sandbox) or account.docusign.com
    DOCUSIGN_OAUTH_HOST = "account-d.docusign.com"
    #: Connect HMAC secrets, comma-separated (two during a rotation)
    DOCUSIGN_HMAC_KEYS: str | None = None
    #: seconds to connect and to read each answer: bounds how long a member waits on a silent DocuSign
    DOCUSIGN_TIMEOUT = 10
    #: read timeout of the envelope creation (it uploads every PDF); a lost answer is reconciled
    DOCUSIGN_CREATE_TIMEOUT = 30
    #: PEM file of the root certificate(s) DocuSign's seal on the signed combined PDF must chain to
    DOCUSIGN_SEAL_ROOTS: str | None = None
    #: only for the loopback fake (tests, `make run DOCUSIGN_FAKE=1`): the CA to trust instead of certifi
    DOCUSIGN_CA_BUNDLE: str | None = None
    #: effective date used when a journey has no campaign (HR preview, demo)
    DEFAULT_EFFECTIVE_DATE = date(2026, 5, 1)
    #: days a draft may stay untouched before it expires; a reminder goes out REMINDER_DAYS before
    DRAFT_INACTIVITY_DAYS = 60
    DRAFT_REMINDER_DAYS = 7
    DEADLINE_REMINDER_DAYS = 5
    #: minutes a re-authentication (password or emailed code) opens the beneficiary designation pages
    REAUTH_MINUTES = 5
    #: SEPA: the échéancier reaches the member at least this many calendar days before a debit; 14 is what
    #: the rulebook and our mandate text say (a shorter period needs a mandate text that states it)
    SEPA_PRENOTIFICATION_DAYS = 14
    #: SEPA: the day of the month each monthly contribution is debited (1 to 28)
    SEPA_COLLECTION_DAY = 5
    #: SEPA: a mandate with no collection presented for this many months lapses (rulebook: 36)
    SEPA_LAPSE_MONTHS = 36
    #: the demo mailbox page; never enabled in production
    DEMO_MAILBOX = False
    #: build « Télécharger mes données » archives during the request instead of by `flask data-export run`
    #: workers (development only: the demo runs no worker)
    DATA_EXPORT_INLINE = False
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    MAIL_SENDER = "Mutuelle Horizon Publique <ne-pas-repondre@horizon-publique.example>"
    #: absolute base URL put in emails (links must work outside a request)
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: proxies (load balancers) in front of the app whose X-Forwarded-* headers are trusted (wizard/wsgi.py);
    #: the client address feeds rate limits and the signature evidence, so never trust more than exist
    TRUSTED_PROXIES = 0
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = "5 per minute;20 per hour"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 30 * 60
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds a token; an expiring token loses input
    #: WTForms' own French catalogue (Meta.locales) rather than Flask-Babel, which this app does not use
    WTF_I18N_ENABLED = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: supporting documents (wizard.proofs): size of one file, pages of one PDF, files sent at once
    PROOF_MAX_BYTES = 5 * 1024 * 1024
    PROOF_MAX_PAGES = 10
    PROOF_MAX_FILES_PER_UPLOAD = 5
    #: ClamAV's clamd, as a unix socket path or "host:port"; unset: files are not scanned (a warning shows,
    #: and production refuses uploads rather than store unscanned files)
    CLAMD_ADDRESS: str | None = None
    CLAMD_TIMEOUT = 30
    #: a family change declared within these days of the event takes effect on the 1st of the month after
    #: the event; later, on the 1st of the month after the declaration
    FAMILY_CHANGE_DECLARATION_DAYS = 30
    #: the reminders command tells a member this many days before a covered child reaches the age limit
    CHILD_AGE_LIMIT_NOTICE_DAYS = 60
    TESTING = False
    DEBUG = False


class DevelopmentConfig(BaseConfig):
    DEMO_MAILBOX = True
    DATA_EXPORT_INLINE = True


class TestingConfig(BaseConfig):
    TESTING = True
    DEMO_MAILBOX = True
    SECRET_KEY = "tests-only-secret-key"  # noqa: S105 - a fixed key keeps test runs reproducible
    FIELD_ENCRYPTION_KEY = "dGVzdHMtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE="
    RATELIMIT_ENABLED = True


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIG_CLASSES: Mapping[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

REQUIRED_EVERYWHERE = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL")
REQUIRED_IN_PRODUCTION = ("PUBLIC_BASE_URL",)
REQUIRED_FOR_DOCUSIGN = (
    "DOCUSIGN_INTEGRATION_KEY",
    "DOCUSIGN_USER_ID",
    "DOCUSIGN_PRIVATE_KEY_PATH",
    "DOCUSIGN_OAUTH_HOST",
    "DOCUSIGN_HMAC_KEYS",
    "DOCUSIGN_SEAL_ROOTS",
)


class SettingsError(RuntimeError):
    """The configuration is incomplete or inconsistent; the message lists every problem."""


def validate_settings(settings: Mapping[str, Any], *, production: bool) -> None:
    """Refuse to start with missing or contradictory settings, naming all of them at once."""
    required = REQUIRED_EVERYWHERE + (REQUIRED_IN_PRODUCTION if production else ())
    problems = [f"{key} is not set" for key in required if not settings.get(key)]
    if settings.get("SIGNING_PROVIDER") not in {"local", "docusign"}:
        problems.append("SIGNING_PROVIDER must be 'local' or 'docusign'")
    if settings.get("SIGNING_PROVIDER") == "docusign":
        problems += docusign_problems(settings)
    if production and settings.get("DEMO_MAILBOX"):
        problems.append("DEMO_MAILBOX must stay off in production")
    if production:
        problems += secret_problems(settings) + public_url_problems(settings)
    if problems:
        raise SettingsError("Invalid configuration: " + "; ".join(problems))


def docusign_problems(settings: Mapping[str, Any]) -> list[str]:
    """What stops the DocuSign provider from working, checked at start-up rather than at the first member."""
    missing = [key for key in REQUIRED_FOR_DOCUSIGN if not settings.get(key)]
    problems = [f"SIGNING_PROVIDER=docusign needs {', '.join(missing)}"] if missing else []
    if "/" in str(settings.get("DOCUSIGN_OAUTH_HOST") or ""):
        problems.append("DOCUSIGN_OAUTH_HOST is a bare host name (account-d.docusign.com), not a URL")
    for name in ("DOCUSIGN_PRIVATE_KEY_PATH", "DOCUSIGN_SEAL_ROOTS"):
        path = settings.get(name)
        if path and not Path(str(path)).is_file():
            problems.append(f"{name} {path} is not a readable file")
    try:
        timeout_ok = float(settings.get("DOCUSIGN_TIMEOUT") or 0) > 0
    except (TypeError, ValueError):
        timeout_ok = False
    if not timeout_ok:
        problems.append("DOCUSIGN_TIMEOUT must be a positive number of seconds")
    return problems


#: secrets published with the code (tests, examples): whoever reads the repository knows them
PUBLISHED_SECRETS = frozenset(
    {
        str(TestingConfig.SECRET_KEY),
        str(TestingConfig.FIELD_ENCRYPTION_KEY),
        "change-me",
        "changeme",
        "secret",
        "dev",
        "development",
    }
)
MIN_SECRET_KEY_LENGTH = 32
#: a random key of 32 characters or bytes has far more distinct values than this
MIN_DISTINCT = 12
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def secret_problems(settings: Mapping[str, Any]) -> list[str]:
    """Production refuses secrets anybody could guess: short, repetitive, or published with the code."""
    problems = []
    secret = str(settings.get("SECRET_KEY") or "")
    if secret:
        if secret in PUBLISHED_SECRETS:
            problems.append("SECRET_KEY is a published example or test value: generate a random one")
        elif len(secret) < MIN_SECRET_KEY_LENGTH or len(set(secret)) < MIN_DISTINCT:
            problems.append(
                f"SECRET_KEY is too short or too repetitive (at least {MIN_SECRET_KEY_LENGTH} random characters)"
            )
    field_key = str(settings.get("FIELD_ENCRYPTION_KEY") or "")
    if field_key:
        problems += _field_key_problems(field_key)
    return problems


def _field_key_problems(field_key: str) -> list[str]:
    if field_key in PUBLISHED_SECRETS:
        return ["FIELD_ENCRYPTION_KEY is a published example or test value: generate a random one"]
    try:
        raw = base64.b64decode(field_key.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return ["FIELD_ENCRYPTION_KEY is not urlsafe base64 (generate one with wizard.crypto.generate_key)"]
    if len(raw) != 32 or len(set(raw)) < MIN_DISTINCT:
        return ["FIELD_ENCRYPTION_KEY must be 32 random bytes (generate one with wizard.crypto.generate_key)"]
    return []


def public_url_problems(settings: Mapping[str, Any]) -> list[str]:
    """Emailed links must not travel in clear: ``https://`` except on loopback (a node tested on its own)."""
    url = str(settings.get("PUBLIC_BASE_URL") or "")
    if not url:
        return []
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return [f"PUBLIC_BASE_URL {url!r} is not a URL"]
    if parts.scheme == "https" and host:
        return []
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return []
    return [f"PUBLIC_BASE_URL must start with https:// (emailed links carry one-time tokens), got {url!r}"]
