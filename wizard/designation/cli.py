"""Operations' command for beneficiary designations: record a beneficiary's written acceptance.

Acceptance (Code des assurances, L132-9) arrives on paper to the insurer; once recorded, the member can no
longer change the designation online, and the contract pages explain why.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from wizard.db import db_session
from wizard.designation import service as designation
from wizard.models import BeneficiaryDesignation, User

cli_group = AppGroup("designation", help="Beneficiary designations (prévoyance).")


@cli_group.command("accept", help="Record that a beneficiary accepted a member's designation (version).")
@click.option("--member", "email", required=True, help="The member's login email.")
@click.option("--version", "version", type=int, default=None, help="Version number (default: the one in force).")
def accept(email: str, version: int | None) -> None:
    session = db_session()
    member = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if member is None:
        raise click.ClickException(f"aucun compte pour {email}")
    chosen = _version(member, version) if version else designation.current(session, member)
    if chosen is None:
        raise click.ClickException("ce membre n'a aucune désignation signée")
    designation.mark_accepted(chosen)
    session.flush()
    click.echo(f"Désignation v{chosen.version} de {member.email} marquée acceptée : elle ne peut plus être modifiée.")


def _version(member: User, version: int) -> BeneficiaryDesignation | None:
    query = select(BeneficiaryDesignation).where(
        BeneficiaryDesignation.owner_id == member.id, BeneficiaryDesignation.version == version
    )
    return db_session().scalar(query)
