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
    from wizard.designation import cli as designation  # noqa: PLC0415 - app parts load inside the factory
    from wizard.entry import reminders  # noqa: PLC0415
    from wizard.hr import preview  # noqa: PLC0415
    from wizard.mail import outbox  # noqa: PLC0415
    from wizard.signatures import followups  # noqa: PLC0415
    from wizard.subscription import sepa  # noqa: PLC0415

    for group in (db_group, demo_group):
        app.cli.add_command(group)
    for module in (preview, sepa, outbox, reminders, designation, followups):
        app.cli.add_command(module.cli_group)


@click.group("db", help="Database schema (Alembic).")
def db_group() -> None:
    """Schema commands."""


@db_group.command("upgrade", help="Apply every pending migration.")
def db_upgrade() -> None:
    from wizard.migrate import upgrade_database  # noqa: PLC0415 - alembic is only needed here

    upgrade_database(db_engine())
    click.echo("Base de données à jour.")


@click.group("demo", help="Demonstration data and server.")
def demo_group() -> None:
    """Demo commands."""


@demo_group.command("load", help="Create the demo HR user, campaign and agent (idempotent).")
def demo_load() -> None:
    from wizard.demo import load_demo_data  # noqa: PLC0415

    data = load_demo_data(db_session())
    click.echo(f"Données de démonstration prêtes : campagne « {data.campaign.name} ».")


@demo_group.command("serve", help="Migrate, load demo data, print where to click, and serve.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def demo_serve(host: str, port: int) -> None:
    from wizard.demo import DEMO_PASSWORD, load_demo_data  # noqa: PLC0415
    from wizard.migrate import upgrade_database  # noqa: PLC0415
    from wizard.signatures.docusign import demo_fake_docusign  # noqa: PLC0415

    upgrade_database(db_engine())
    data = load_demo_data(db_session())
    db_session().commit()  # this command's unit of work ends here: the server's requests must see the data
    base = f"http://{host}:{port}"
    click.echo(demo_banner(base, data, DEMO_PASSWORD))
    fake_docusign = demo_fake_docusign(current_app, port)  # `make run DOCUSIGN_FAKE=1` only
    if fake_docusign:
        click.echo(fake_docusign)
    # Flask refuses app.run() inside its own CLI; the development server is werkzeug's, used directly
    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


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
