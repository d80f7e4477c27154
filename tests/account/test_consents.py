"""« Gérer mes données personnelles »: purpose × channel, off unless given, history with the wording shown."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, text_of
from wizard.db import db_session
from wizard.models import ConsentRecord, User

URL = "/mon-compte/donnees-personnelles"


def _records(app: Flask, user: User) -> list[tuple[str, str, bool, str, str]]:
    with app.app_context():
        query = select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
        return [(r.purpose, r.channel, r.given, r.source, r.text_shown) for r in db_session().scalars(query)]


def _page_fields(client: FlaskClient) -> dict[str, str]:
    return hidden_fields(text_of(client.get(URL)))


def test_every_purpose_and_channel_is_off_until_given(client: FlaskClient, member: User) -> None:
    body = text_of(client.get(URL))
    for label in (
        "Informations sur les services déjà inclus dans mes contrats", "Offres et services en lien avec mes contrats",
        "Autres offres et services", "Communications par nos partenaires à but non lucratif",
        "Promotions d'offres et services partenaires", "Enquêtes de satisfaction",
        "Enquêtes et études à des fins de recherche en santé publique", "Autres enquêtes et études",
    ):  # fmt: skip
        assert label in body
    for channel in ("Mail", "SMS", "Courrier", "Téléphone"):
        assert f">{channel}<" in body
    assert "checked" not in body
    assert "Vous n'avez encore donné aucun consentement." in body


def test_giving_and_withdrawing_are_recorded_with_the_text_shown(client: FlaskClient, app: Flask, member: User) -> None:
    fields = _page_fields(client)
    response = client.post(URL, data={**fields, "contract_offers__sms": "1", "satisfaction__all": "1"})
    assert response.status_code == 302
    records = _records(app, member)
    assert [(p, c, g, s) for p, c, g, s, _ in records] == [
        ("contract_offers", "sms", True, "mon_compte"), ("satisfaction", "all", True, "mon_compte"),
    ]  # fmt: skip
    assert "Mode de réception : SMS" in records[0][4]
    assert "Offres et services en lien avec mes contrats" in records[0][4]
    page = text_of(client.get(URL))
    assert page.count("checked") == 2
    assert "Accepté" in page
    # withdrawing is the same gesture: untick and save
    fields = _page_fields(client)
    client.post(URL, data={**fields, "satisfaction__all": "1"})
    assert _records(app, member)[-1][:3] == ("contract_offers", "sms", False)
    assert len(_records(app, member)) == 3


def test_a_stale_tab_or_double_click_records_only_what_was_changed_there(
    client: FlaskClient, app: Flask, member: User
) -> None:
    old_tab = _page_fields(client)
    client.post(URL, data={**_page_fields(client), "public_health__all": "1"})
    # the old tab showed public_health off and leaves it off: that is no change from that tab
    client.post(URL, data={**old_tab, "other_surveys__all": "1"})
    client.post(URL, data={**old_tab, "other_surveys__all": "1"})  # double click
    given = {(p, c) for p, c, g, _, _ in _records(app, member) if g}
    assert given == {("public_health", "all"), ("other_surveys", "all")}
    assert len(_records(app, member)) == 2


def test_consents_of_one_member_never_show_to_another(client: FlaskClient, app: Flask, member: User, make_user) -> None:  # type: ignore[no-untyped-def]
    client.post(URL, data={**_page_fields(client), "partner_offers__all": "1"})
    other = make_user("autre@example.fr")
    assert _records(app, other) == []
