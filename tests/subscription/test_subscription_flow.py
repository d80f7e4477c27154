"""The subscription pages through the test client with CSRF on, reading what the member sees."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.conftest import hidden_fields, login, submit, text_of
from tests.subscription.conftest import (
    BANK,
    CHILDREN,
    CONTACTS,
    FAMILY,
    PARTNER,
    PERSONAL,
    SOCIAL,
    SOLO,
    send_proofs_later,
)
from wizard.db import db_engine, db_session
from wizard.models import Journey

NIR_PLAIN = ("295109912611193", "2 95 10 99 126 111 93", "253072B07300470", "253072A07300443")
IBAN_PLAIN = ("FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189", "1234567890")


def _start(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str], household: Mapping[str, Any]
) -> str:
    user = make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    public_id = open_subscription(user, household)
    login(client, "helene@example.fr")
    return f"/j/{public_id}"


def _next(client: FlaskClient, url: str, data: Mapping[str, Any]) -> str:
    response = submit(client, url, dict(data))
    assert response.status_code == 302, text_of(response)
    return str(response.headers["Location"])


def submit_raw(client: FlaskClient, page_url: str, post_url: str, data: Mapping[str, Any]) -> Any:
    """POST to ``post_url`` with the hidden fields of ``page_url`` (an old tab, a crafted request)."""
    fields = hidden_fields(text_of(client.get(page_url)))
    return client.post(post_url, data={**fields, **data, "action": "next"})


def _walk_family_to_review(client: FlaskClient, base: str) -> None:
    assert _next(client, f"{base}/personal", PERSONAL).endswith("/social_security")
    assert _next(client, f"{base}/social_security", SOCIAL).endswith("/partner")
    assert _next(client, f"{base}/partner", PARTNER).endswith("/children")
    assert _next(client, f"{base}/children", CHILDREN).endswith("/contacts")
    assert _next(client, f"{base}/contacts", CONTACTS).endswith("/bank")
    assert _next(client, f"{base}/bank", BANK).endswith("/proofs")
    assert send_proofs_later(client, base).headers["Location"].endswith("/review")


def test_personal_page_is_prefilled_from_hr_data(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    page = text_of(client.get(f"{base}/personal"))
    for expected in ("Adhérer au contrat", "Infos personnelles", "Infos foyer", "Moyens de contacts",
                     "Coordonnées bancaires", "Signature électronique", "Quel est votre nom de naissance ?",
                     'value="Dupré"', 'value="Hélène"', 'value="1995-10-03"', 'value="France"'):  # fmt: skip
        assert expected in page, expected


def test_solo_member_skips_the_household_pages(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, SOLO)
    assert _next(client, f"{base}/personal", PERSONAL).endswith("/social_security")
    page = text_of(client.get(f"{base}/social_security"))
    assert "Régime social général (Sécurité sociale française)" in page
    assert "J'accepte l'utilisation de la télétransmission de mes données pour un remboursement immédiat" in page
    assert "91 919 0000" in page
    assert "Infos foyer" not in page
    assert _next(client, f"{base}/social_security", SOCIAL).endswith("/contacts")
    assert client.get(f"{base}/partner").headers["Location"].endswith("/contacts")


def test_family_pages_are_prefilled_from_the_affiliation(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    _next(client, f"{base}/personal", PERSONAL)
    _next(client, f"{base}/social_security", SOCIAL)
    partner = text_of(client.get(f"{base}/partner"))
    assert "Je renseigne les informations de mon(ma) bénéficiaire conjoint(e)" in partner
    assert 'value="1987-06-02"' in partner
    _next(client, f"{base}/partner", PARTNER)
    children = text_of(client.get(f"{base}/children"))
    assert 'value="2015-09-01"' in children and 'value="2019-09-09"' in children
    assert "Rattaché(e) au n° de l'assuré (le vôtre)" in children
    missing_nir = {**CHILDREN, "children-1-nir": ""}
    response = submit(client, f"{base}/children", missing_nir)
    assert response.status_code == 422
    assert "Indiquez le n° de Sécurité sociale de l'enfant." in text_of(response)


def test_contacts_page_warns_and_stores_the_consent_text(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, SOLO)
    _next(client, f"{base}/personal", PERSONAL)
    _next(client, f"{base}/social_security", SOCIAL)
    page = text_of(client.get(f"{base}/contacts"))
    assert "Ne pas modifier les coordonnées préremplies, même s'il ne s'agit pas de votre adresse personnelle" in page
    assert "8 place de la République, 98714 Papeete" in page and 'value="+689 40 12 34 56"' in page
    assert "J'accepte d'être contacté(e) par Mutuelle Horizon Publique ou ses partenaires" in page
    assert 'name="partner_offers" type="checkbox" value="y">' in page  # unticked
    _next(client, f"{base}/contacts", {**CONTACTS, "partner_offers": "y"})
    stored = _answers(app, base)["contacts"]["partner_offers"]
    assert stored["accepted"] is True
    assert stored["text"].endswith("concernant les offres et services partenaires")
    assert "politique de confidentialité" in stored["text"]
    assert stored["answered_at"].tzinfo is not None


def _answers(app: Flask, base: str) -> dict[str, Any]:
    from wizard.db import db_session  # noqa: PLC0415
    from wizard.journeys import steps  # noqa: PLC0415
    from wizard.models import Journey  # noqa: PLC0415

    with app.app_context():
        journey = db_session().query(Journey).filter_by(public_id=base.rsplit("/", 1)[1]).one()
        return {k: dict(v) for k, v in steps.all_answers(journey).items()}


def test_nir_consistency_is_a_notice_not_an_error(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, SOLO)
    _next(client, f"{base}/personal", {**PERSONAL, "civilite": "M"})
    assert _next(client, f"{base}/social_security", SOCIAL).endswith("/contacts")
    page = text_of(client.get(f"{base}/social_security"))
    assert "ne correspond pas à la civilité indiquée : vérifiez votre saisie." in page
    assert _answers(app, base)["social_security"]["code_organisme"] == "919190000"


def test_invalid_identifiers_are_refused_with_french_messages(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, SOLO)
    _next(client, f"{base}/personal", PERSONAL)
    response = submit(client, f"{base}/social_security", {"nir": "295109912611199", "code_organisme": "01 751 000"})
    page = text_of(response)
    assert response.status_code == 422
    assert "La clé de contrôle du numéro de sécurité sociale est incorrecte." in page
    assert "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres." in page
    assert 'href="#nir"' in page  # linked from the error summary
    _next(client, f"{base}/social_security", SOCIAL)
    _next(client, f"{base}/contacts", CONTACTS)
    response = submit(client, f"{base}/bank", {**BANK, "iban": "FR14 2004 1010 0505 0001 3M02 607"})
    assert response.status_code == 422
    assert "La clé de contrôle de l'IBAN est incorrecte." in text_of(response)


def test_review_masks_nir_and_iban_and_answers_are_encrypted_at_rest(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    _walk_family_to_review(client, base)
    review = text_of(client.get(f"{base}/review"))
    for expected in ("2 95 ** ** *** *** 93", "2 53 ** ** *** *** 70", "2 53 ** ** *** *** 43",
                     "FR76 **** **** **** **** 7890 189",
                     "Rattaché(e) au n° de l'assuré (le vôtre)", "Je passe à la signature"):  # fmt: skip
        assert expected in review, expected
    for secret in NIR_PLAIN + IBAN_PLAIN:
        assert secret not in review, secret
    with db_engine(app).connect() as conn:
        rows = conn.execute(text("SELECT answers, context FROM journeys")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    assert rows and all(answers for answers, _context in rows) and "Dupré" not in stored
    for secret in NIR_PLAIN + IBAN_PLAIN:
        assert secret not in stored, secret


def test_saved_iban_and_nir_never_come_back_in_full_and_are_kept_when_left_empty(
    app: Flask, client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    _walk_family_to_review(client, base)
    for step, plain in (("bank", IBAN_PLAIN), ("social_security", NIR_PLAIN[:2])):
        page = text_of(client.get(f"{base}/{step}"))
        assert not any(value in page for value in plain), step
        assert "Laissez ce champ vide pour la conserver" in page
    assert "FR76 **** " in text_of(client.get(f"{base}/bank"))
    assert _next(client, f"{base}/bank", {**BANK, "iban": ""}).endswith("/proofs")  # the next page
    assert _next(client, f"{base}/social_security", {**SOCIAL, "nir": ""}).endswith("/partner")
    with app.app_context():
        journey = db_session().scalars(select(Journey)).one()
        answers = {a.step_id: a.data for a in journey.answers}
    assert answers["bank"]["iban"] == "FR7630006000011234567890189"
    assert answers["social_security"]["nir"] == "295109912611193"


def test_later_pages_are_walked_again_after_an_earlier_change(
    client: FlaskClient, make_user: Any, open_subscription: Callable[..., str]
) -> None:
    base = _start(client, make_user, open_subscription, FAMILY)
    _walk_family_to_review(client, base)
    assert _next(client, f"{base}/social_security", SOCIAL).endswith("/partner")
    assert client.get(f"{base}/bank").headers["Location"].endswith("/partner")
    response = submit_raw(client, f"{base}/partner", f"{base}/bank", {**BANK, "_step": "bank"})
    assert response.headers["Location"].endswith("/partner")
    assert "Cette page n'était plus à jour" in text_of(client.get(response.headers["Location"]))
