"""Affiliation → subscription → local signature with the emailed code → confirmation, in real Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.browser.accessibility import assert_accessible
from tests.browser.steps import (
    NEXT,
    answer_children,
    answer_household,
    answer_regime,
    choose_formula,
    expect_page,
    fill_form,
    log_in,
    press,
    start_affiliation,
)
from tests.dispense.helpers import SIGNING_CODE, outbox
from tests.subscription.conftest import BANK, CHILDREN, CONTACTS, PARTNER, PERSONAL, SOCIAL

pytestmark = pytest.mark.browser

SUBSCRIPTION_STEPS = [
    ("Je complète et je valide mes informations personnelles", PERSONAL),
    ("Je communique mes informations de Sécurité sociale", SOCIAL),
    ("Je renseigne les informations de mon(ma) bénéficiaire conjoint(e)", PARTNER),
    ("Je complète les informations de mon(mes) bénéficiaire(s) enfant(s)", CHILDREN),
    ("Je saisis mes coordonnées", CONTACTS),
    ("Je renseigne mes informations bancaires", BANK),
]


def test_affiliation_then_subscription_signed_locally(page: Any, app: Flask, make_user: Any) -> None:
    make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    log_in(page, "helene@example.fr")
    start_affiliation(page)
    answer_regime(page)
    answer_household(page, partner=True, children=2)
    answer_children(page, ["2015-09-01", "2019-09-09"])
    choose_formula(page, "Option 1")
    press(page, "Je valide mon affiliation")
    expect_page(page, "Affiliation validée")
    page.get_by_role("link", name="Voir mes démarches").click()
    expect_page(page, "Mes démarches")
    page.get_by_role("link", name=re.compile("Adhérer au contrat")).first.click()
    for title, values in SUBSCRIPTION_STEPS:
        expect_page(page, title)
        fill_form(page, {k: v for k, v in values.items() if v != ""})
        press(page, NEXT)
    expect_page(page, "Je vérifie mes informations")
    press(page, "Je passe à la signature")
    expect_page(page, "Je lis et je signe mes documents")
    assert "46,00 € par mois" in page.inner_text("main")
    page.check("input[name='consent']")
    page.get_by_role("button", name="J'accepte les conditions et je souscris").click()
    page.wait_for_url(re.compile(r"/signature/"))
    assert_accessible(page)
    codes = [c for m in outbox(app, "signing_code") for c in SIGNING_CODE.findall(m.text_body)]
    page.locator("[name='code']").fill(codes[-1])
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_load_state()
    expect_page(page, "Merci d'avoir choisi notre mutuelle !")
