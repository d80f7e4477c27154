"""A new agent, in real Chromium: emailed invitation → account → affiliation → subscription → local signature
with the code read from the outbox → confirmation. axe-core checks every page on the way."""

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
    press,
    send_proofs_later,
)
from tests.dispense.helpers import SIGNING_CODE, outbox
from tests.entry.conftest import STRONG_PASSWORD, invite, last_mail, make_campaign
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


def create_account_from_invitation(page: Any, app: Flask) -> None:
    invite(app, make_campaign(app), "nouvel.agent@education.example", first="Dominique")
    page.goto(last_mail(app, kind="invitation").link("/invitation/"))
    assert_accessible(page)
    assert "Bienvenue Dominique" in page.inner_text("main")
    page.get_by_role("link", name="J'accède au parcours d'affiliation").or_(
        page.get_by_role("button", name="J'accède au parcours d'affiliation")
    ).first.click()
    page.wait_for_url(re.compile(r"/identifiant$"))
    assert_accessible(page)
    assert page.locator("[name='email']").input_value() == "nouvel.agent@education.example"
    fill_form(page, {"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_load_state()
    assert "Votre compte a bien été créé" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="Accéder à mon compte").or_(
        page.get_by_role("button", name="Accéder à mon compte")
    ).first.click()
    page.wait_for_url(re.compile(r"/regime$"))


def test_new_agent_from_the_emailed_link_to_the_signed_subscription(page: Any, app: Flask) -> None:
    create_account_from_invitation(page, app)
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
    send_proofs_later(page)  # the PACS partner's attestation
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
