"""Affiliation validated → subscription opened, prefilled, walked up to the signing page (CSRF on)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from config.dates import contract_effective_date
from config.formats import long_date
from tests.conftest import FAMILY_HOUSEHOLD, login, start_from_home, submit, text_of
from tests.subscription.conftest import BANK, CHILDREN, CONTACTS, PARTNER, PERSONAL, PROOFS_LATER, SOCIAL, read_pdf
from wizard.subscription.service import paris_today


def _affiliate_family(client: FlaskClient) -> None:
    base = start_from_home(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", FAMILY_HOUSEHOLD)
    submit(client, f"{base}/children", {
        "children-0-birth_date": "2015-09-01", "children-0-situation": "none",
        "children-1-birth_date": "2019-09-09", "children-1-situation": "none",
    })  # fmt: skip
    formula = text_of(client.get(f"{base}/formula"))
    assert "Télécharger le tableau de garanties (PDF)" in formula
    assert "Télécharger la notice d'information (PDF)" in formula
    submit(client, f"{base}/formula", {"level": "option1"})
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/done")


def _subscription_base(client: FlaskClient) -> str:
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Adhérer au contrat" in dashboard and "Souscription à finaliser" in dashboard
    assert "Télécharger mon devis (PDF)" in dashboard
    marker = dashboard.index("Adhérer au contrat")
    link = dashboard[marker:].split('href="', 2)[1].split('"', 1)[0]
    step_url = str(client.get(link).headers["Location"])
    assert step_url.endswith("/personal")
    return step_url.rsplit("/", 1)[0]


def test_affiliation_opens_the_subscription_up_to_the_signing_page(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    login(client, "helene@example.fr")
    _affiliate_family(client)
    base = _subscription_base(client)
    assert client.post("/demarches/subscription").status_code in (400, 404)  # opened by the affiliation only

    for step, data, following in (
        ("personal", PERSONAL, "social_security"), ("social_security", SOCIAL, "partner"),
        ("partner", PARTNER, "children"), ("children", CHILDREN, "contacts"), ("contacts", CONTACTS, "bank"),
        ("bank", BANK, "proofs"), ("proofs", PROOFS_LATER, "review"), ("review", {}, "signature"),
    ):  # fmt: skip
        response = submit(client, f"{base}/{step}", data)
        assert response.headers["Location"].endswith(f"/{following}"), (step, text_of(response))

    page = text_of(client.get(f"{base}/signature"))
    with app.app_context():
        effective = contract_effective_date(app.config["DEFAULT_EFFECTIVE_DATE"], paris_today(), "first_of_next_month")
    assert f"Votre contrat prendra effet le {long_date(effective)}." in page
    assert "Le montant de votre cotisation sera de 46,00 € par mois." in page  # 12 + 14 + 2 × 10, as quoted
    for title in ("Bulletin d'adhésion", "Mandat de prélèvement SEPA", "Notice d'information"):
        assert title in page
    assert "J'accepte les conditions et je souscris" in page

    bulletin = read_pdf(client.get(f"{base}/documents/bulletin.pdf").data)
    assert "46,00 €" in bulletin and "Hélène" in bulletin and "Carla" in bulletin


def test_devis_and_public_documents_download(client: FlaskClient, make_user: Any) -> None:
    make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    login(client, "helene@example.fr")
    _affiliate_family(client)
    dashboard = text_of(client.get("/mes-demarches"))
    devis_url = dashboard.split("Télécharger mon devis")[0].rsplit('href="', 1)[1].split('"', 1)[0]
    devis = read_pdf(client.get(devis_url).data)
    assert "Devis" in devis and "Vous — Hélène Dupré" in devis
    assert "22,00 €" in devis and "46,00 €" in devis and "71,00 €" in devis
    guarantees = client.get("/documents/garanties.pdf")
    assert guarantees.mimetype == "application/pdf" and "Tableau de garanties" in read_pdf(guarantees.data)
    assert "Notice d'information" in read_pdf(client.get("/documents/notice.pdf").data)
