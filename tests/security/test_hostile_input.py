"""Hostile input found by the fuzz campaign: NaN-like decimals, huge ids in URLs, undeclared fields, and names
made of whitespace or invisible characters. Each is refused with a message or a 404, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.context import Answers, StepContext
from forms.designation import BeneficiariesForm, ChoiceForm
from tests.conftest import hidden_fields, login, start_from_home, submit, text_of
from tests.designation.helpers import beneficiary, reauth_with_password, start_designation
from wizard.db import db_session
from wizard.models import Journey, Role
from wizard.security import MAX_ROUTE_INT

HUGE_IDS = (str(2**63), str(2**64), str(MAX_ROUTE_INT + 1), "9" * 40)


def _context(count: int = 1) -> StepContext:
    answers = Answers({"choice": {"mode": "particular", "beneficiary_count": count}})
    return StepContext(catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=answers)


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _beneficiaries(**fields: str) -> BeneficiariesForm:
    return BeneficiariesForm(MultiDict(beneficiary(0, **fields)), context=_context())


# --- 12. decimals that are not numbers -------------------------------------------------------------------


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("share", ["sNaN", "NaN", "-nan", "Infinity", "-Infinity", "inf", "1e2", "1E+2", "0x10"])
def test_a_share_that_is_not_a_number_is_refused_with_a_message(share: str) -> None:
    form = _beneficiaries(share=share)
    assert not form.validate()
    errors = form.beneficiaries.entries[0].form.errors
    assert errors["share"] == ["Indiquez une part en pourcentage, par exemple 50 ou 33,33."]


def test_a_draft_saved_with_snan_never_breaks_the_review(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("nan@example.fr")
    login(client, "nan@example.fr")
    reauth_with_password(client)
    base = start_designation(client)
    choice = {"mode": "particular", "beneficiary_count": "1", "birth_date": "1980-05-05", "place": "Lyon"}
    submit(client, f"{base}/choice", choice)
    assert submit(client, f"{base}/beneficiaries", beneficiary(0)).headers["Location"].endswith("/review")
    saved = submit(client, f"{base}/beneficiaries", beneficiary(0, share="sNaN"), action="save")
    assert saved.status_code in (200, 302)
    review = submit(client, f"{base}/review", {})
    assert review.status_code == 302 and review.headers["Location"].endswith("/beneficiaries")
    page = client.get(review.headers["Location"])
    assert page.status_code == 200
    again = submit(client, f"{base}/beneficiaries", beneficiary(0, share="sNaN"))
    assert again.status_code == 422 and "Indiquez une part en pourcentage" in text_of(again)


# --- 13. integer ids in URLs beyond what the database holds ----------------------------------------------------


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_huge_ids_in_hr_urls_are_404(client: FlaskClient, make_user: Any, huge: str) -> None:
    make_user("rh@example.fr", role=Role.HR)
    login(client, "rh@example.fr")
    token = hidden_fields(text_of(client.get("/rh")))["csrf_token"]
    for url in (f"/rh/campagnes/{huge}", f"/rh/campagnes/{huge}/entonnoir", f"/rh/campagnes/{huge}/entonnoir.csv"):
        assert client.get(url).status_code == 404, url
    for url in (f"/rh/campagnes/{huge}/import", f"/rh/campagnes/1/invitations/{huge}/renvoyer"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_huge_ids_in_member_urls_are_404(client: FlaskClient, make_user: Any, huge: str) -> None:
    make_user("membre@example.fr")
    login(client, "membre@example.fr")
    reauth_with_password(client)
    assert client.get(f"/mon-contrat/beneficiaires/version-{huge}.pdf").status_code == 404
    assert client.get(f"/boite-de-reception/{huge}").status_code == 404


# --- 14. only declared fields are stored ---------------------------------------------------------------------


def test_undeclared_and_oversized_fields_are_not_stored(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user("gros@example.fr")
    login(client, "gros@example.fr")
    base = start_from_home(client)
    huge = "x" * 1_500_000
    submit(client, f"{base}/regime", {"regime": huge[:200_000], "not_a_field": huge}, action="save")
    with app.app_context():
        journey = db_session().scalar(select(Journey).where(Journey.public_id == base.rsplit("/", 1)[-1]))
        assert journey is not None
        answer = journey.answer_for("regime")
        assert answer is not None
        assert "not_a_field" not in answer.raw
        assert all(len(value) <= 1000 for values in answer.raw.values() for value in values)


# --- 15. whitespace-only and invisible names -----------------------------------------------------------------


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("blank", [" ", "\t", "\u200b", " \u200b\u200d\ufeff ", "\u00a0"])
def test_blank_or_invisible_names_are_refused_with_the_fields_message(blank: str) -> None:
    form = _beneficiaries(last_name=blank, first_names=blank, birth_place=blank)
    assert not form.validate()
    errors = form.beneficiaries.entries[0].form.errors
    assert errors["last_name"] == ["Indiquez le nom du bénéficiaire."]
    assert errors["first_names"] == ["Indiquez le(s) prénom(s) du bénéficiaire."]
    assert errors["birth_place"] == ["Indiquez le lieu de naissance du bénéficiaire."]
    choice = ChoiceForm(MultiDict({"mode": "particular", "beneficiary_count": "1", "birth_date": "1980-01-01",
                                   "place": blank}), context=_context())  # fmt: skip
    assert not choice.validate() and choice.place.errors


@pytest.mark.usefixtures("request_context")
def test_names_are_stored_without_surrounding_or_invisible_characters() -> None:
    form = _beneficiaries(last_name="  Du\u200brand\t", share="100")
    assert form.validate(), form.errors
    assert form.beneficiaries.entries[0].form.last_name.data == "Durand"


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("blank", [" ", "\t", "\u200b"])
def test_the_members_own_names_refuse_blanks_too(blank: str) -> None:
    from forms.subscription import PersonalForm  # noqa: PLC0415

    form = PersonalForm(MultiDict({"first_name": blank, "usage_name": blank}), context=_context())
    assert not form.validate()
    assert form.first_name.errors == ["Indiquez votre prénom."]
    assert form.usage_name.errors and all("100 caractères" not in e for e in form.usage_name.errors)
