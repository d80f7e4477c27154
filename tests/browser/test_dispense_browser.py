"""A dispense in real Chromium, local signature included (code read from the outbox), axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.browser.accessibility import assert_accessible
from tests.browser.steps import expect_page, log_in, press
from tests.dispense.helpers import SIGNING_CODE, outbox

pytestmark = pytest.mark.browser

EMAIL = "helene.dupre@example.fr"
ATTESTATION = {
    "birth_date": "1995-10-03", "postal_address": "8 place de la République, 98714 Papeete",
    "phone": "+689 40 12 34 56", "place": "Papeete",
}  # fmt: skip


def _fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"[name='{name}']").fill(value)


def test_dispense_signed_locally_in_chromium(page: Any, app: Flask, make_user: Any) -> None:
    make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    log_in(page, EMAIL)
    page.goto("/demarches/affiliation")
    press(page, "Je demande une dispense")
    page.wait_for_url(re.compile(r"/reason$"))
    expect_page(page, "Le motif de ma dispense")
    page.check("input[name='reason'][value='individual_contract']")
    press(page, "Enregistrer et continuer")
    expect_page(page, "La durée de ma dispense")
    _fill(page, {"end_date": "2027-12-31", "other_insurer": "Mutuelle du Lagon"})
    press(page, "Enregistrer et continuer")
    expect_page(page, "Mes coordonnées pour l'attestation")
    assert page.locator("[name='last_name']").input_value() == "Dupré", "prefilled from the account"
    page.check("input[name='civility'][value='Madame']")
    _fill(page, ATTESTATION)
    press(page, "Enregistrer et continuer")
    expect_page(page, "Je vérifie ma demande")
    assert "Mutuelle du Lagon" in page.inner_text("main")
    press(page, "Valider ma demande de dispense")
    expect_page(page, "Je signe mon attestation sur l'honneur")
    page.check("input[name='consent']")
    page.locator("main form button[type='submit'][name='action'][value='next']").click()
    page.wait_for_load_state()
    assert_code_page(page)
    codes = [c for m in outbox(app, "signing_code") for c in SIGNING_CODE.findall(m.text_body)]
    page.locator("[name='code']").fill(codes[-1])
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(re.compile(r"/done$"))
    expect_page(page, "Votre demande de dispense est enregistrée")
    assert "jusqu'au 31 décembre 2027" in page.inner_text("main")


def assert_code_page(page: Any) -> None:
    """The local ceremony's page: one field for the emailed code, accessible like every other page."""
    assert "/signature/" in page.url, page.url
    assert page.locator("[name='code']").count() == 1
    assert_accessible(page)
