"""The campaign funnel: exact counts and lost shares on a seeded campaign, CSV export, date filter."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import text_of
from wizard.db import db_session
from wizard.models import Campaign, Invitation, Journey, JourneyEvent, JourneyStatus, User

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
#: where each invited agent stands: (invited on, link opened, account, affiliation states reached, completed)
AGENTS: list[tuple[datetime, bool, bool, list[str], bool]] = [
    (MARCH, False, False, [], False),
    (MARCH, False, False, [], False),
    (MARCH, True, False, [], False),
    (MARCH, True, False, [], False),
    (MARCH, True, True, [], False),
    (APRIL, True, True, ["regime"], False),
    (APRIL, True, True, ["regime", "household", "no_cover", "household", "no_cover"], False),
    (APRIL, True, True, ["regime", "household", "children", "formula"], False),
    (APRIL, True, True, ["regime", "household", "children", "formula", "review", "done"], True),
    (APRIL, True, True, ["regime", "household", "formula", "review", "done"], True),
]


def seed(app: Flask) -> int:
    """A campaign of ten invited agents at known steps, plus rows that must never be counted."""
    with app.app_context():
        session = db_session()
        campaign = Campaign(name="Campagne entonnoir", employer="Rectorat", contract_name="Santé",
                            effective_date=datetime(2026, 5, 1).date(), deadline=datetime(2026, 6, 30).date(),
                            offer_version="2026.1")  # fmt: skip
        session.add(campaign)
        for index, (invited_on, opened, account, states, completed) in enumerate(AGENTS):
            user = User(email=f"agent{index}@example.fr", activated=True) if account else None
            session.add(Invitation(
                campaign=campaign, email=f"agent{index}@example.fr", last_name="Agent", first_name=str(index),
                birth_date=datetime(1980, 1, 1).date(), regime="general", user=user, created_at=invited_on,
                opened_at=invited_on if opened else None, account_created_at=invited_on if account else None,
            ))  # fmt: skip
            if user is not None and states:
                _journey(session, campaign, user, "affiliation", states, completed=completed)
        last = session.query(User).filter_by(email="agent9@example.fr").one()
        _journey(session, campaign, last, "subscription", ["personal", "confirmation"], completed=True)
        _journey(session, campaign, last, "dispense", ["reason"], completed=True)
        # an HR preview on the campaign, owned by an invited agent's account: it must never count
        preview = _journey(session, campaign, last, "affiliation", ["regime", "household", "children"], completed=False)
        preview.is_preview = True
        session.commit()
        return campaign.id


def _journey(
    session: Any, campaign: Campaign, owner: User, flow_id: str, states: list[str], *, completed: bool
) -> Journey:
    journey = Journey(owner=owner, campaign=campaign, flow_id=flow_id, flow_version=1, state=states[-1],
                      path=list(dict.fromkeys(states)), context={},
                      status=JourneyStatus.COMPLETED if completed else JourneyStatus.IN_PROGRESS)  # fmt: skip
    session.add(journey)
    previous = None
    for state in states:
        session.add(JourneyEvent(journey=journey, trigger="next", from_state=previous, to_state=state))
        previous = state
    return journey


def rows(client: FlaskClient, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert table[0] == ["Étape", "Personnes", "Part des invités", "Perdues depuis l'étape précédente", "Part perdue"]
    return {row[0]: row[1:] for row in table[1:]}


def test_funnel_counts_people_per_step_and_the_share_lost(app: Flask, hr_client: FlaskClient) -> None:
    campaign_id = seed(app)
    by_label = rows(hr_client, f"/rh/campagnes/{campaign_id}/entonnoir.csv")
    assert by_label["Agents invités"] == ["10", "100,0\u202f%", "", ""]
    assert by_label["Lien de l'invitation ouvert"] == ["8", "80,0\u202f%", "2", "20,0\u202f%"]
    assert by_label["Compte créé ou activé"] == ["6", "60,0\u202f%", "2", "25,0\u202f%"]
    affiliation = "Mon parcours d'affiliation — "
    assert by_label[affiliation + "Mon régime de Sécurité sociale"] == ["5", "50,0\u202f%", "1", "16,7\u202f%"]
    assert by_label[affiliation + "Les personnes à couvrir"] == ["4", "40,0\u202f%", "1", "20,0\u202f%"]
    # conditional pages concern some agents only: shown, never counted as a loss
    assert by_label[affiliation + "Je confirme couvrir uniquement moi-même"] == ["1", "10,0\u202f%", "", ""]
    assert by_label[affiliation + "Mes enfants"] == ["2", "20,0\u202f%", "", ""]
    assert by_label[affiliation + "Ma formule santé"] == ["3", "30,0\u202f%", "1", "25,0\u202f%"]
    assert by_label[affiliation + "Je vérifie mes réponses"] == ["2", "20,0\u202f%", "1", "33,3\u202f%"]
    assert by_label[affiliation + "Affiliation validée"] == ["2", "20,0\u202f%", "0", "0,0\u202f%"]
    assert by_label["Adhésion signée"][:2] == ["1", "10,0\u202f%"]
    assert by_label["Dispense enregistrée"] == ["1", "10,0\u202f%", "", ""]


def test_funnel_page_shows_the_same_numbers(app: Flask, hr_client: FlaskClient) -> None:
    campaign_id = seed(app)
    page = text_of(hr_client.get(f"/rh/campagnes/{campaign_id}/entonnoir"))
    assert "Entonnoir de la campagne « Campagne entonnoir »" in page
    assert re.search(r"Lien de l'invitation ouvert</th>\s*<td>8</td>\s*<td>80,0\u202f%</td>", page)
    assert "20,0\u202f%" in page and "Les aperçus RH ne sont jamais comptés." in page
    assert "Télécharger au format CSV" in page


def test_funnel_date_filter_is_on_invitation_date(app: Flask, hr_client: FlaskClient) -> None:
    campaign_id = seed(app)
    april = rows(hr_client, f"/rh/campagnes/{campaign_id}/entonnoir.csv?du=2026-04-01&au=2026-04-30")
    assert april["Agents invités"] == ["5", "100,0\u202f%", "", ""]
    assert april["Compte créé ou activé"] == ["5", "100,0\u202f%", "0", "0,0\u202f%"]
    assert april["Mon parcours d'affiliation — Mon régime de Sécurité sociale"][:3] == ["5", "100,0\u202f%", "0"]
    march = rows(hr_client, f"/rh/campagnes/{campaign_id}/entonnoir.csv?au=2026-03-10")
    assert march["Agents invités"][0] == "5"
    assert march["Mon parcours d'affiliation — Mon régime de Sécurité sociale"][:3] == ["0", "0,0\u202f%", "1"]
    page = text_of(hr_client.get(f"/rh/campagnes/{campaign_id}/entonnoir?du=2026-04-01&au=2026-04-30"))
    assert "Agents invités à partir du 1er avril 2026 jusqu'au 30 avril 2026 inclus." in page


def test_funnel_refuses_bad_dates_in_french(app: Flask, hr_client: FlaskClient) -> None:
    campaign_id = seed(app)
    page = text_of(hr_client.get(f"/rh/campagnes/{campaign_id}/entonnoir?du=2026-05-01&au=2026-04-01"))
    assert "La date de fin doit être postérieure à la date de début." in page
    assert "Il y a 1 erreur à corriger" in page
    page = text_of(hr_client.get(f"/rh/campagnes/{campaign_id}/entonnoir?du=pas-une-date"))
    assert "Indiquez une date valide au format jj/mm/aaaa." in page
    assert hr_client.get("/rh/campagnes/999/entonnoir").status_code == 404
