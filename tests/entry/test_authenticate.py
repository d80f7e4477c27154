"""accounts.authenticate: one answer for every failure, and old password hashes upgraded on login."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from flask import Flask

from tests.conftest import PASSWORD
from wizard.db import db_session
from wizard.entry import accounts
from wizard.entry.passwords import needs_rehash, verify_password
from wizard.models import User


def test_unknown_email_wrong_password_and_inactive_account_all_give_none(app: Flask, make_user: Any) -> None:
    make_user("actif@example.fr")
    inactive = make_user("inactif@example.fr")
    with app.app_context():
        session = db_session()
        row = session.get(User, inactive.id)
        assert row is not None
        row.activated = False
        session.commit()
        assert accounts.authenticate(session, "personne@example.fr", PASSWORD) is None
        assert accounts.authenticate(session, "actif@example.fr", "mauvais") is None
        assert accounts.authenticate(session, "inactif@example.fr", PASSWORD) is None
        found = accounts.authenticate(session, "  ACTIF@example.fr ", PASSWORD)
        assert found is not None and found.email == "actif@example.fr"


def test_a_weaker_old_hash_is_upgraded_on_login(app: Flask, make_user: Any) -> None:
    user = make_user("ancien@example.fr")
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with app.app_context():
        session = db_session()
        row = session.get(User, user.id)
        assert row is not None
        row.password_hash = weak
        session.commit()
        assert accounts.authenticate(session, "ancien@example.fr", PASSWORD) is not None
        upgraded = session.get(User, user.id)
        assert upgraded is not None and upgraded.password_hash != weak
        assert not needs_rehash(upgraded.password_hash or "") and verify_password(upgraded.password_hash, PASSWORD)
