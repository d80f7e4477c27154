"""« Mes informations personnelles »: address, contact email, phones, login email; change log and emails."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.account.conftest import outbox, post_form
from tests.conftest import PASSWORD, hidden_fields, login, text_of
from wizard.db import db_session
from wizard.models import AccountChange, MemberProfile, User

ADDRESS = {"address_line1": "3 rue des Écoles", "address_line2": "", "postal_code": "69003", "commune": "Lyon"}


def _profile(app: Flask, user: User) -> MemberProfile:
    with app.app_context():
        profile = db_session().get(MemberProfile, user.id)
        assert profile is not None
        db_session().expunge(profile)
        return profile


def _changes(app: Flask, user: User) -> list[str]:
    with app.app_context():
        query = select(AccountChange.what).where(AccountChange.user_id == user.id).order_by(AccountChange.id)
        return list(db_session().scalars(query))


def test_home_shows_masked_details_and_every_modify_link(client: FlaskClient, member: User) -> None:
    body = text_of(client.get("/mon-compte/"))
    assert "Mes informations personnelles" in body
    assert "cam***@example.fr" in body
    for url in ("/mon-compte/adresse", "/mon-compte/email-de-contact", "/mon-compte/telephones",
                "/mon-compte/email-de-connexion", 'href="/mon-compte/mot-de-passe"', "/mon-compte/donnees-personnelles",
                "/mon-compte/zero-papier", "/mon-compte/mes-donnees", "/mon-compte/supprimer"):  # fmt: skip
        assert url in body


def test_address_change_is_saved_logged_and_confirmed_by_email(client: FlaskClient, app: Flask, member: User) -> None:
    response = post_form(client, "/mon-compte/adresse", ADDRESS)
    assert response.status_code == 302
    assert _profile(app, member).postal_code == "69003"
    assert _changes(app, member) == ["postal_address"]
    (mail,) = outbox(app)
    assert mail.subject == "Modification de vos informations personnelles"
    assert "votre adresse postale" in mail.text_body
    assert "3 rue des Écoles" in text_of(client.get("/mon-compte/"))


def test_bad_address_is_explained_next_to_the_field_and_in_the_summary(client: FlaskClient, member: User) -> None:
    for postal_code, commune, message in (
        ("7502", "Paris", "Le code postal comporte 5 chiffres"),
        ("96100", "Nulle part", "Ce code postal n'existe pas"),
        ("75020", "Lyon", "est celui de Paris"),
        ("75020", "1234", "Indiquez le nom de la commune en lettres"),
    ):
        response = post_form(client, "/mon-compte/adresse", {**ADDRESS, "postal_code": postal_code, "commune": commune})
        assert response.status_code == 422
        body = text_of(response)
        assert body.count(message) == 2, (postal_code, commune)  # beside the field and in the summary
        assert f'value="{commune}"' in body  # nothing typed is lost


def test_stale_tab_keeps_the_typed_values_and_double_click_is_harmless(
    client: FlaskClient, app: Flask, member: User
) -> None:
    old_tab = hidden_fields(text_of(client.get("/mon-compte/adresse")))
    assert post_form(client, "/mon-compte/adresse", ADDRESS).status_code == 302
    # the same submission again (double click from the old page): nothing changes, no error
    assert client.post("/mon-compte/adresse", data={**old_tab, **ADDRESS}).status_code == 302
    other = {**ADDRESS, "address_line1": "8 avenue Foch"}
    stale = client.post("/mon-compte/adresse", data={**old_tab, **other})
    assert stale.status_code == 409
    assert "modifiées entre-temps" in text_of(stale)
    assert 'value="8 avenue Foch"' in text_of(stale)
    assert _profile(app, member).address_line1 == "3 rue des Écoles"
    assert client.post("/mon-compte/adresse", data={**hidden_fields(text_of(stale)), **other}).status_code == 302
    assert _profile(app, member).address_line1 == "8 avenue Foch"
    assert _changes(app, member) == ["postal_address", "postal_address"]


def test_phones_are_validated_with_libphonenumber_and_masked(client: FlaskClient, app: Flask, member: User) -> None:
    wrong = post_form(client, "/mon-compte/telephones", {"mobile_phone": "01 42 68 53 00", "landline_phone": "12"})
    assert wrong.status_code == 422
    assert "n'est pas un numéro de mobile" in text_of(wrong)
    assert "Ce numéro de téléphone n'existe pas" in text_of(wrong)
    ok = post_form(
        client, "/mon-compte/telephones", {"mobile_phone": "06 12 34 56 56", "landline_phone": "03 83 12 34 31"}
    )
    assert ok.status_code == 302
    profile = _profile(app, member)
    assert (profile.mobile_phone, profile.landline_phone) == ("+33612345656", "+33383123431")
    body = text_of(client.get("/mon-compte/"))
    assert "Téléphone mobile : 06 ** ** ** 56" in body
    assert "Téléphone fixe : 03 ** ** ** 31" in body
    assert "06 12 34 56 56" not in body


def _link(text: str) -> str:
    match = re.search(r"http://[^\s]+/confirmer/[^\s]+", text)
    assert match, text
    return match.group(0).replace("http://127.0.0.1:5000", "")


def test_contact_email_changes_only_once_the_new_address_confirms(
    client: FlaskClient, app: Flask, member: User
) -> None:
    assert post_form(client, "/mon-compte/email-de-contact", {"email": "camille@perso.example"}).status_code == 302
    assert _profile(app, member).contact_email == "camille.martin@example.fr"
    (link_mail,) = outbox(app)
    assert link_mail.to_address == "camille@perso.example"
    link = _link(link_mail.text_body)
    page = client.get(link)
    assert page.status_code == 200
    assert "camille@perso.example" in text_of(page)
    assert _profile(app, member).contact_email == "camille@perso.example"
    assert _changes(app, member) == ["contact_email"]
    confirmations = [m for m in outbox(app) if m.kind == "personal_details_changed"]
    assert {m.to_address for m in confirmations} == {"camille@perso.example", "camille.martin@example.fr"}
    assert client.get(link).status_code == 200  # following it again changes nothing
    assert _changes(app, member) == ["contact_email"]


def test_expired_or_tampered_link_says_what_to_do(client: FlaskClient, app: Flask, member: User) -> None:
    page = client.get("/mon-compte/email-de-contact/confirmer/garbage")
    assert page.status_code == 400
    assert "refaites la demande depuis « Mon compte »" in text_of(page)


def test_login_email_change_needs_password_and_a_confirmed_new_address(
    client: FlaskClient, app: Flask, member: User
) -> None:
    data = {"current_email": member.email, "new_email": "c.martin@nouveau.example", "password": "wrong"}
    refused = post_form(client, "/mon-compte/email-de-connexion", data)
    assert refused.status_code == 422
    assert "mot de passe incorrect" in text_of(refused)
    assert post_form(client, "/mon-compte/email-de-connexion", {**data, "password": PASSWORD}).status_code == 302
    (link_mail,) = outbox(app)
    assert link_mail.to_address == "c.martin@nouveau.example"
    assert client.get(_link(link_mail.text_body)).status_code == 200
    assert _changes(app, member) == ["login_email"]
    client.post("/deconnexion", data=hidden_fields(text_of(client.get("/mon-compte/"))))
    assert login(client, "c.martin@nouveau.example").status_code == 302


def test_login_email_already_taken_reveals_nothing(
    client: FlaskClient, app: Flask, member: User, make_user: Any
) -> None:
    make_user("autre@example.fr")
    data = {"current_email": member.email, "new_email": "autre@example.fr", "password": PASSWORD}
    assert post_form(client, "/mon-compte/email-de-connexion", data).status_code == 302
    (notice,) = outbox(app)
    assert notice.kind == "login_email_taken"
    assert "/confirmer/" not in notice.text_body


def test_paperless_option_shows_the_notification_address(client: FlaskClient, app: Flask, member: User) -> None:
    page = text_of(client.get("/mon-compte/zero-papier"))
    assert "vous serez informé(e) par e-mail sur : cam***@example.fr" in page.replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert post_form(client, "/mon-compte/zero-papier", {"mode": "post"}).status_code == 302
    assert _profile(app, member).paperless is False
    assert _changes(app, member) == ["paperless"]
    assert post_form(client, "/mon-compte/zero-papier", {"mode": "fax"}).status_code == 422


def test_hr_and_anonymous_visitors_have_no_mon_compte(client: FlaskClient, make_user: Any) -> None:
    assert client.get("/mon-compte/").status_code == 302
    from wizard.models import Role  # noqa: PLC0415

    hr = make_user("rh@example.fr", role=Role.HR)
    login(client, hr.email)
    assert client.get("/mon-compte/").status_code == 404


def test_details_start_from_the_invitation(client: FlaskClient, app: Flask, make_user: Any) -> None:
    from datetime import date  # noqa: PLC0415

    from wizard.models import Campaign, Invitation  # noqa: PLC0415

    user = make_user("invite@example.fr")
    with app.app_context():
        session = db_session()
        campaign = Campaign(name="C", employer="E", contract_name="K", effective_date=date(2026, 5, 1),
                            deadline=date(2026, 6, 30), offer_version="1")  # fmt: skip
        session.add(campaign)
        session.flush()
        session.add(Invitation(
            campaign_id=campaign.id, email=user.email, last_name="M", first_name="C", birth_date=date(1980, 1, 1),
            regime="general", user_id=user.id, postal_address="5 allée des Pins, Bât. C\n33000 Bordeaux",
            phone="0556123456",
        ))  # fmt: skip
        session.commit()
    login(client, user.email)
    body = text_of(client.get("/mon-compte/"))
    assert "5 allée des Pins, Bât. C" in body and "33000 Bordeaux" in body
    assert "Téléphone fixe : 05 ** ** ** 56" in body and "Téléphone mobile : non renseigné" in body


def test_an_expired_confirmation_link_changes_nothing_and_says_what_to_do(
    client: FlaskClient, app: Flask, member: User, monkeypatch: Any
) -> None:
    import time  # noqa: PLC0415

    from itsdangerous import TimestampSigner  # noqa: PLC0415

    from wizard.account import service as member_account  # noqa: PLC0415

    two_days_ago = int(time.time()) - 2 * 24 * 3600
    with app.test_request_context():
        user = db_session().get(User, member.id)
        assert user is not None
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        token = member_account._change_token(
            member_account.CONTACT_EMAIL_SALT,
            user,
            member_account.profile_of(db_session(), user).contact_email,
            "tard@perso.example",
        )
        monkeypatch.undo()
        db_session().commit()
    page = client.get(f"/mon-compte/email-de-contact/confirmer/{token}")
    assert page.status_code == 400
    assert "a expiré (il reste actif 24 heures)" in text_of(page)
    assert _profile(app, member).contact_email == "camille.martin@example.fr"
