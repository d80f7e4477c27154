"""Command-line tools: ``flask --app wizard <command>``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from werkzeug.serving import run_simple

from wizard.db import db_engine, db_session

if TYPE_CHECKING:
    from wizard.demo import DemoData
    from wizard.models import Invitation


def register_commands(app: Flask) -> None:
    """The platform's groups, then each feature's (imported here, never looked up by name)."""
    from wizard.account import data_rights, retention  # noqa: PLC0415 - app parts load inside the factory
    from wizard.designation import cli as designation  # noqa: PLC0415
    from wizard.entry import reminders  # noqa: PLC0415
    from wizard.hr import preview  # noqa: PLC0415
    from wizard.mail import outbox  # noqa: PLC0415
    from wizard.sepa import export as sepa  # noqa: PLC0415
    from wizard.signatures import followups  # noqa: PLC0415

    for group in (db_group, demo_group, security_group):
        app.cli.add_command(group)
    for module in (preview, sepa, outbox, reminders, designation, followups, data_rights, retention):
        app.cli.add_command(module.cli_group)


@click.group("db", help="Database schema (Alembic).")
def db_group() -> None:
    """Schema commands."""


@db_group.command("upgrade", help="Apply every pending migration.")
def db_upgrade() -> None:
    from wizard.migrate import upgrade_database  # noqa: PLC0415 - alembic is only needed here

    upgrade_database(db_engine())
    click.echo("Base de données à jour.")


@click.group("security", help="Encryption at rest.")
def security_group() -> None:
    """Security commands."""


@security_group.command("reencrypt", help="Rewrite every encrypted value with the current FIELD_ENCRYPTION_KEY.")
def security_reencrypt() -> None:
    """After a key rotation (old key in ``FIELD_ENCRYPTION_OLD_KEYS``), and once after the upgrade that started
    encrypting documents and email bodies. Each batch is its own transaction: interrupted, it runs again."""
    from wizard.crypto import reencrypt_batches  # noqa: PLC0415
    from wizard.models import Base  # noqa: PLC0415

    session = db_session()
    done: dict[str, int] = {}
    for table, rows in reencrypt_batches(session, Base.metadata):
        session.commit()  # one transaction per batch: resumable
        done[table] = done.get(table, 0) + rows
    for table, count in done.items():
        click.echo(f"{table} : {count} ligne(s) réécrite(s) avec la clé actuelle.")


@click.group("demo", help="Demonstration data and server.")
def demo_group() -> None:
    """Demo commands."""


def refuse_outside_development() -> None:
    """The demo creates accounts whose password is published: never on anything but a development instance."""
    env_name = current_app.config.get("ENV_NAME")
    if env_name != "development":
        raise click.ClickException(
            f"Refusé : les données de démonstration (mot de passe publié) ne se chargent qu'en développement "
            f"(WIZARD_ENV={env_name})."
        )


@demo_group.command("load", help="Create the demo HR user, campaign and agent (idempotent; development only).")
def demo_load() -> None:
    from wizard.demo import load_demo_data  # noqa: PLC0415

    refuse_outside_development()

    data = load_demo_data(db_session())
    click.echo(f"Données de démonstration prêtes : campagne « {data.campaign.name} ».")


@demo_group.command("serve", help="Migrate, load demo data, print where to click, and serve (development only).")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def demo_serve(host: str, port: int) -> None:
    from wizard.demo import DEMO_PASSWORD, load_demo_data  # noqa: PLC0415
    from wizard.migrate import upgrade_database  # noqa: PLC0415
    from wizard.signatures.docusign import demo_fake_docusign  # noqa: PLC0415

    refuse_outside_development()
    upgrade_database(db_engine())
    data = load_demo_data(db_session())
    db_session().commit()  # this command's unit of work ends here: the server's requests must see the data
    base = demo_public_base_url(host, port, current_app.config["PUBLIC_BASE_URL"])
    current_app.config["PUBLIC_BASE_URL"] = base  # emailed links point at this server, whatever its port
    click.echo(demo_banner(base, data, DEMO_PASSWORD))
    fake_docusign = demo_fake_docusign(current_app, port)  # `make run DOCUSIGN_FAKE=1` only
    if fake_docusign:
        click.echo(fake_docusign)
    # Flask refuses app.run() inside its own CLI; the development server is werkzeug's, used directly
    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


def demo_public_base_url(host: str, port: int, configured: str) -> str:
    """The demo's own address, unless PUBLIC_BASE_URL was set to something else than the default."""
    from config.settings import BaseConfig  # noqa: PLC0415

    if configured and configured != BaseConfig.PUBLIC_BASE_URL:
        return configured
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - a listen address, not a bind
    return f"http://{shown_host}:{port}"


def demo_banner(base: str, data: DemoData, password: str) -> str:
    """Where to click: both agents' emailed links (one with an account, one without), HR, the demo inbox."""
    from wizard.entry.tokens import invitation_token, public_url  # noqa: PLC0415 - needs the app's SECRET_KEY

    def link(invitation: Invitation) -> str:
        return public_url("invitations.landing", base=base, token=invitation_token(invitation))

    return "\n".join(
        (
            "",
            "=" * 72,
            "  Démonstration prête",
            f"  Ouvrez : {base}/connexion",
            f"  Agent avec compte : {data.agent.email}  /  {password}",
            f"    son lien d'invitation : {link(data.invitation)}",
            f"  Nouvel agent, sans compte (« Créer votre identifiant ») : {data.new_agent_invitation.email}",
            f"    son lien d'invitation : {link(data.new_agent_invitation)}",
            f"  RH     : {data.hr.email}  /  {password}  ->  {base}/rh",
            f"  Boîte de réception de démonstration : {base}/boite-de-reception",
            "=" * 72,
            "",
        )
    )
