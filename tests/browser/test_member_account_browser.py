"""« Mon compte » and « Gérer mes données personnelles » in Chromium, keyboard only, checked with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.steps import expect_page, log_in

pytestmark = pytest.mark.browser


def tab_to(page: Any, name: str, *, max_presses: int = 80) -> None:
    """Press Tab until the focused element's accessible text is ``name`` (fails if never reached)."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const label = e.labels && e.labels.length ? e.labels[0].innerText : '';"
            " return (e.getAttribute('aria-label') || label || e.innerText || e.value || '').trim(); }"
        )
        if focused.replace("\n", " ").startswith(name):
            return
    raise AssertionError(f"« {name} » cannot be reached with the keyboard on {page.url}")


def activate(page: Any) -> None:
    """Enter on the focused link or button, waiting for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_mon_compte_by_keyboard(page: Any, make_user: Any) -> None:
    make_user("clavier@example.fr")
    log_in(page, "clavier@example.fr")
    page.goto("/mon-compte/")
    expect_page(page, "Mon compte")
    tab_to(page, "Modifier mon adresse postale")
    activate(page)
    page.wait_for_url(re.compile(r"/mon-compte/adresse$"))
    expect_page(page, "Mon adresse postale")
    tab_to(page, "Enregistrer")
    activate(page)  # empty form: errors in the summary
    expect_page(page, "Erreur — Mon adresse postale")
    assert "Indiquez le code postal." in page.inner_text(".error-summary")
    tab_to(page, "Numéro et libellé de la voie")
    page.keyboard.type("12 rue des Lilas")
    tab_to(page, "Code postal")
    page.keyboard.type("75020")
    tab_to(page, "Commune")
    page.keyboard.type("Paris")
    tab_to(page, "Enregistrer")
    activate(page)
    page.wait_for_url(re.compile(r"/mon-compte/$"))
    expect_page(page, "Mon compte")
    assert "Vos modifications ont bien été enregistrées" in page.inner_text("main")
    assert "75020 Paris" in page.inner_text("main")
    tab_to(page, "Modifier mes numéros de téléphone")
    activate(page)
    page.wait_for_url(re.compile(r"/telephones$"))
    expect_page(page, "Mes numéros de téléphone")
    tab_to(page, "Téléphone mobile")
    page.keyboard.type("06 12 34 56 56")
    tab_to(page, "Enregistrer")
    activate(page)
    page.wait_for_url(re.compile(r"/mon-compte/$"))
    assert "06 ** ** ** 56" in page.inner_text("main")


def test_consents_by_keyboard(page: Any, make_user: Any) -> None:
    make_user("consent@example.fr")
    log_in(page, "consent@example.fr")
    page.goto("/mon-compte/")
    tab_to(page, "Gérer mes données personnelles")
    activate(page)
    page.wait_for_url(re.compile(r"/donnees-personnelles$"))
    expect_page(page, "Gérer mes données personnelles")
    assert page.locator("input[type=checkbox]:checked").count() == 0
    tab_to(page, "SMS — Offres et services en lien avec mes contrats")
    page.keyboard.press("Space")
    tab_to(page, "Enquêtes de satisfaction")
    page.keyboard.press("Space")
    tab_to(page, "Enregistrer mes choix")
    activate(page)
    expect_page(page, "Gérer mes données personnelles")
    assert "Vos modifications ont bien été enregistrées." in page.inner_text("main")
    assert page.get_by_label("Enquêtes de satisfaction").is_checked()
    assert page.locator("input[type=checkbox]:checked").count() == 2
    assert page.get_by_role("table").get_by_text("Accepté").count() == 2
