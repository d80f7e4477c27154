"""HR screen recording a beneficiary's acceptance: same locking rule as `flask designation accept`."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, login, text_of
from tests.designation.helpers import reauth_with_password
from wizard.db import db_session
from wizard.models import AccountChange, BeneficiaryDesignation, Role

URL = "/rh/designations/acceptation"


def _versions(app: Flask, owner_id: int, count: int) -> None:
    with app.app_context():
        for number in range(1, count + 1):
            db_session().add(BeneficiaryDesignation(
                owner_id=owner_id, version=number, mode="particular",
                clause_text="Mon conjoint Jean SECRET", beneficiaries=[{"last_name": "SECRET"}],
            ))  # fmt: skip
        db_session().commit()


def _accepted(app: Flask) -> dict[int, bool]:
    with app.app_context():
        return {r.version: r.accepted_by_beneficiary for r in db_session().scalars(select(BeneficiaryDesignation))}


def test_hr_records_acceptance_which_locks_the_members_designation(
    client: FlaskClient, app: Flask, make_user: Any
) -> None:
    member = make_user("membre@example.fr")
    _versions(app, member.id, 2)
    hr = make_user("rh@example.fr", role=Role.HR)
    login(client, hr.email)
    page = client.get(URL, query_string={"email": "MEMBRE@example.fr"})
    body = text_of(page)
    assert page.status_code == 200 and "v2 (en vigueur)" in body
    assert "SECRET" not in body  # HR never sees the clause or the beneficiaries
    fields = hidden_fields(body)
    missing = client.post(URL, data={**fields, "accepted_on": "", "confirm": ""})
    assert missing.status_code == 422
    assert "Indiquez la date de l'acceptation." in text_of(missing) and "Cochez la case" in text_of(missing)
    future = client.post(URL, data={**fields, "accepted_on": "2999-01-01", "confirm": "y"})
    assert future.status_code == 422 and "dans le futur" in text_of(future)
    done = client.post(URL, data={**fields, "accepted_on": "2026-11-30", "confirm": "y"})
    assert done.status_code == 302
    assert _accepted(app) == {1: False, 2: True}
    again = client.post(URL, data={**fields, "accepted_on": "2026-12-01", "confirm": "y"})  # double click
    assert again.status_code == 302
    with app.app_context():
        row = db_session().scalar(select(BeneficiaryDesignation).where(BeneficiaryDesignation.version == 2))
        assert row is not None and row.accepted_at is not None and row.accepted_at.date().isoformat() == "2026-11-30"
        changes = list(db_session().scalars(select(AccountChange)))
        assert [(c.what, c.actor_id) for c in changes] == [("designation_accepted", hr.id)]
    assert "la désignation est verrouillée" in text_of(client.get(URL, query_string={"email": member.email}))
    # the member can no longer start a new designation online
    member_client = app.test_client()
    login(member_client, member.email)
    reauth_with_password(member_client)
    page = member_client.get("/mon-contrat/beneficiaires")
    token = hidden_fields(text_of(page))["csrf_token"]
    response = member_client.post("/mon-contrat/beneficiaires", data={"csrf_token": token})
    assert response.status_code in (302, 409)
    assert "/j/" not in response.headers.get("Location", "")


def test_unknown_member_and_members_only(client: FlaskClient, app: Flask, make_user: Any) -> None:
    hr = make_user("rh@example.fr", role=Role.HR)
    make_user("sans@example.fr")
    login(client, hr.email)
    for email in ("sans@example.fr", hr.email):
        assert "Aucun agent n'a de désignation signée" in text_of(client.get(URL, query_string={"email": email}))
    token = hidden_fields(text_of(client.get(URL)))
    forged = client.post(URL, data={**token, "email": "sans@example.fr", "version": "1", "accepted_on": "2026-11-30",
                                    "confirm": "y"})  # fmt: skip
    assert forged.status_code == 302
    member_client = app.test_client()
    login(member_client, "sans@example.fr")
    assert member_client.get(URL).status_code == 404
