"""Command-line tools: ``flask --app wizard <command>``."""

from __future__ import annotations

from importlib import import_module

import click
from flask import Flask, current_app

from wizard.db import db_engine, db_session


def register_commands(app: Flask) -> None:
    for group in (db_group, demo_group):
        app.cli.add_command(group)
    for name in COMMAND_MODULES:
        app.cli.add_command(import_module(name).cli_group)


#: feature modules exposing a click group named ``cli_group`` (outbox, reminders, sepa…)
COMMAND_MODULES: tuple[str, ...] = ()


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

    upgrade_database(db_engine())
    data = load_demo_data(db_session())
    base = f"http://{host}:{port}"
    click.echo(demo_banner(base, data.agent.email, data.hr.email, DEMO_PASSWORD))
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


def demo_banner(base: str, agent_email: str, hr_email: str, password: str) -> str:
    return "\n".join(
        (
            "",
            "=" * 72,
            "  Démonstration prête",
            f"  Ouvrez : {base}/connexion",
            f"  Agent  : {agent_email}  /  {password}",
            f"  RH     : {hr_email}  /  {password}",
            f"  Parcours d'affiliation : {base}/demarches/affiliation",
            f"  Boîte de réception de démonstration : {base}/boite-de-reception",
            "=" * 72,
            "",
        )
    )
