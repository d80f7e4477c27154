"""The application factory: one ``register_*`` per concern, nothing done at import time."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.templating import Environment

from config.catalogue import default_catalogue
from config.settings import CONFIG_CLASSES, validate_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class WizardEnvironment(Environment):
    """Flask's Jinja environment, giving each template its globals as one plain dict.

    Jinja keeps a template's globals as a ``ChainMap`` over the environment's, and copies it into a dict for
    every render: a ``ChainMap`` lookup per global, each missing from the template's own map first — about
    thirty Python-level lookups and as many ``KeyError`` raised per page, ≈ 1 % of a step request. Every global
    of this application is registered while it is built (Flask refuses setup once it serves requests), before
    any template is loaded, so a snapshot taken when a template loads is the same map, read at C speed.
    A template's own globals still overlay the environment's and never change them.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class WizardFlask(Flask):
    """Flask, remembering which of its hooks and views are plain functions, with :class:`WizardEnvironment`.

    Flask asks ``ensure_sync`` about every hook and view of every request (``inspect.iscoroutinefunction``
    each time): with this application's twenty-odd hooks that was ≈ 1 % of a step request. The answer never
    changes for a registered function, so it is kept; the functions asked about are the registered ones.
    """

    jinja_environment = WizardEnvironment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_callables: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        sync = self._sync_callables.get(func)
        if sync is None:
            sync = self._sync_callables[func] = super().ensure_sync(func)
        return sync


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured application; ``overrides`` wins over classes and ``WIZARD_*`` variables."""
    app = WizardFlask(
        "wizard",
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(Path(os.environ.get("WIZARD_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()),
    )
    load_settings(app, overrides or {})
    register_extensions(app)
    register_flows(app)
    register_blueprints(app)
    register_feature_hooks(app)
    register_templates(app)
    register_errors(app)
    register_cli(app)
    return app


def load_settings(app: Flask, overrides: Mapping[str, Any]) -> None:
    env_name = str(overrides.get("ENV_NAME") or os.environ.get("WIZARD_ENV", "development"))
    app.config.from_object(CONFIG_CLASSES[env_name])
    app.config.from_prefixed_env("WIZARD")
    app.config.update(overrides)
    app.config["ENV_NAME"] = env_name
    if env_name == "development":
        _fill_development_defaults(app)
    validate_settings(app.config, production=env_name == "production")


def _fill_development_defaults(app: Flask) -> None:
    """Per-instance secrets generated once and kept in the instance folder (never in the repository)."""
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    secrets_file = folder / "development-secrets.json"
    if not secrets_file.exists():
        from wizard.crypto import generate_key  # noqa: PLC0415 - only development needs to generate keys

        generated = {"SECRET_KEY": secrets.token_urlsafe(32), "FIELD_ENCRYPTION_KEY": generate_key()}
        secrets_file.write_text(json.dumps(generated), encoding="utf-8")
        secrets_file.chmod(0o600)
    for key, value in json.loads(secrets_file.read_text(encoding="utf-8")).items():
        app.config[key] = app.config.get(key) or value
    app.config["DATABASE_URL"] = app.config.get("DATABASE_URL") or f"sqlite:///{folder / 'wizard.sqlite3'}"


def register_extensions(app: Flask) -> None:
    from wizard import crypto  # noqa: PLC0415 - keep imports of app parts inside the factory
    from wizard.db import init_db  # noqa: PLC0415
    from wizard.entry.auth import init_login  # noqa: PLC0415
    from wizard.extensions import csrf, limiter  # noqa: PLC0415
    from wizard.security import (  # noqa: PLC0415
        install_log_redaction,
        register_bounded_int_routes,
        register_security_headers,
    )

    old_keys = tuple(k.strip() for k in str(app.config.get("FIELD_ENCRYPTION_OLD_KEYS") or "").split(",") if k.strip())
    crypto.set_default_cipher(crypto.FieldCipher(app.config["FIELD_ENCRYPTION_KEY"], old_keys=old_keys))
    init_db(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    register_security_headers(app)
    register_bounded_int_routes(app)
    install_log_redaction(app)


def register_flows(app: Flask) -> None:
    from flows import all_flows  # noqa: PLC0415
    from wizard.journeys.registry import init_registry  # noqa: PLC0415

    init_registry(app, all_flows())


def register_blueprints(app: Flask) -> None:
    """Every page of the product, feature by feature (imported here, never looked up by name)."""
    from wizard.account import views as account  # noqa: PLC0415 - app parts load inside the factory
    from wizard.dashboard import views as dashboard  # noqa: PLC0415
    from wizard.designation import views as designation  # noqa: PLC0415
    from wizard.entry.views import accounts, auth, invitations, password_change, session  # noqa: PLC0415
    from wizard.family_change import views as family_change  # noqa: PLC0415
    from wizard.hr.views import campaigns, designation_acceptance, flows, funnel, preview  # noqa: PLC0415
    from wizard.journeys import views as journeys  # noqa: PLC0415
    from wizard.legal import views as legal  # noqa: PLC0415
    from wizard.mail import views as mailbox  # noqa: PLC0415
    from wizard.proofs import hr_views as proof_review  # noqa: PLC0415
    from wizard.proofs import views as proofs  # noqa: PLC0415
    from wizard.sepa import views as sepa  # noqa: PLC0415
    from wizard.signatures import documents, docusign, holder_views  # noqa: PLC0415
    from wizard.signatures import views as signatures  # noqa: PLC0415
    from wizard.subscription import views as subscription  # noqa: PLC0415

    for module in (
        auth, dashboard, journeys, signatures, docusign, preview, flows, funnel, session, documents,
        subscription, designation, sepa, invitations, accounts, password_change, campaigns, mailbox, proofs,
        proof_review, family_change, legal, account, designation_acceptance, holder_views,
    ):  # fmt: skip
        app.register_blueprint(module.bp)
    signatures.register_signing_step(app)
    proofs.register_proof_step(app)


def register_feature_hooks(app: Flask) -> None:
    """Features reacting to each other's events, wired here so that neither imports the other."""
    from flows.family_change import reschedule_after_change  # noqa: PLC0415
    from wizard.entry.reminders import register_reminder  # noqa: PLC0415
    from wizard.family_change import reminders as family_reminders  # noqa: PLC0415
    from wizard.family_change import service as family_change  # noqa: PLC0415
    from wizard.proofs.review import register_review_hooks  # noqa: PLC0415
    from wizard.sepa import rib_change  # noqa: PLC0415
    from wizard.sepa.mandates import record_signed_mandate  # noqa: PLC0415
    from wizard.subscription import mandate_holder  # noqa: PLC0415

    register_review_hooks(app, family_change.FLOW_ID, family_change.on_proof_accepted, family_change.on_proof_refused)
    register_reminder(app, "age_limit", "limites d'âge annoncées", family_reminders.remind_age_limits)
    # the account holder who is not the member signed the mandate: it becomes the SEPA mandate record
    mandate_holder.register_on_signed(app, record_signed_mandate)
    if reschedule_after_change not in family_change.ON_CHANGE_SIGNED:  # one list per process, many apps in tests
        family_change.ON_CHANGE_SIGNED.append(reschedule_after_change)
    # « Modifier mon RIB » to someone else's account: the holder signs the amended mandate the same way
    mandate_holder.register_journey(app, rib_change.FLOW_ID, rib_change.HOLDER_JOURNEY)
    mandate_holder.register_on_signed(app, rib_change.on_holder_signed)


def register_templates(app: Flask) -> None:
    from config.formats import euros, long_date, short_date  # noqa: PLC0415
    from forms import rendering  # noqa: PLC0415
    from forms.base import form_errors  # noqa: PLC0415
    from wizard.web import layout_links, template_url_for  # noqa: PLC0415

    app.jinja_env.filters.update(euros=euros, french_date=long_date, short_date=short_date)
    app.jinja_env.globals.update(
        form_errors=form_errors, field_html=rendering, url_for=template_url_for, layout_links=layout_links
    )
    app.context_processor(lambda: {"brand": default_catalogue().brand, "catalogue": default_catalogue()})


def register_errors(app: Flask) -> None:
    from wizard.errors import register_error_pages  # noqa: PLC0415

    register_error_pages(app)


def register_cli(app: Flask) -> None:
    from wizard.cli import register_commands  # noqa: PLC0415

    register_commands(app)
