"""The affiliation journey in real Chromium: what a member sees, page by page, checked by axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.steps import (
    NEXT,
    answer_household,
    answer_regime,
    complete_affiliation,
    expect_page,
    log_in,
    log_out,
    press,
    start_affiliation,
)

pytestmark = pytest.mark.browser


def test_affiliation_completed_in_chromium_every_page_accessible(page: Any, make_user: Any) -> None:
    make_user("camille@example.fr")
    log_in(page, "camille@example.fr")
    expect_page(page, "Mes démarches")
    assert "Bonjour Camille Martin." in page.inner_text("main")
    start_affiliation(page)
    complete_affiliation(page)
    assert "Votre affiliation est enregistrée" in page.inner_text("main")
    page.get_by_role("link", name="Voir mes démarches").click()
    expect_page(page, "Mes démarches")
    assert "Base + Option 1" in page.inner_text("main")


def test_invalid_submit_focuses_error_summary_and_titles_the_error(page: Any, make_user: Any) -> None:
    make_user("erreur@example.fr")
    log_in(page, "erreur@example.fr")
    start_affiliation(page)
    press(page, NEXT)
    expect_page(page, "Erreur — Mon régime de Sécurité sociale")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.locator("#error-summary")
    assert "Il y a 1 erreur à corriger" in summary.inner_text()
    summary.get_by_role("link", name="Choisissez votre régime de Sécurité sociale.").click()
    assert page.evaluate("document.activeElement.id") == "regime-0"


def _tab_until(page: Any, predicate: str, limit: int = 60) -> None:
    """Press Tab until ``predicate`` (a JS expression on ``el``) holds for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({predicate}); }})()"):
            return
    raise AssertionError(f"focus never reached an element where {predicate}")


def test_step_completed_with_the_keyboard_only(page: Any, make_user: Any) -> None:
    make_user("clavier@example.fr")
    log_in(page, "clavier@example.fr")
    start_affiliation(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    _tab_until(page, "el.name === 'regime'")
    assert page.evaluate("document.activeElement.value") == "general"
    page.keyboard.press("Space")
    _tab_until(page, "el.textContent.trim() === 'Enregistrer et continuer'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/household$"))
    expect_page(page, "Les personnes à couvrir")


def test_resume_after_logout_lands_on_the_exact_step(page: Any, make_user: Any) -> None:
    make_user("reprise@example.fr")
    log_in(page, "reprise@example.fr")
    start_affiliation(page)
    answer_regime(page)
    answer_household(page, partner=False, children=2)
    page.wait_for_url(re.compile(r"/children$"))
    log_out(page)
    assert "Vous êtes déconnecté(e). Vos réponses sont enregistrées." in page.inner_text("main")
    log_in(page, "reprise@example.fr")
    page.wait_for_url(re.compile(r"/children$"))
    expect_page(page, "Mes enfants")
    assert "Vous avez indiqué 2 enfant(s) à couvrir" in page.inner_text("main")
    press(page, "Étape précédente")
    assert page.get_by_label("Combien d'enfants souhaitez-vous couvrir ?").input_value() == "2"


def test_save_and_resume_later_keeps_what_was_typed(page: Any, make_user: Any) -> None:
    make_user("brouillon@example.fr")
    log_in(page, "brouillon@example.fr")
    start_affiliation(page)
    answer_regime(page)
    page.get_by_role("group", name=re.compile("couvrir votre conjoint")).get_by_label("Oui", exact=True).check()
    page.get_by_label("Date de naissance de votre conjoint(e)").fill("1987-06-02")
    press(page, "Enregistrer et reprendre plus tard")
    expect_page(page, "Mes démarches")
    assert "Vos réponses sont enregistrées" in page.inner_text("main")
    page.get_by_role("link", name=re.compile("Continuer")).click()
    expect_page(page, "Les personnes à couvrir")
    assert "vos saisies ont été conservées" in page.inner_text("main")
    assert page.get_by_label("Date de naissance de votre conjoint(e)").input_value() == "1987-06-02"
    assert_accessible(page)


def test_follow_up_questions_appear_only_after_yes(page: Any, make_user: Any) -> None:
    make_user("suivi@example.fr")
    log_in(page, "suivi@example.fr")
    start_affiliation(page)
    answer_regime(page)
    partner_birth = page.get_by_label("Date de naissance de votre conjoint(e)")
    count = page.get_by_label("Combien d'enfants souhaitez-vous couvrir ?")
    assert not partner_birth.is_visible() and not count.is_visible()
    page.get_by_role("group", name=re.compile("couvrir votre conjoint")).get_by_label("Oui", exact=True).check()
    assert partner_birth.is_visible() and not count.is_visible()
    page.get_by_role("group", name=re.compile("couvrir votre conjoint")).get_by_label("Non", exact=True).check()
    assert not partner_birth.is_visible()
    page.get_by_role("group", name=re.compile("couvrir votre ou vos enfant")).get_by_label("Oui", exact=True).check()
    assert count.is_visible()
    press(page, NEXT)  # « Oui » with no number: the error keeps its block visible
    assert count.is_visible()
    assert "Indiquez le nombre d'enfants à couvrir." in page.inner_text("main")
    assert_accessible(page)
