"""The whole affiliation through the test client with CSRF on, reading what a member sees."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import FAMILY_HOUSEHOLD, hidden_fields, login, start_from_home, submit, text_of


def _start(client: FlaskClient) -> str:
    assert "Je découvre et je m'affilie" in text_of(client.get("/demarches/affiliation"))
    base = start_from_home(client)
    assert str(client.get(base).headers["Location"]).endswith("/regime")
    return base


def _text(response: Any) -> str:
    return text_of(response)


def test_affiliation_family_of_four_end_to_end(client: FlaskClient, make_user: Any) -> None:
    make_user("camille@example.fr")
    login(client, "camille@example.fr")
    base = _start(client)

    page = client.get(f"{base}/regime")
    assert "Quel est votre régime d'affiliation ?" in _text(page)
    response = submit(client, f"{base}/regime", {"regime": "general"})
    assert response.headers["Location"].endswith("/household")

    response = submit(client, f"{base}/household", FAMILY_HOUSEHOLD)
    assert response.headers["Location"].endswith("/children")

    page = client.get(f"{base}/children")
    assert "Vous avez indiqué 2 enfant(s) à couvrir" in _text(page)
    response = submit(client, f"{base}/children", {
        "children-0-birth_date": "2015-09-01", "children-0-situation": "none",
        "children-1-birth_date": "2004-01-15", "children-1-situation": "student",
    })  # fmt: skip
    assert response.headers["Location"].endswith("/formula")

    page = _text(client.get(f"{base}/formula"))
    assert "Montant prélevé directement sur votre compte bancaire" in page
    assert "Conjoint(e)" in page and "Enfant 2" in page
    assert "22,00 €" in page  # base: partner 10 + 2 children × 6
    assert "46,00 €" in page  # option 1: 12 + 14 + 2 × 10
    assert "71,00 €" in page  # option 2: 16 + 23 + 2 × 16
    assert "Recommandée" in page
    response = submit(client, f"{base}/formula", {"level": "option1"})
    assert response.headers["Location"].endswith("/review")

    review = _text(client.get(f"{base}/review"))
    for expected in ("Régime social général", "Partenaire de PACS", "2 juin 1987", "1er septembre 2015",
                     "Étudiant(e)", "Base + Option 1 — 46,00 € par mois", "Je valide mon affiliation"):  # fmt: skip
        assert expected in review, expected
    assert review.count(">Modifier<") >= 4

    response = submit(client, f"{base}/review", {})
    assert response.headers["Location"].endswith("/done")
    assert "Affiliation validée" in _text(client.get(f"{base}/done"))

    dashboard = _text(client.get("/mes-demarches"))
    assert "Affiliation enregistrée" in dashboard
    assert "Base + Option 1" in dashboard and "46,00 € par mois" in dashboard


def test_affiliation_nobody_covered_needs_confirmation(client: FlaskClient, make_user: Any) -> None:
    make_user("solo@example.fr")
    login(client, "solo@example.fr")
    base = _start(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    response = submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "no"})
    assert response.headers["Location"].endswith("/no_cover")
    page = submit(client, f"{base}/no_cover", {})
    assert page.status_code == 422
    assert "Cochez la case pour confirmer" in _text(page)
    response = submit(client, f"{base}/no_cover", {"confirm": "y"})
    assert response.headers["Location"].endswith("/formula")
    assert "0,00 €" in _text(client.get(f"{base}/formula"))


def test_affiliation_rejects_ineligible_regime_and_partner(client: FlaskClient, make_user: Any) -> None:
    make_user("cps@example.fr")
    login(client, "cps@example.fr")
    base = _start(client)
    page = submit(client, f"{base}/regime", {"regime": "cps"})
    assert page.status_code == 422
    text = _text(page)
    assert "Seuls les agents relevant de la législation française de Sécurité sociale" in text
    assert 'class="error-summary"' in text and 'href="#regime"' in text
    submit(client, f"{base}/regime", {"regime": "general"})
    page = submit(client, f"{base}/household", {
        "cover_partner": "yes", "partner_link": "spouse", "partner_regime": "cps",
        "partner_is_state_agent": "yes", "partner_birth_date": "3000-01-01", "cover_children": "no",
    })  # fmt: skip
    text = _text(page)
    assert page.status_code == 422
    assert "ne relève pas de la Sécurité sociale française" in text
    assert "couvert(e) par le contrat de son propre" in text
    assert "ne peut pas être dans le futur" in text


def test_affiliation_children_age_rules_and_count(client: FlaskClient, make_user: Any) -> None:
    make_user("kids@example.fr")
    login(client, "kids@example.fr")
    base = _start(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", {"cover_partner": "no", "cover_children": "yes", "children_count": "3"})
    page = submit(client, f"{base}/children", {
        "children-0-birth_date": "2003-02-01", "children-0-situation": "none",  # 23 on 1 May 2026
        "children-1-birth_date": "1990-01-01", "children-1-situation": "student",  # 36: only if disabled
        "children-2-birth_date": "pas une date", "children-2-situation": "none",
    })  # fmt: skip
    text = _text(page)
    assert page.status_code == 422
    assert "Cet enfant aura 23 ans le 1er mai 2026" in text
    assert "Cet enfant aura 36 ans" in text
    assert "Indiquez une date valide au format jj/mm/aaaa." in text
    page = submit(client, f"{base}/children", {
        "children-0-birth_date": "2003-02-01", "children-0-situation": "apprentice",
        "children-1-birth_date": "1990-01-01", "children-1-situation": "disabled",
        "children-2-birth_date": "2020-01-01", "children-2-situation": "none",
        "children-3-birth_date": "2021-01-01", "children-3-situation": "none",
    })  # fmt: skip
    assert page.status_code == 422
    assert "renseignez exactement 3 date(s) de naissance" in _text(page)


def test_tampered_choice_gets_french_error_not_500(client: FlaskClient, make_user: Any) -> None:
    make_user("tamper@example.fr")
    login(client, "tamper@example.fr")
    base = _start(client)
    page = submit(client, f"{base}/regime", {"regime": "<script>"})
    assert page.status_code == 422
    assert "N'est pas un choix valide." in _text(page)


def test_missing_csrf_is_a_clear_400(client: FlaskClient, make_user: Any) -> None:
    make_user("csrf@example.fr")
    login(client, "csrf@example.fr")
    base = _start(client)
    fields = hidden_fields(_text(client.get(f"{base}/regime")))
    fields.pop("csrf_token")
    response = client.post(f"{base}/regime", data={**fields, "regime": "general", "action": "next"})
    assert response.status_code == 400
    assert "Votre session a expiré ou ce formulaire n'est plus valide" in _text(response)

