"""`flask designation accept`: operations record a beneficiary's acceptance, which locks the designation."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from config.catalogue import default_catalogue
from wizard.db import db_session
from wizard.models import BeneficiaryDesignation


def _versions(app: Flask, owner_id: int, count: int) -> None:
    with app.app_context():
        for number in range(1, count + 1):
            db_session().add(BeneficiaryDesignation(
                owner_id=owner_id, version=number, mode="standard",
                clause_text=default_catalogue().standard_clause, beneficiaries=[],
            ))  # fmt: skip
        db_session().commit()


def _accepted(app: Flask) -> dict[int, bool]:
    with app.app_context():
        rows = db_session().scalars(select(BeneficiaryDesignation))
        return {row.version: row.accepted_by_beneficiary for row in rows}


def test_accept_marks_the_version_in_force_by_default(app: Flask, make_user: Any) -> None:
    user = make_user("membre@example.fr")
    _versions(app, user.id, 2)
    result = app.test_cli_runner().invoke(args=["designation", "accept", "--member", "MEMBRE@example.fr"])
    assert result.exit_code == 0, result.output
    assert "Désignation v2 de membre@example.fr marquée acceptée" in result.output
    assert _accepted(app) == {1: False, 2: True}


def test_accept_a_chosen_version_and_refuse_unknown_members(app: Flask, make_user: Any) -> None:
    user = make_user("membre@example.fr")
    _versions(app, user.id, 2)
    runner = app.test_cli_runner()
    chosen = runner.invoke(args=["designation", "accept", "--member", "membre@example.fr", "--version", "1"])
    assert chosen.exit_code == 0, chosen.output
    assert _accepted(app) == {1: True, 2: False}
    unknown = runner.invoke(args=["designation", "accept", "--member", "personne@example.fr"])
    assert unknown.exit_code != 0 and "aucun compte pour personne@example.fr" in unknown.output
    make_user("sans@example.fr")
    none = runner.invoke(args=["designation", "accept", "--member", "sans@example.fr"])
    assert none.exit_code != 0 and "aucune désignation signée" in none.output
