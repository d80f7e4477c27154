"""One full family change in real Chromium: a birth declared with a real PDF uploaded through the file input,
the price effect on the review, the local signature, the confirmation with the designation reminder; axe
checks every page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config.formats import long_date as french_date
from tests.browser.accessibility import assert_accessible
from tests.browser.steps import NEXT, expect_page, fill_form, log_in, press
from tests.dispense.helpers import SIGNING_CODE, outbox, signed_documents
from tests.family_change.helpers import EMAIL, pdf_bytes, signed_contract
from wizard.subscription.dates import first_of_next_month
from wizard.subscription.service import paris_today

pytestmark = pytest.mark.browser


def test_a_birth_declared_and_signed_in_chromium(page: Any, app: Flask, make_user: Any, tmp_path: Path) -> None:
    signed_contract(app, make_user(EMAIL))
    born = paris_today() - timedelta(days=8)
    log_in(page, EMAIL)
    page.goto("/mes-demarches")
    expect_page(page, "Mes démarches")
    press(page, "Déclarer un changement de situation")
    page.wait_for_url(re.compile(r"/event$"))
    expect_page(page, "Que s'est-il passé ?")
    fill_form(page, {"event": "birth_adoption", "birth_kind": "birth", "event_date": born.isoformat()})
    page.locator("main [name='place']").fill("Lyon")
    press(page, NEXT)
    page.wait_for_url(re.compile(r"/child$"))
    expect_page(page, "Je renseigne les informations de l'enfant")
    fill_form(page, {
        "civilite": "Mme", "first_name": "Léa", "last_name": "Dupré", "birth_city": "Lyon",
    })  # fmt: skip
    press(page, NEXT)
    page.wait_for_url(re.compile(r"/proofs$"))
    expect_page(page, "Je joins mes justificatifs")

    press(page, NEXT)  # nothing attached, « plus tard » not ticked: the page says what is missing
    expect_page(page, "Erreur — Je joins mes justificatifs")
    assert "Joignez « Acte de naissance de l'enfant » ou cochez « Envoyer plus tard »." in page.inner_text("main")
    acte = tmp_path / "acte-naissance.pdf"
    acte.write_bytes(pdf_bytes(2))
    page.get_by_label("Choisir le(s) fichier(s)").set_input_files(str(acte))
    press(page, NEXT)
    page.wait_for_url(re.compile(r"/review$"))
    expect_page(page, "Je vérifie mon changement et sa cotisation")
    main = " ".join(page.inner_text("main").split())
    assert "Votre cotisation mensuelle passe de 46,00 € à 56,00 €." in main
    effective = first_of_next_month(born)
    assert f"Ajout : Léa DUPRÉ, à compter du {french_date(effective)}." in main

    press(page, "Je passe à la signature")
    page.wait_for_url(re.compile(r"/signature$"))
    expect_page(page, "Je signe l'avenant à mon contrat")
    page.check("input[name='consent']")
    page.locator("main form button[type='submit'][name='action'][value='next']").click()
    page.wait_for_load_state()
    assert page.locator("[name='code']").count() == 1
    assert_accessible(page)
    codes = [c for m in outbox(app, "signing_code") for c in SIGNING_CODE.findall(m.text_body)]
    page.locator("[name='code']").fill(codes[-1])
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(re.compile(r"/done$"))
    expect_page(page, "Votre changement de situation est enregistré")
    main = " ".join(page.inner_text("main").split())
    assert "votre cotisation mensuelle est de 56,00 €" in main
    assert page.get_by_role("link", name="Vérifier ma désignation de bénéficiaires").is_visible()
    assert len(signed_documents(app, "amendment")) == 1

    page.goto("/mes-documents")
    expect_page(page, "Mes documents")
    assert "Acte de naissance de l'enfant — Envoyé, en cours de vérification" in page.inner_text("main")
